// Fault injection: the real handler (middy, Powertools, AWS SDK v3 with its retries and timeouts) against the
// loopback fake AWS, misbehaving on cue. For each fault: what the invocation does, and that nothing is lost:
// either the alert is out, or the invocation fails so that Lambda retries and the on-failure destination
// keeps the event. Each "retry" below is the same event handed to the handler again once the fault is gone.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeAws, type FakeAws } from '../support/fakeAws';
import { loadCheckHandler, type CheckHandler } from '../support/checkHandler';
import { lambdaContext } from '../support/lambdaContext';
import { loadEvent, resetToSampleBuckets } from '../support/scenarios';

const TOPIC = 'arn:aws:sns:eu-west-1:111122223333:mfa-delete-guard-faults';
const MAX_ATTEMPTS = 3;
const REQUEST_TIMEOUT_MS = 400;
const DRIFT_EVENT = loadEvent('cloudtrail-mfa-delete-disabled.json');

let fake: FakeAws;
let handler: CheckHandler;

beforeAll(async () => {
  fake = await startFakeAws();
  // Read by lib/aws/clients.ts when the handler module loads.
  handler = await loadCheckHandler(fake, {
    ALERT_TOPIC_ARN: TOPIC,
    AWS_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
    AWS_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
  });
});
afterAll(() => fake.close());

beforeEach(() => {
  resetToSampleBuckets(fake);
});

const invoke = (event: unknown = DRIFT_EVENT) => handler(structuredClone(event), lambdaContext());
const calls = (op: string) => fake.stats().byOperation[op] ?? 0;

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected the invocation to fail');
}

/** The alert for the drift event went out exactly once, and its drift event too. */
function expectOneDriftAlert(): void {
  expect(fake.published).toHaveLength(1);
  expect(fake.published[0]?.Subject).toContain('example-bucket');
  expect(fake.putEvents).toHaveLength(1);
  expect(JSON.parse(fake.putEvents[0]?.Detail ?? '{}')).toMatchObject({
    bucket: 'example-bucket',
    status: 'drift',
  });
}

describe('S3 faults on GetBucketVersioning', () => {
  it('SlowDown 503 once: the SDK retries and the alert goes out', async () => {
    fake.fail('GetBucketVersioning', { status: 503, code: 'SlowDown', times: 1 });
    const report = await invoke();
    expect(report.results[0]).toMatchObject({ status: 'drift', alerted: true });
    expect(calls('GetBucketVersioning')).toBe(2);
    expectOneDriftAlert();
  });

  it('SlowDown 503 that outlasts the retries: the invocation fails, nothing is published, the retry alerts', async () => {
    fake.fail('GetBucketVersioning', { status: 503, code: 'SlowDown', times: MAX_ATTEMPTS });
    const err = await rejection(invoke());
    expect(err.name).toBe('TransientAwsError');
    expect(err.message).toContain('SlowDown');
    expect(calls('GetBucketVersioning')).toBe(MAX_ATTEMPTS);
    expect(fake.published).toHaveLength(0);
    expect(fake.putEvents).toHaveLength(0);

    const retried = await invoke();
    expect(retried.results[0]?.status).toBe('drift');
    expectOneDriftAlert();
  });

  it('500 InternalError that persists: the invocation fails and nothing is published', async () => {
    fake.fail('GetBucketVersioning', { status: 500, code: 'InternalError' });
    const err = await rejection(invoke());
    expect(err.message).toContain('InternalError');
    expect(calls('GetBucketVersioning')).toBe(MAX_ATTEMPTS);
    expect(fake.published).toHaveLength(0);
  });

  it('AccessDenied: classified at once (no retry) and alerted as unverified', async () => {
    fake.fail('GetBucketVersioning', { status: 403, code: 'AccessDenied' });
    const report = await invoke();
    expect(report.results[0]).toMatchObject({ status: 'unverified', severity: 'medium', alerted: true });
    expect(calls('GetBucketVersioning')).toBe(1);
    expect(fake.published).toHaveLength(1);
    expect(fake.published[0]?.Subject).toContain('Could not verify');
    expect(fake.putEvents).toHaveLength(1);
  });

  it('NoSuchBucket: gone, no alert, and the invocation succeeds (nothing to retry)', async () => {
    fake.fail('GetBucketVersioning', { status: 404, code: 'NoSuchBucket' });
    const report = await invoke();
    expect(report.results[0]).toMatchObject({ status: 'gone', alerted: false });
    expect(calls('GetBucketVersioning')).toBe(1);
    expect(fake.published).toHaveLength(0);
    expect(fake.putEvents).toHaveLength(0);
  });

  it('a throttled tag read that persists fails the invocation instead of guessing the scope', async () => {
    fake.fail('GetBucketTagging', { status: 503, code: 'SlowDown' });
    const err = await rejection(invoke());
    expect(err.message).toContain('GetBucketTagging');
    expect(fake.published).toHaveLength(0);
  });

  it('one manual bucket failing does not hide the others: it is reported unverified', async () => {
    fake.fail('GetBucketVersioning', { status: 503, code: 'SlowDown' }, 'example-bucket');
    const report = await handler(
      { buckets: ['example-bucket', 'example-vault'], region: 'eu-west-1' },
      lambdaContext(),
    );
    expect(report.results.map((r) => [r.bucket, r.status])).toEqual([
      ['example-bucket', 'unverified'],
      ['example-vault', 'compliant'],
    ]);
    expect(report.results[0]?.reason).toContain('SlowDown');
    expect(fake.published).toHaveLength(1);
  });
});

