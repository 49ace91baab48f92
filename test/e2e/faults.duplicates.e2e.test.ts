// At-least-once delivery: the real handler with Powertools idempotency on a real DynamoDB (moto_server),
// S3/SNS/EventBridge on the loopback fake. The same CloudTrail event (same eventID) delivered again must
// not alert twice; a retry after a partial failure must re-send only what did not go out.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DeleteTableCommand, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import type { FakeAws } from '../support/fakeAws';
import { createDedupeTable } from '../support/moto';
import type { CheckHandler } from '../support/checkHandler';
import { lambdaContext } from '../support/lambdaContext';
import { startDedupedCheckHandler } from './support/dedupedCheckHandler';
import { loadEvent, resetToSampleBuckets } from '../support/scenarios';
import { createDeliveryDedupe } from '../../lib/aws/deliveryDedupe';
import { dedupeFromEnv } from '../../lib/runtime/wiring';

const TABLE = 'mfa-delete-guard-test-dedupe';
const TOPIC = 'arn:aws:sns:eu-west-1:111122223333:mfa-delete-guard-dedupe';
const DRIFT_EVENT = loadEvent('cloudtrail-mfa-delete-disabled.json') as {
  id: string;
  detail: { eventID: string };
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
  resetToSampleBuckets(fake);
  await ddb.send(new DeleteTableCommand({ TableName: TABLE })).catch(() => undefined);
  await createDedupeTable(ddb, TABLE);
});

const deliver = (event: unknown = DRIFT_EVENT) => handler(structuredClone(event), lambdaContext());

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected the invocation to fail');
}

async function storedRecords() {
  const out = await ddb.send(new ScanCommand({ TableName: TABLE }));
  return (out.Items ?? []).map((i) => ({
    id: i.id?.S ?? '',
    status: i.status?.S,
    expiration: i.expiration?.N,
  }));
}

describe('duplicate deliveries of one CloudTrail event', () => {
  it('the second delivery of the same eventID sends no second alert and no second drift event', async () => {
    const first = await deliver();
    const second = await deliver();
    expect(first.results[0]).toMatchObject({ status: 'drift', alerted: true });
    // The duplicate still checks live and reports; it just does not page again.
    expect(second.results[0]).toMatchObject({ status: 'drift', alerted: true });
    expect(fake.published).toHaveLength(1);
    expect(fake.putEvents).toHaveLength(1);
    expect(fake.stats().byOperation['GetBucketVersioning']).toBe(2);

    const records = await storedRecords();
    expect(records.map((r) => r.id.split('#')[0]).sort()).toEqual([
      'mfa-delete-guard.alert',
      'mfa-delete-guard.drift-event',
    ]);
    expect(records.every((r) => r.status === 'COMPLETED')).toBe(true);
    // The window: every record expires, so DynamoDB's TTL removes it and the table does not grow.
    const now = Date.now() / 1000;
    for (const r of records) {
      expect(Number(r.expiration)).toBeGreaterThan(now + 3500);
      expect(Number(r.expiration)).toBeLessThan(now + 3700);
    }
  });

  it('a different eventID for the same bucket is a new change: it alerts again', async () => {
    await deliver();
    const other = structuredClone(DRIFT_EVENT);
    other.detail.eventID = '5b7e2f0a-2222-4c3d-9e8f-0000000000ff';
    await deliver(other);
    expect(fake.published).toHaveLength(2);
    expect(fake.putEvents).toHaveLength(2);
  });

  it('the same event with a different outcome (unverified, then drift) alerts again: it is new information', async () => {
    fake.fail('GetBucketVersioning', { status: 403, code: 'AccessDenied', times: 1 });
    expect((await deliver()).results[0]?.status).toBe('unverified');
    expect((await deliver()).results[0]?.status).toBe('drift');
    expect(fake.published.map((p) => p.Subject)).toEqual([
      expect.stringContaining('Could not verify'),
      expect.stringContaining('MFA delete OFF'),
    ]);
  });

  it('alert sent, then PutEvents refused: the retry re-sends the drift event but not the alert', async () => {
    fake.failPutEventsEntries('AccessDeniedException', 1);
    const err = await rejection(deliver());
    expect(err.name).toBe('DriftEventError');
    expect(fake.published).toHaveLength(1);
    expect(fake.putEvents).toHaveLength(0);

    await deliver(); // Lambda's retry of the same event
    expect(fake.published).toHaveLength(1);
    expect(fake.putEvents).toHaveLength(1);
    await deliver(); // and a late duplicate changes nothing
    expect(fake.published).toHaveLength(1);
    expect(fake.putEvents).toHaveLength(1);
  });

  it('SNS failing leaves no record behind: the retry publishes the alert', async () => {
    fake.fail('Publish', { status: 500, code: 'InternalError' });
    await rejection(deliver());
    expect(fake.published).toHaveLength(0);
    expect(await storedRecords()).toEqual([]);

    fake.reset();
    await deliver();
    expect(fake.published).toHaveLength(1);
    expect(fake.putEvents).toHaveLength(1);
  });

  it('manual checks are never de-duplicated: each request reports and alerts', async () => {
    const manual = { bucket: 'example-bucket', region: 'eu-west-1' };
    await handler(manual, lambdaContext());
    await handler(manual, lambdaContext());
    expect(fake.published).toHaveLength(2);
    expect(await storedRecords()).toEqual([]);
  });
});

