// Real AWS SDK v3 clients pointed at a moto_server, and the few SQS moves the e2e tests repeat.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  EventBridgeClient,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
  type PutEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';
import { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import type { Moto } from '../../support/moto';

export const REGION = 'eu-west-1';

export function motoClients(moto: Moto, region = REGION) {
  const common = {
    region,
    endpoint: moto.url,
    credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'fake-secret-for-moto' },
    maxAttempts: 2,
  };
  return {
    sqs: new SQSClient(common),
    sns: new SNSClient(common),
    eventBridge: new EventBridgeClient(common),
    dynamodb: new DynamoDBClient(common),
    tagging: new ResourceGroupsTaggingAPIClient(common),
    s3: (bucketRegion: string) => new S3Client({ ...common, region: bucketRegion, forcePathStyle: true }),
  };
}

export interface Queue {
  url: string;
  arn: string;
}

export async function createQueue(sqs: SQSClient, name: string): Promise<Queue> {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
  if (!QueueUrl) throw new Error(`CreateQueue ${name} gave no QueueUrl`);
  const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  const arn = attrs.Attributes?.QueueArn;
  if (!arn) throw new Error(`queue ${name} has no QueueArn`);
  return { url: QueueUrl, arn };
}

/** An EventBridge event as the sample files hold it (events/cloudtrail-*.json). */
export interface SampleEvent<Detail = Record<string, unknown>> {
  source: string;
  'detail-type': string;
  time: string;
  resources: string[];
  detail: Detail;
}

/** The PutEvents entry that puts a sample event on a bus (the default bus unless one is named). */
export const putEventsEntry = (e: SampleEvent<unknown>, busName?: string): PutEventsRequestEntry => ({
  Source: e.source,
  DetailType: e['detail-type'],
  Detail: JSON.stringify(e.detail),
  Resources: e.resources,
  Time: new Date(e.time),
  ...(busName && { EventBusName: busName }),
});

/** Put entries on moto's buses ten at a time (PutEvents' limit); an entry EventBridge refuses fails the test. */
export async function putEvents(
  eventBridge: EventBridgeClient,
  entries: PutEventsRequestEntry[],
): Promise<void> {
  for (let i = 0; i < entries.length; i += 10) {
    const out = await eventBridge.send(new PutEventsCommand({ Entries: entries.slice(i, i + 10) }));
    if (out.FailedEntryCount) throw new Error(`PutEvents refused ${out.FailedEntryCount} entries`);
  }
}

/** A queue that receives every drift event the guard puts on moto's default bus, as a consumer would. */
export async function driftEventQueue(
  clients: Pick<ReturnType<typeof motoClients>, 'sqs' | 'eventBridge'>,
  name: string,
): Promise<Queue> {
  const queue = await createQueue(clients.sqs, name);
  await clients.eventBridge.send(
    new PutRuleCommand({
      Name: 'drift-consumer',
      EventPattern: JSON.stringify({ source: ['mfa-delete-guard'] }),
    }),
  );
  await clients.eventBridge.send(
    new PutTargetsCommand({ Rule: 'drift-consumer', Targets: [{ Id: 'c', Arn: queue.arn }] }),
  );
  return queue;
}

/**
 * Every message body now in the queue, deleted as read. moto delivers EventBridge and SNS targets while
 * it answers PutEvents/Publish, so an empty receive means the queue is drained; the short wait on the
 * last receive covers a slower implementation.
 */
export async function drainQueue(sqs: SQSClient, queue: Queue): Promise<string[]> {
  const bodies: string[] = [];
  for (;;) {
    const out = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queue.url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    const messages = out.Messages ?? [];
    if (messages.length === 0) return bodies;
    bodies.push(...messages.map((m) => m.Body ?? ''));
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queue.url,
        Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? '' })),
      }),
    );
  }
}

/**
 * Everything now in `queue`, deleted as read, as the check queue's event source mapping hands it to the
 * function in one batch. `body` may mend what moto delivers differently from EventBridge (the envelope's
 * account); it gets the body as moto sent it and returns the body the function receives.
 */
export async function receiveBatch(
  sqs: SQSClient,
  queue: Queue,
  body: (raw: string) => string = (raw) => raw,
): Promise<SQSRecord[]> {
  const records: SQSRecord[] = [];
  for (;;) {
    const out = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queue.url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    const messages = out.Messages ?? [];
    if (!messages.length) return records;
    for (const m of messages)
      records.push({
        messageId: m.MessageId!,
        receiptHandle: m.ReceiptHandle!,
        body: body(m.Body!),
        attributes: {} as SQSRecord['attributes'],
        messageAttributes: {},
        md5OfBody: m.MD5OfBody ?? '',
        eventSource: 'aws:sqs',
        eventSourceARN: queue.arn,
        awsRegion: REGION,
      });
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queue.url,
        Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
      }),
    );
  }
}
