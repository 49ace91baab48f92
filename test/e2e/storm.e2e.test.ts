// Storm grouping through the real check handler's queue path: SQS batches of CloudTrail records (as the
// event source mapping delivers them) against the loopback fake S3/SNS/EventBridge, with the real
// de-duplication table on moto's DynamoDB.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDedupeTable } from '../support/moto';
import type { SQSBatchResponse } from 'aws-lambda';
import { SNS_MESSAGE_MAX_BYTES } from '../../lib/domain/snsMessage';
import { classifyTopicMessage } from '../../lib/domain/topicMessage';
import type { FakeAws } from '../support/fakeAws';
import type { CheckHandler } from '../support/checkHandler';
import { lambdaContext } from '../support/lambdaContext';
import { startDedupedCheckHandler } from './support/dedupedCheckHandler';
import { loadEvent } from '../support/scenarios';

const TABLE = 'mfa-delete-guard-test-storm';
const TOPIC = 'arn:aws:sns:eu-west-1:111122223333:mfa-delete-guard-storm';
const SAMPLE = loadEvent('cloudtrail-mfa-delete-disabled.json') as {
  id: string;
  time: string;
  detail: { eventID: string; eventTime: string; requestParameters: { bucketName: string } };
};

let fake: FakeAws;
let ddb: DynamoDBClient;
let handler: CheckHandler;
let stop: (() => Promise<void>) | undefined;

beforeAll(async () => {
  ({ fake, ddb, handler, stop } = await startDedupedCheckHandler(TOPIC, TABLE));
}, 60_000);

afterAll(async () => {
  await stop?.();
});

beforeEach(async () => {
  fake.reset();
  fake.buckets.clear();
  await ddb.send(new DeleteTableCommand({ TableName: TABLE })).catch(() => undefined);
  await createDedupeTable(ddb, TABLE);
});

const bucketName = (i: number) => `storm-bucket-${String(i).padStart(3, '0')}`;

/** n buckets in drift (MFA delete turned off by root), and one SQS record per CloudTrail record, 100 ms apart. */
function storm(n: number) {
  const start = Date.parse(SAMPLE.detail.eventTime);
  return Array.from({ length: n }, (_, i) => {
    const name = bucketName(i);
    fake.addBucket({ name, region: 'eu-west-1', versioning: 'Enabled', mfaDelete: 'Disabled' });
    const event = structuredClone(SAMPLE);
    const time = new Date(start + i * 100).toISOString().replace(/\.\d{3}Z$/, 'Z');
    event.id = `0d9f3c1e-1111-4a2b-8c3d-${String(i).padStart(12, '0')}`;
    event.time = time;
    event.detail.eventTime = time;
    event.detail.eventID = `5b7e2f0a-2222-4c3d-9e8f-${String(i).padStart(12, '0')}`;
    event.detail.requestParameters.bucketName = name;
    return {
      messageId: `msg-${i}`,
      receiptHandle: `rh-${i}`,
      body: JSON.stringify(event),
      attributes: {},
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:eu-west-1:111122223333:mfa-delete-guard-check',
      awsRegion: 'eu-west-1',
    };
  });
}

const runBatch = async (records: ReturnType<typeof storm>) =>
  (await handler({ Records: records }, lambdaContext())) as unknown as SQSBatchResponse;

describe('a storm on the queue path', () => {
  it('300 records for 300 buckets of one account: one grouped alert, every bucket accounted for, 300 drift events', async () => {
    const records = storm(300);
    const response = await runBatch(records);
    expect(response.batchItemFailures).toEqual([]);
    expect(fake.published).toHaveLength(1);
    const sent = fake.published[0]!;
    expect(Buffer.byteLength(sent.Message, 'utf8')).toBeLessThan(SNS_MESSAGE_MAX_BYTES);
    expect(sent.Subject).toBe('[HIGH] S3 Storm: 300 buckets changed in account 111122223333 within 60 s');
    const channels = JSON.parse(sent.Message) as Record<string, string>;
    const m = classifyTopicMessage(sent.Subject, channels.default!);
    expect(m.kind).toBe('digest');
    if (m.kind !== 'digest') return;
    expect(m.digest.storm?.actors).toEqual([
      expect.objectContaining({
        who: 'Root user (arn:aws:iam::111122223333:root)',
        root: true,
        buckets: 300,
      }),
    ]);
    // Every bucket is described or counted, with where to see the rest.
    expect(m.digest.attention.length + m.digest.leftOut).toBe(300);
    expect(m.digest.total).toBe(300);
    const described = new Set(m.digest.attention.map((r) => r.bucket));
    for (const b of described) expect(channels.email).toContain(`s3://${b}`);
    if (m.digest.leftOut) expect(channels.email).toContain(m.digest.seeAll);
    expect(channels.email).toContain('Root credentials were used');
    // Drift events stay one per bucket.
    expect(fake.putEvents).toHaveLength(300);
    expect(new Set(fake.putEvents.map((e) => (JSON.parse(e.Detail) as { bucket: string }).bucket)).size).toBe(
      300,
    );
  }, 120_000);

  it('a redelivered batch does not page twice, nor send its drift events again', async () => {
    const records = storm(20);
    await runBatch(records);
    expect(fake.published).toHaveLength(1);
    expect(fake.putEvents).toHaveLength(20);
    const again = await runBatch(records);
    expect(again.batchItemFailures).toEqual([]);
    expect(fake.published).toHaveLength(1);
    expect(fake.putEvents).toHaveLength(20);
  }, 60_000);

  it('3 records: 3 separate alerts', async () => {
    await runBatch(storm(3));
    expect(fake.published).toHaveLength(3);
    expect(fake.published.map((p) => p.Subject).sort()).toEqual(
      [0, 1, 2].map((i) => `[HIGH] S3 MFA delete OFF on ${bucketName(i)} (111122223333)`),
    );
    expect(fake.putEvents).toHaveLength(3);
  }, 60_000);

  it('a failed publish of the grouped alert returns every record of the group for redelivery, and loses nothing', async () => {
    const records = storm(10);
    fake.fail('Publish', { status: 500, code: 'InternalError', message: 'injected' });
    const response = await runBatch(records);
    expect(response.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(
      records.map((r) => r.messageId).sort(),
    );
    fake.reset();
    const retry = await runBatch(records);
    expect(retry.batchItemFailures).toEqual([]);
    expect(fake.published).toHaveLength(1);
    // The drift events went out on the first attempt: the retry does not repeat them.
    expect(fake.putEvents).toHaveLength(0);
  }, 60_000);

  it('a direct invoke with one EventBridge event still works as before', async () => {
    const [record] = storm(1);
    const report = await handler(JSON.parse(record!.body), lambdaContext());
    expect(report.results[0]).toMatchObject({ status: 'drift', alerted: true, bucket: bucketName(0) });
    expect(fake.published).toHaveLength(1);
  });
});
