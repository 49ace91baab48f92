// The sweep past one invocation: the planner (functions/sweep.ts) lists and fans out to SQS, the page
// workers (functions/sweepPage.ts) check and store pages in DynamoDB, the last one sends ONE digest.
// DynamoDB and SQS are a real moto_server on loopback; S3, SNS and EventBridge are the MFA-aware loopback
// fake (moto does not model MFA delete). The handlers are called per SQS message, as Lambda would.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient, type Message } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { Report } from '../../lib/domain/types';
import type { SweepReport } from '../../lib/sweep';
import { runSweep, expandCompact, checkBuckets } from '../../lib/sweep';
import { DynamoRunStore } from '../../lib/aws/dynamoRunStore';
import { completeRun } from '../../lib/fanout/completion';
import { parsePageMessage } from '../../lib/fanout/types';
import { listBucketPages } from '../../lib/aws/listBuckets';
import { startFakeAws, type FakeAws, type FakeBucket } from '../support/fakeAws';
import { lambdaContext } from '../support/lambdaContext';
import { createSweepRunTable, startMoto, type Moto } from '../support/moto';
import { loadEvent } from '../support/scenarios';

const ACCOUNT = '111122223333';

/** The deps the handlers build, from the same wiring module, for a function ARN. */
async function wiredDeps() {
  const { lambdaWiring } = await import('../../lib/runtime/wiring');
  const { logger } = await import('../../lib/runtime/logger');
  const wiring = lambdaWiring(logger);
  return (invokedFunctionArn: string) => wiring.deps({ invokedFunctionArn });
}
const TOPIC = `arn:aws:sns:eu-west-1:${ACCOUNT}:mfa-delete-guard-test-alerts`;
const TABLE = 'mfa-delete-guard-test-sweep-runs';
const BUCKETS = 2_500; // pages of 1,000: 3 pages, above an inline maximum of 1,000
const REGIONS = ['eu-west-1', 'us-east-1', 'ap-southeast-2'];

/** 1 in 100 MFA delete off, 1 in 100 suspended, 1 in 10 never configured, 10 refused; the rest protected. */
function seeded(i: number): FakeBucket {
  const name = `fanout-${String(i).padStart(5, '0')}`;
  const region = REGIONS[i % REGIONS.length] as string;
  if (i % 100 === 0)
    return { name, region, versioning: 'Enabled', mfaDelete: 'Disabled', lifecycle: i % 200 === 0 };
  if (i % 100 === 1) return { name, region, versioning: 'Suspended', mfaDelete: 'Disabled' };
  if (i % 10 === 5) return { name, region, versioning: 'Enabled' };
  return { name, region, versioning: 'Enabled', mfaDelete: 'Enabled' };
}
const denied = (i: number) => i % 250 === 7;

let fake: FakeAws;
let moto: Moto;
let queueUrl: string;
let sqs: SQSClient;
let store: DynamoRunStore;
let sweepHandler: (event: unknown, context: ReturnType<typeof lambdaContext>) => Promise<Report>;
let sweepPageHandler: (
  event: SQSEvent,
  context: ReturnType<typeof lambdaContext>,
) => Promise<SQSBatchResponse>;

const context = lambdaContext({
  invokedFunctionArn: `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:mfa-delete-guard-test-sweep`,
});

function arrangeFaults(): void {
  for (let i = 0; i < BUCKETS; i++)
    if (denied(i)) fake.fail('GetBucketVersioning', { status: 403, code: 'AccessDenied' }, seeded(i).name);
}

/** The digest with its timestamps blanked and its lines sorted: equal for equal content in any order. */
function digestShape(message: string | undefined): { subject?: string; lines: string[] } {
  // The email text: what a person reads (the machine copy's field order follows how each result was built).
  const text = (JSON.parse(message ?? '{}') as { email: string }).email;
  return {
    lines: text
      .replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, 'TIME')
      .split('\n')
      .sort(),
  };
}