describe('slow responses past the SDK request timeout', () => {
  it('one response slower than the timeout: that attempt is cut off and retried, and the alert goes out', async () => {
    fake.fail('GetBucketVersioning', {
      status: 503,
      code: 'SlowDown',
      delayMs: REQUEST_TIMEOUT_MS * 10,
      times: 1,
    });
    const report = await invoke();
    expect(report.results[0]).toMatchObject({ status: 'drift', alerted: true });
    expect(calls('GetBucketVersioning')).toBe(2);
    expectOneDriftAlert();
  });

  it('every response too slow: TimeoutError after the retries, the invocation fails, nothing is published', async () => {
    fake.fail('GetBucketVersioning', {
      status: 503,
      code: 'SlowDown',
      delayMs: REQUEST_TIMEOUT_MS * 10,
      times: MAX_ATTEMPTS,
    });
    const err = await rejection(invoke());
    expect(err.name).toBe('TransientAwsError');
    expect(err.message).toContain('TimeoutError');
    expect(calls('GetBucketVersioning')).toBe(MAX_ATTEMPTS);
    expect(fake.published).toHaveLength(0);
  });
});

describe('SNS faults', () => {
  it('Publish throttled twice: retried by the SDK, one alert', async () => {
    fake.fail('Publish', {
      status: 400,
      code: 'Throttled',
      message: 'Rate exceeded',
      times: MAX_ATTEMPTS - 1,
    });
    const report = await invoke();
    expect(report.results[0]?.alerted).toBe(true);
    expect(calls('Publish')).toBe(MAX_ATTEMPTS);
    expectOneDriftAlert();
  });

  it('Publish 500 that persists: the invocation fails (never a swallowed alert); the retry alerts once', async () => {
    fake.fail('Publish', { status: 500, code: 'InternalError', times: MAX_ATTEMPTS });
    const err = await rejection(invoke());
    expect(err.name).toBe('InternalErrorException');
    expect(calls('Publish')).toBe(MAX_ATTEMPTS);
    expect(fake.published).toHaveLength(0);
    // The drift event is not emitted either: the alert comes first, and the retry sends both.
    expect(fake.putEvents).toHaveLength(0);

    await invoke();
    expectOneDriftAlert();
  });

  it('Publish refused (AuthorizationError): the invocation fails, so the event reaches the on-failure destination', async () => {
    fake.fail('Publish', { status: 403, code: 'AuthorizationError' });
    const err = await rejection(invoke());
    expect(err.name).toBe('AuthorizationErrorException');
    expect(calls('Publish')).toBe(1);
    expect(fake.published).toHaveLength(0);
  });
});

describe('EventBridge PutEvents faults', () => {
  it('retryable entry failures (ThrottlingException, InternalFailure) are sent again and then accepted', async () => {
    fake.failPutEventsEntries('ThrottlingException', 1);
    fake.failPutEventsEntries('InternalFailure', 1);
    const report = await invoke();
    expect(report.results[0]?.alerted).toBe(true);
    expect(calls('PutEvents')).toBe(3);
    expectOneDriftAlert();
  });

  it('a non-retryable entry failure is an error naming the entry; the alert is already out', async () => {
    fake.failPutEventsEntries('AccessDeniedException', 1, 'not allowed on this bus');
    const err = (await rejection(invoke())) as Error & {
      failed?: Array<{ entry: { Resources: string[] }; errorCode?: string }>;
    };
    expect(err.name).toBe('DriftEventError');
    expect(err.message).toContain('AccessDeniedException');
    expect(err.failed).toHaveLength(1);
    expect(err.failed?.[0]?.errorCode).toBe('AccessDeniedException');
    expect(err.failed?.[0]?.entry.Resources).toEqual(['arn:aws:s3:::example-bucket']);
    expect(calls('PutEvents')).toBe(1);
    expect(fake.published).toHaveLength(1);
    expect(fake.putEvents).toHaveLength(0);
  });

  it('retryable entry failures that persist are reported after the last attempt', async () => {
    fake.failPutEventsEntries('ThrottlingException', 10);
    const err = await rejection(invoke());
    expect(err.name).toBe('DriftEventError');
    expect(err.message).toContain('ThrottlingException');
    expect(calls('PutEvents')).toBe(4);
    expect(fake.putEvents).toHaveLength(0);
  });

  it('the whole PutEvents call failing with 500 fails the invocation', async () => {
    fake.fail('PutEvents', { status: 500, code: 'InternalException' });
    const err = await rejection(invoke());
    expect(err.name).toBe('InternalException');
    expect(calls('PutEvents')).toBe(MAX_ATTEMPTS);
    expect(fake.putEvents).toHaveLength(0);
  });
});