describe('the de-duplication store', () => {
  it('unreachable: delivery fails open (a duplicate alert is better than none)', async () => {
    const warnings: string[] = [];
    const dead = new DynamoDBClient({ endpoint: 'http://127.0.0.1:9', region: 'eu-west-1', maxAttempts: 1 });
    const dedupe = createDeliveryDedupe({
      tableName: TABLE,
      windowSeconds: 60,
      client: dead,
      log: { warn: (m) => warnings.push(m) },
    });
    dedupe.registerLambdaContext(lambdaContext());
    let sends = 0;
    const key = { eventId: 'e-1', bucket: 'example-bucket', status: 'drift' };
    const out = await dedupe.once('alert', key, async () => `message-${++sends}`);
    expect(out).toEqual({ sent: true, value: 'message-1' });
    expect(warnings).toEqual(['de-duplication store unavailable; delivering without it']);
    dead.destroy();
  });

  it('a step that fails is not recorded, and its error is the one thrown', async () => {
    const dedupe = createDeliveryDedupe({ tableName: TABLE, windowSeconds: 60, client: ddb });
    dedupe.registerLambdaContext(lambdaContext());
    const key = { eventId: 'e-2', bucket: 'example-bucket', status: 'drift' };
    await expect(
      dedupe.once('alert', key, async () => {
        throw new Error('SNS down');
      }),
    ).rejects.toThrow('SNS down');
    expect(await dedupe.once('alert', key, async () => 'sent-now')).toEqual({
      sent: true,
      value: 'sent-now',
    });
    expect(await dedupe.once('alert', key, async () => 'again')).toEqual({ sent: false, value: 'sent-now' });
  });

  it('is off without IDEMPOTENCY_TABLE (local stage, demo, CLI)', async () => {
    expect(await dedupeFromEnv({})).toBeUndefined();
    expect(await dedupeFromEnv({ IDEMPOTENCY_TABLE: '  ' })).toBeUndefined();
    expect((await dedupeFromEnv({ IDEMPOTENCY_TABLE: TABLE }, undefined, ddb))?.windowSeconds).toBe(86_400);
    expect(
      (await dedupeFromEnv({ IDEMPOTENCY_TABLE: TABLE, IDEMPOTENCY_WINDOW_SECONDS: '600' }, undefined, ddb))
        ?.windowSeconds,
    ).toBe(600);
  });
});