const driftBuckets = () =>
  fake.putEvents.map((e) => (JSON.parse(e.Detail) as { bucket: string }).bucket).sort();

async function receiveAll(count: number): Promise<Message[]> {
  const messages: Message[] = [];
  for (let round = 0; round < 10 && messages.length < count; round++) {
    const out = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        MessageSystemAttributeNames: ['ApproximateReceiveCount'],
      }),
    );
    messages.push(...(out.Messages ?? []));
  }
  return messages;
}

const sqsEvent = (message: Message): SQSEvent => ({
  Records: [
    {
      messageId: message.MessageId as string,
      receiptHandle: message.ReceiptHandle as string,
      body: message.Body as string,
      attributes: { ApproximateReceiveCount: '1' } as SQSRecord['attributes'],
      messageAttributes: {},
      md5OfBody: message.MD5OfBody as string,
      eventSource: 'aws:sqs',
      eventSourceARN: `arn:aws:sqs:eu-west-1:${ACCOUNT}:sweep-pages`,
      awsRegion: 'eu-west-1',
    },
  ],
});

beforeAll(async () => {
  [fake, moto] = await Promise.all([startFakeAws(), startMoto({ account: ACCOUNT })]);
  for (let i = 0; i < BUCKETS; i++) fake.addBucket(seeded(i));
  const common = {
    region: 'eu-west-1',
    endpoint: moto.url,
    credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'fake-secret-for-moto' },
  };
  const dynamodb = new DynamoDBClient(common);
  sqs = new SQSClient(common);
  await createSweepRunTable(dynamodb, TABLE);

  queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'sweep-pages' }))).QueueUrl as string;
  store = new DynamoRunStore(DynamoDBDocumentClient.from(dynamodb), TABLE);
  // Every client the handlers make: S3/SNS/EventBridge to the fake, DynamoDB and SQS to moto.
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: fake.url,
    AWS_ENDPOINT_URL_DYNAMODB: moto.url,
    AWS_ENDPOINT_URL_SQS: moto.url,
    ALERT_TOPIC_ARN: TOPIC,
    EVENT_BUS_NAME: 'default',
    SWEEP_CONCURRENCY: '64',
    SWEEP_INLINE_MAX_BUCKETS: '1000',
    SWEEP_RUN_TABLE: TABLE,
    SWEEP_QUEUE_URL: queueUrl,
  });
  ({ sweepHandler } = await import('../../functions/sweep'));
  ({ sweepPageHandler } = await import('../../functions/sweepPage'));
}, 60_000);

afterAll(async () => {
  await Promise.all([fake?.close(), moto?.stop()]);
});

