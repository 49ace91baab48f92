/**
 * Storm grouping through the real path: the packaged CloudTrail rule's pattern on moto's default bus with
 * the check queue as its target (as the stack wires it), the queue read in one batch as the event source
 * mapping delivers it, and the PACKAGED check function invoked with that batch. S3 answers from the
 * MFA-aware loopback server; SNS, EventBridge, SQS and DynamoDB (the de-dup table) are moto's.
 */
import { PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateTopicCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';
import { classifyTopicMessage } from '../../lib/domain/topicMessage';
import { SNS_MESSAGE_MAX_BYTES } from '../../lib/domain/snsMessage';
import { startFakeAws, type FakeAws } from '../support/fakeAws';
import { createDedupeTable, startMoto, type Moto } from '../support/moto';
import { loadEvent } from '../support/scenarios';
import {
  createQueue,
  drainQueue,
  driftEventQueue,
  putEvents,
  putEventsEntry,
  motoClients,
  receiveBatch,
  REGION,
  type Queue,
} from './support/motoClients';
import { checkFunction, checkPatternRules, codeDir, loadTemplate } from './support/package';
import { packagedFunction } from './support/packagedFunction';
import { createSigningKey, type SigningKey } from './support/signingKey';

const ACCOUNT = '111122223333';
const SAMPLE = loadEvent('cloudtrail-mfa-delete-disabled.json') as {
  source: string;
  'detail-type': string;
  resources: string[];
  time: string;
  detail: { eventID: string; eventTime: string; requestParameters: { bucketName: string } };
};

let moto: Moto;
let fake: FakeAws;
let clients: ReturnType<typeof motoClients>;
let checkQueue: Queue;
let alertQueue: Queue;
let driftQueue: Queue;
let invoke: ReturnType<typeof packagedFunction>;
let round = 0;
let signingKey: SigningKey;

beforeAll(async () => {
  const packageDir = inject('packageDir');
  [moto, fake] = await Promise.all([startMoto(), startFakeAws({ homeRegion: REGION })]);
  clients = motoClients(moto);
  const template = loadTemplate(packageDir);
  const fn = checkFunction(template);
  const topicArn = (await clients.sns.send(new CreateTopicCommand({ Name: 'storm-alerts' }))).TopicArn!;
  signingKey = await createSigningKey(moto);
  const table = String(fn.environment.IDEMPOTENCY_TABLE);
  await createDedupeTable(clients.dynamodb, table);
  // Raw delivery: the queue gets the machine copy (the `default` key), which says what the page described.
  alertQueue = await createQueue(clients.sqs, 'storm-security-team');
  await clients.sns.send(
    new SubscribeCommand({
      TopicArn: topicArn,
      Protocol: 'sqs',
      Endpoint: alertQueue.arn,
      Attributes: { RawMessageDelivery: 'true' },
    }),
  );
  driftQueue = await driftEventQueue(clients, 'storm-drift-events');
  // The packaged rule's pattern, targeting the check queue as the stack does.
  const rules = checkPatternRules(template);
  expect(rules.map((r) => [r.logicalId, r.via])).toEqual([
    ['PutBucketVersioningRule', { queue: 'CheckQueue' }],
  ]);
  checkQueue = await createQueue(clients.sqs, 'mfa-delete-guard-prod-check');
  await clients.eventBridge.send(
    new PutRuleCommand({ Name: 'check-rule', EventPattern: JSON.stringify(rules[0]!.eventPattern) }),
  );
  await clients.eventBridge.send(
    new PutTargetsCommand({ Rule: 'check-rule', Targets: [{ Id: 'check-queue', Arn: checkQueue.arn }] }),
  );
  invoke = packagedFunction({
    fn,
    taskRoot: codeDir(packageDir, fn.zip),
    account: ACCOUNT,
    region: REGION,
    resolvedEnvironment: {
      ALERT_TOPIC_ARN: topicArn,
      EVENT_BUS_NAME: 'default',
      IDEMPOTENCY_TABLE: table,
      ALERT_SIGNING_KEY_ARN: signingKey.arn,
    },
    extraEnvironment: {
      AWS_ENDPOINT_URL: moto.url,
      AWS_ENDPOINT_URL_S3: fake.url,
      IDEMPOTENCY_TABLE: table,
    },
  });
}, 120_000);

afterAll(async () => {
  await Promise.all([moto?.stop(), fake?.close()]);
});

beforeEach(() => {
  fake.reset();
  fake.buckets.clear();
  round++;
});

/** n CloudTrail records for n buckets in drift, 100 ms apart, put on the bus. */
async function putStorm(n: number): Promise<string[]> {
  const start = Date.parse(SAMPLE.detail.eventTime);
  const names: string[] = [];
  const events = Array.from({ length: n }, (_, i) => {
    const name = `storm-${round}-${String(i).padStart(3, '0')}`;
    names.push(name);
    fake.addBucket({ name, region: REGION, versioning: 'Enabled', mfaDelete: 'Disabled' });
    const e = structuredClone(SAMPLE);
    e.detail.eventTime = new Date(start + i * 100).toISOString().replace(/\.\d{3}Z$/, 'Z');
    e.detail.eventID = `5b7e2f0a-${String(round).padStart(4, '0')}-4c3d-9e8f-${String(i).padStart(12, '0')}`;
    e.detail.requestParameters.bucketName = name;
    return e;
  });
  await putEvents(
    clients.eventBridge,
    events.map((e) => putEventsEntry(e)),
  );
  return names;
}

/**
 * moto (5.2) leaves `account` out of the event it delivers to an SQS target; EventBridge always sends it
 * (https://docs.aws.amazon.com/eventbridge/latest/ref/overiew-event-structure.html). Put back the account of
 * the bus the event was put on, and nothing else.
 */
function withAccount(body: string): string {
  const event = JSON.parse(body) as Record<string, unknown>;
  if (event.account === undefined) event.account = moto.account;
  return JSON.stringify(event);
}

/** Everything on the check queue, as the event source mapping hands it to the function in one batch. */
const readBatch = () => receiveBatch(clients.sqs, checkQueue, withAccount);

async function runBatch(records: SQSRecord[]) {
  const invocation = await invoke<SQSBatchResponse>({ Records: records });
  if (!invocation.ok)
    throw new Error(`${invocation.errorType}: ${invocation.errorMessage}\n${invocation.logs}`);
  const [alerts, drift] = await Promise.all([
    drainQueue(clients.sqs, alertQueue),
    drainQueue(clients.sqs, driftQueue),
  ]);
  return { response: invocation.result, alerts, drift, logs: invocation.logs };
}

describe('a storm through rule → queue → the packaged check function', () => {
  it('300 records for 300 buckets of one account: one grouped alert, every bucket accounted for, 300 drift events', async () => {
    const names = await putStorm(300);
    const records = await readBatch();
    expect(records).toHaveLength(300);
    const { response, alerts, drift, logs } = await runBatch(records);
    expect(response.batchItemFailures).toEqual([]);
    expect(alerts).toHaveLength(1);
    // The grouped alert goes through the same publish path as every alert: it is signed.
    await expect(signingKey.check(alerts[0]!)).resolves.toEqual({ verdict: 'genuine' });
    const m = classifyTopicMessage('storm', alerts[0]!);
    expect(m.kind).toBe('digest');
    if (m.kind !== 'digest') return;
    expect(m.digest.storm?.actors.map((a) => [a.root, a.buckets])).toEqual([[true, 300]]);
    expect(m.digest.total).toBe(300);
    expect(m.digest.attention.length + m.digest.leftOut).toBe(300);
    for (const r of m.digest.attention) expect(names).toContain(r.bucket);
    // The whole publish (every channel) was under SNS's limit, as the function logged it.
    const published = logs
      .split('\n')
      .filter((l) => l.includes('grouped alert published'))
      .map(
        (l) => JSON.parse(l.slice(l.indexOf('{'))) as { bytes: number; included: number; leftOut: number },
      );
    expect(published).toHaveLength(1);
    expect(published[0]!.bytes).toBeLessThan(SNS_MESSAGE_MAX_BYTES);
    expect(published[0]!.included + published[0]!.leftOut).toBe(300);
    expect(drift).toHaveLength(300);
    const driftBuckets = new Set(
      drift.map((b) => (JSON.parse(b) as { detail: { bucket: string } }).detail.bucket),
    );
    expect([...driftBuckets].sort()).toEqual([...names].sort());

    // The same batch delivered again (a timeout after the publish): nothing pages twice.
    const again = await runBatch(records);
    expect(again.response.batchItemFailures).toEqual([]);
    expect(again.alerts).toEqual([]);
    expect(again.drift).toEqual([]);
  }, 300_000);

  it('3 records: 3 separate alerts', async () => {
    await putStorm(3);
    const { response, alerts, drift } = await runBatch(await readBatch());
    expect(response.batchItemFailures).toEqual([]);
    expect(alerts.map((a) => classifyTopicMessage('x', a).kind)).toEqual(['alert', 'alert', 'alert']);
    expect(drift).toHaveLength(3);
  }, 120_000);

  it('a direct invoke with one EventBridge event still returns the report', async () => {
    const [name] = await putStorm(1);
    const [record] = await readBatch();
    const invocation = await invoke<{ results: Array<{ bucket: string; status: string }> }>(
      JSON.parse(record!.body),
    );
    expect(
      invocation.ok && invocation.result.results[0],
      JSON.stringify(invocation.ok && invocation.result.results[0]),
    ).toMatchObject({ bucket: name, status: 'drift' });
    await Promise.all([drainQueue(clients.sqs, alertQueue), drainQueue(clients.sqs, driftQueue)]);
  }, 120_000);
});