describe('a sweep fanned out to page workers', () => {
  it('sends exactly one digest, equal to an inline sweep of the same buckets, despite redelivery and a failed delivery', async () => {
    const lambdaDeps = await wiredDeps();
    // The baseline: the same buckets swept inline, with the same configuration and clients.
    arrangeFaults();
    const inline = await runSweep(
      { kind: 'sweep', dryRun: false, scheduled: true },
      await lambdaDeps(context.invokedFunctionArn),
      {
        keep: 'attention',
        concurrency: 64,
      },
    );
    expect(inline.sweep.total).toBe(BUCKETS);
    expect(inline.sweep.counts).toEqual({ compliant: 2_190, drift: 50, 'not-required': 250, unverified: 10 });
    expect(fake.published).toHaveLength(1);
    const inlineDigest = fake.published[0]!;
    const inlineDrift = driftBuckets();
    expect(inlineDrift).toHaveLength(50);

    fake.reset();
    arrangeFaults();
    // The planner: lists, finds more than 1,000 buckets, sends 3 pages; checks nothing and publishes nothing.
    const planned = (await sweepHandler(loadEvent('scheduled-sweep.json'), context)) as SweepReport;
    expect(planned.sweep.fanOut).toEqual({
      runId: 'scheduled-53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa',
      pageCount: 3,
    });
    expect(planned.sweep.total).toBe(BUCKETS);
    expect(fake.published).toHaveLength(0);
    expect(fake.stats().byOperation.GetBucketVersioning).toBeUndefined();
    const runId = planned.sweep.fanOut!.runId;
    const run = await store.getRun(runId);
    expect(run).toMatchObject({ pageCount: 3, pagesDone: 0, dryRun: false });

    const messages = await receiveAll(3);
    const bodies = messages.map((m) => parsePageMessage(m.Body as string)).sort((a, b) => a.page - b.page);
    expect(bodies.map((b) => [b.page, b.buckets.length, b.pageCount])).toEqual([
      [0, 1_000, undefined],
      [1, 1_000, undefined],
      [2, 500, 3],
    ]);
    expect(bodies[0]!.buckets[0]).toEqual({ name: 'fanout-00000', region: 'eu-west-1' });
    const byPage = (page: number) => messages.find((m) => parsePageMessage(m.Body as string).page === page)!;

    // Page 0, then the same message again (an SQS redelivery): stored and counted once.
    expect((await sweepPageHandler(sqsEvent(byPage(0)), context)).batchItemFailures).toEqual([]);
    expect((await sweepPageHandler(sqsEvent(byPage(0)), context)).batchItemFailures).toEqual([]);
    expect(await store.getRun(runId)).toMatchObject({ pagesDone: 1 });

    // Forged pages (the queue policy admits only the sweep role; these reach the worker anyway): an index
    // outside the plan, other buckets under a planned index, a page claiming a shorter run. Each is refused
    // and counted; none is stored, none completes the run, and the real pages still count.
    const forged = (body: object, id: string): Message => ({
      MessageId: id,
      ReceiptHandle: `receipt-${id}`,
      Body: JSON.stringify({ runId, ...body }),
      MD5OfBody: 'forged',
    });
    const firstOfPage1 = bodies[1]!.buckets.slice(0, 10);
    for (const [id, body] of [
      ['forged-out-of-range', { page: 3, buckets: firstOfPage1 }],
      ['forged-content', { page: 1, buckets: firstOfPage1 }],
      ['forged-short-run', { page: 2, pageCount: 2, buckets: [] }],
    ] as const) {
      expect((await sweepPageHandler(sqsEvent(forged(body, id)), context)).batchItemFailures).toEqual([]);
    }
    expect(await store.getRun(runId)).toMatchObject({ pagesDone: 1, pagesRefused: 3, pageCount: 3 });
    expect(fake.published).toHaveLength(0);
    // Refused before any of their buckets was read.
    expect(fake.requests.filter((r) => r.path.startsWith(`/${firstOfPage1[0]!.name}`))).toEqual([]);

    // The run's deadline watch fails (SQS redelivers it, then parks it in the DLQ) while the run is open.
    const watch = forged({ watch: true }, 'watch');
    expect((await sweepPageHandler(sqsEvent(watch), context)).batchItemFailures).toEqual([
      { itemIdentifier: 'watch' },
    ]);

    expect((await sweepPageHandler(sqsEvent(byPage(1)), context)).batchItemFailures).toEqual([]);
    expect(fake.published).toHaveLength(0);

    // The last page completes the run, but SNS keeps failing through the SDK's retries: the message is
    // reported as failed (SQS redelivers it), and the digest claim is released.
    fake.fail('Publish', { status: 500, code: 'InternalError', times: 3 });
    const failed = await sweepPageHandler(sqsEvent(byPage(2)), context);
    expect(failed.batchItemFailures).toEqual([{ itemIdentifier: byPage(2).MessageId }]);
    expect(fake.published).toHaveLength(0);
    const released = await store.getRun(runId);
    expect(released).toMatchObject({ pagesDone: 3, pageCount: 3 });
    expect(released?.digestState).toBeUndefined();

    // The redelivered last page: already stored, so straight to completion, which now sends the digest.
    expect((await sweepPageHandler(sqsEvent(byPage(2)), context)).batchItemFailures).toEqual([]);
    // A late redelivery of another page sends nothing more.
    expect((await sweepPageHandler(sqsEvent(byPage(1)), context)).batchItemFailures).toEqual([]);

    expect(fake.published).toHaveLength(1);
    expect(fake.published[0]!.Subject).toBe(inlineDigest.Subject);
    expect(digestShape(fake.published[0]!.Message)).toEqual(digestShape(inlineDigest.Message));
    expect(driftBuckets()).toEqual(inlineDrift);
    expect(await store.getRun(runId)).toMatchObject({ pagesDone: 3, pageCount: 3, digestState: 'sent' });
    // Once the digest is sent, the watch is done.
    expect((await sweepPageHandler(sqsEvent(watch), context)).batchItemFailures).toEqual([]);

    // The stored pages add up to the inline sweep's counts.
    const counts: Record<string, number> = {};
    let total = 0;
    for await (const page of store.pages(runId)) {
      total += page.total;
      for (const [status, n] of Object.entries(page.counts))
        counts[status] = (counts[status] ?? 0) + (n as number);
    }
    expect(total).toBe(inline.sweep.total);
    expect(counts).toEqual(inline.sweep.counts);

    // Lambda's retry of the same scheduled event finds its run already planned and sends no page again.
    const retried = (await sweepHandler(loadEvent('scheduled-sweep.json'), context)) as SweepReport;
    expect(retried.sweep.fanOut).toEqual({ runId, pageCount: 3 });
    expect(await receiveAll(1)).toEqual([]);
  }, 60_000); // a ceiling, not a measure: 2,500 buckets checked twice on a shared machine

  it('rebuilds, from compact records, the very results the live check produced', async () => {
    const lambdaDeps = await wiredDeps();
    fake.reset();
    arrangeFaults();
    const deps = await lambdaDeps(context.invokedFunctionArn);
    const outcome = await checkBuckets(listBucketPages(deps.s3.get('eu-west-1'), { maxPages: 1 }), deps, {
      compact: true,
    });
    expect(outcome.attention.length).toBeGreaterThan(0);
    expect(outcome.compact).toHaveLength(outcome.attention.length);
    for (const [i, result] of outcome.attention.entries()) {
      const rebuilt = expandCompact(outcome.compact![i]!, deps, result.checkedAt);
      expect(rebuilt).toEqual(result);
    }
    expect(outcome.attention.some((r) => r.remediation?.script.includes('fanout-00000'))).toBe(true);
  });

  it('completes a run only once its page count is known, whenever that arrives', async () => {
    const lambdaDeps = await wiredDeps();
    fake.reset();
    const deps = {
      ...(await lambdaDeps(context.invokedFunctionArn)),
      publish: { eventSource: 'mfa-delete-guard' },
    };
    const runId = 'manual-late-page-count';
    await store.createRun({ runId, startedAt: '2026-10-06T03:00:00.000Z', dryRun: true });
    await store.planPages(runId, [{ page: 0, digest: 'planned-0' }]);
    const page = {
      page: 0,
      total: 1,
      counts: { compliant: 1 },
      attention: [],
      checkedAt: '2026-10-06T03:00:01.000Z',
    };
    expect(await store.recordPage(runId, { ...page, page: 1 }, 'planned-0')).toBe('refused');
    expect(await store.recordPage(runId, page, 'other-buckets')).toBe('refused');
    expect(await store.recordPage(runId, page, 'planned-0')).toBe('recorded');
    expect(await completeRun(runId, deps, store)).toEqual({ state: 'waiting', pagesDone: 1 });
    await store.setPageCount(runId, 1);
    expect(await completeRun(runId, deps, store)).toMatchObject({
      state: 'sent',
      total: 1,
      counts: { compliant: 1 },
    });
    expect(await completeRun(runId, deps, store)).toEqual({ state: 'already-sent' });
    expect(await store.recordPage(runId, page, 'planned-0')).toBe('duplicate');
    expect(await store.getRun(runId)).toMatchObject({ pagesDone: 1, pagesRefused: 2 });
    // A dry run publishes nothing.
    expect(fake.published).toHaveLength(0);
  });
});
