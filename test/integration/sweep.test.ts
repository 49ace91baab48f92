// The sweep against the loopback fake AWS with the real SDK: listing, Regions, faults, digest, events.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ListBucketsCommandOutput, S3Client } from '@aws-sdk/client-s3';
import { S3ClientPool } from '../../lib/aws/clients';
import { newEventBridgeClient } from '../../lib/aws/emitDriftEvents';
import { newSnsClient } from '../../lib/aws/publishAlert';
import { TransientAwsError } from '../../lib/aws/errors';
import { TaggingClientPool } from '../../lib/aws/taggingClients';
import { SNS_MESSAGE_MAX_BYTES } from '../../lib/domain/snsMessage';
import { resultFromLive, type GuardDeps } from '../../lib/guard';
import { listBucketPages } from '../../lib/aws/listBuckets';
import {
  checkBuckets,
  deliverSweep,
  emptyOutcome,
  mergeOutcome,
  runSweep,
  type SweepOptions,
} from '../../lib/sweep';
import { startFakeAws, type FakeAws, type FakeBucket } from '../support/fakeAws';

const ACCOUNT = '111122223333';
const TOPIC = `arn:aws:sns:eu-west-1:${ACCOUNT}:mfa-delete-guard-test-alerts`;
const SWEEP = { kind: 'sweep', dryRun: false, scheduled: true } as const;

let fake: FakeAws;

function deps(overrides: Partial<GuardDeps> = {}): GuardDeps {
  return {
    s3: new S3ClientPool(),
    sns: newSnsClient('eu-west-1'),
    eventBridge: newEventBridgeClient('eu-west-1'),
    config: { scope: 'configured', exemptPatterns: [], rootProfile: 'root_user' },
    publish: { topicArn: TOPIC, eventBusName: 'default', eventSource: 'mfa-delete-guard' },
    homeRegion: 'eu-west-1',
    account: ACCOUNT,
    ...overrides,
  };
}

const compliant = (name: string, region = 'eu-west-1'): FakeBucket => ({
  name,
  region,
  versioning: 'Enabled',
  mfaDelete: 'Enabled',
});
const drifting = (name: string, region = 'eu-west-1'): FakeBucket => ({
  name,
  region,
  versioning: 'Enabled',
  mfaDelete: 'Disabled',
});

/** Rewrite the SDK's parsed ListBuckets answer, as a real S3 answer with that content would be parsed. */
function afterListBuckets(client: S3Client, edit: (out: ListBucketsCommandOutput) => void): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      if (context.commandName === 'ListBucketsCommand') edit(result.output as ListBucketsCommandOutput);
      return result;
    },
    { step: 'initialize', name: 'testAfterListBuckets' },
  );
}

const gvRequests = (bucket: string) =>
  fake.requests.filter(
    (r) => r.operation === 'GetBucketVersioning' && r.path.replace(/\/$/, '') === `/${bucket}`,
  );

async function startFake(opts: Parameters<typeof startFakeAws>[0] = {}): Promise<void> {
  fake = await startFakeAws(opts);
  process.env.AWS_ENDPOINT_URL = fake.url;
}

describe('sweep', () => {
  beforeAll(() => startFake());
  afterAll(() => fake.close());
  beforeEach(() => {
    fake.reset();
    fake.buckets.clear();
  });

  it('lists across several pages, with MaxBuckets and each ContinuationToken, and checks every bucket once', async () => {
    for (let i = 0; i < 25; i++) fake.addBucket(compliant(`page-bucket-${String(i).padStart(2, '0')}`));
    const report = await runSweep(SWEEP, deps(), { pageSize: 10, keep: 'all' });

    const lists = fake.requests.filter((r) => r.operation === 'ListBuckets');
    expect(lists.map((r) => r.query['max-buckets'])).toEqual(['10', '10', '10']);
    expect(lists[0]?.query['continuation-token']).toBeUndefined();
    expect(lists[1]?.query['continuation-token']).toBeTruthy();
    expect(lists[2]?.query['continuation-token']).not.toBe(lists[1]?.query['continuation-token']);
    expect(report.sweep.total).toBe(25);
    expect(report.sweep.counts).toEqual({ compliant: 25 });
    expect(new Set(report.results.map((r) => r.bucket)).size).toBe(25);
    expect(fake.stats().byOperation.GetBucketVersioning).toBe(25);
    expect(report.results.every((r) => r.trigger === 'sweep')).toBe(true);
  });

  it('checks each bucket in its own Region, with the Region ListBuckets gave', async () => {
    const regions = ['eu-west-1', 'us-east-1', 'ap-southeast-2', 'sa-east-1'];
    regions.forEach((region, i) =>
      fake.addBucket(i === 1 ? drifting(`r-${region}`, region) : compliant(`r-${region}`, region)),
    );
    const report = await runSweep(SWEEP, deps(), { keep: 'all' });

    for (const region of regions) {
      expect(gvRequests(`r-${region}`).map((r) => r.region)).toEqual([region]);
      expect(report.results.find((r) => r.bucket === `r-${region}`)?.region).toBe(region);
    }
    const drift = report.results.find((r) => r.status === 'drift');
    expect(drift?.bucket).toBe('r-us-east-1');
    expect(drift?.remediation?.script).toContain("--region 'us-east-1'");
  });

  it('turns a bucket whose check keeps failing into unverified and recovers throttled ones', async () => {
    fake.addBucket(compliant('throttled-once'));
    fake.addBucket(compliant('throttled-always'));
    fake.addBucket(compliant('fine'));
    // AWS_MAX_ATTEMPTS is 3 in the test environment: two SlowDowns are retried away, endless ones are not.
    fake.fail('GetBucketVersioning', { status: 503, code: 'SlowDown', times: 2 }, 'throttled-once');
    fake.fail('GetBucketVersioning', { status: 503, code: 'SlowDown' }, 'throttled-always');
    const report = await runSweep(SWEEP, deps(), { keep: 'all' });

    const status = Object.fromEntries(report.results.map((r) => [r.bucket, r.status]));
    expect(status).toEqual({
      'throttled-once': 'compliant',
      'throttled-always': 'unverified',
      fine: 'compliant',
    });
    expect(gvRequests('throttled-once')).toHaveLength(3);
    expect(report.results.find((r) => r.bucket === 'throttled-always')?.reason).toContain('SlowDown');
  });

  it('reports AccessDenied buckets as unverified and keeps sweeping the others', async () => {
    for (let i = 0; i < 6; i++) fake.addBucket(compliant(`denied-${i}`));
    fake.addBucket(drifting('denied-drift'));
    fake.fail('GetBucketVersioning', { status: 403, code: 'AccessDenied' }, 'denied-1');
    fake.fail('GetBucketVersioning', { status: 403, code: 'AccessDenied' }, 'denied-4');
    const report = await runSweep(SWEEP, deps(), { keep: 'attention' });

    expect(report.sweep.counts).toEqual({ compliant: 4, unverified: 2, drift: 1 });
    // keep: attention returns only what needs a person, worst (drift) first.
    expect(report.results.map((r) => `${r.bucket}:${r.status}`)).toEqual([
      'denied-drift:drift',
      'denied-1:unverified',
      'denied-4:unverified',
    ]);
    expect(fake.published).toHaveLength(1);
    const text = (JSON.parse(fake.published[0]?.Message ?? '{}') as { default: string }).default;
    expect(text).toContain('denied-1');
    expect(text).toContain('AccessDenied');
  });

  it('reports a bucket deleted between the listing and its check as gone', async () => {
    fake.addBucket(compliant('stays'));
    fake.addBucket(drifting('deleted-meanwhile'));
    const d = deps();
    afterListBuckets(d.s3.get('eu-west-1'), () => fake.buckets.delete('deleted-meanwhile'));
    const report = await runSweep(SWEEP, d, { keep: 'all' });

    expect(report.results.find((r) => r.bucket === 'deleted-meanwhile')?.status).toBe('gone');
    expect(report.sweep.counts).toEqual({ compliant: 1, gone: 1 });
    expect(fake.putEvents).toHaveLength(0);
  });

  it('sends one digest and one drift event per bucket in drift, and nothing on a dry run', async () => {
    for (let i = 0; i < 23; i++) fake.addBucket(drifting(`ev-${String(i).padStart(2, '0')}`));
    fake.addBucket(compliant('ev-ok'));
    fake.fail('GetBucketVersioning', { status: 403, code: 'AccessDenied' }, 'ev-ok');
    const report = await runSweep(SWEEP, deps());

    expect(fake.published).toHaveLength(1);
    expect(fake.published[0]?.Subject).toBe(
      `[HIGH] S3 MFA delete sweep: 23 in drift, 1 unverified (${ACCOUNT})`,
    );
    // Drift only: 23 events in 3 PutEvents calls of at most 10.
    expect(fake.putEvents).toHaveLength(23);
    expect(fake.stats().byOperation.PutEvents).toBe(3);
    expect(new Set(fake.putEvents.map((e) => JSON.parse(e.Detail).bucket)).size).toBe(23);
    expect(report.sweep.driftEvents).toBe(23);
    expect(report.sweep.digest).toMatchObject({ published: true, included: 24, leftOut: 0 });
    expect(report.results.every((r) => r.alerted)).toBe(true);

    fake.reset();
    const dry = await runSweep({ ...SWEEP, dryRun: true }, deps());
    expect(fake.published).toHaveLength(0);
    expect(fake.putEvents).toHaveLength(0);
    expect(dry.sweep.digest.published).toBe(false);
    expect(dry.sweep.counts.drift).toBe(23);
  });

  it('keeps the digest of thousands of drifting buckets under 256 KB and says how many were left out', async () => {
    const N = 2_500;
    for (let i = 0; i < N; i++)
      fake.addBucket(drifting(`many-drifting-bucket-${String(i).padStart(5, '0')}`));
    const report = await runSweep(SWEEP, deps(), { concurrency: 64 } satisfies SweepOptions);

    expect(fake.published).toHaveLength(1);
    const published = fake.published[0];
    const bytes = Buffer.byteLength(published?.Message ?? '', 'utf8');
    expect(bytes).toBeLessThan(SNS_MESSAGE_MAX_BYTES);
    expect(report.sweep.digest.bytes).toBe(bytes);
    const { included, leftOut } = report.sweep.digest;
    expect(included).toBeGreaterThan(10);
    expect(included + leftOut).toBe(N);
    // The email text is under `email`; `default` is the machine copy the Slack notifier reads.
    const text = (JSON.parse(published?.Message ?? '{}') as { email: string }).email;
    expect(text).toContain(`${leftOut.toLocaleString('en-US')} left out to fit the 256 KB message limit`);
    expect(text.match(/----- paste from here -----/g)).toHaveLength(included);
    expect(fake.putEvents).toHaveLength(N);
    // The Lambda report holds at most 1,000 full results; the rest are counted.
    expect(report.results).toHaveLength(1_000);
    expect(report.sweep.omittedResults).toBe(N - 1_000);
    expect(report.results.filter((r) => r.alerted)).toHaveLength(included);
  }, 120_000);

  it('fails the sweep when the buckets cannot be listed, publishing nothing', async () => {
    fake.addBucket(compliant('unlistable'));
    fake.fail('ListBuckets', { status: 500, code: 'InternalError' });
    await expect(runSweep(SWEEP, deps())).rejects.toBeInstanceOf(TransientAwsError);
    expect(fake.published).toHaveLength(0);
  });

  it('splits into pages checked by separate workers whose merged outcome makes one digest (fan-out, simulated)', async () => {
    for (let i = 0; i < 45; i++) fake.addBucket(i % 9 ? compliant(`fan-${i}`) : drifting(`fan-${i}`));
    const d = deps();
    const s3 = d.s3.get(d.homeRegion);
    // Planner: walk the listing once, keeping only each page's start token (what it would put on SQS).
    const startTokens: Array<string | undefined> = [undefined];
    for await (const page of listBucketPages(s3, { pageSize: 10 }))
      if (page.nextToken) startTokens.push(page.nextToken);
    expect(startTokens).toHaveLength(5);
    // Workers: each re-lists its one page from its token and checks it, side by side.
    const outcomes = await Promise.all(
      startTokens.map((token) =>
        checkBuckets(listBucketPages(s3, { pageSize: 10, continuationToken: token, maxPages: 1 }), d, {
          concurrency: 4,
        }),
      ),
    );
    expect(outcomes.map((o) => o.total)).toEqual([10, 10, 10, 10, 5]);
    // Final step: merge and send the one digest.
    const merged = outcomes.reduce(mergeOutcome, emptyOutcome());
    const delivery = await deliverSweep(merged, d, {
      dryRun: false,
      startedAt: '2026-10-06T03:00:00Z',
      finishedAt: '2026-10-06T03:00:01Z',
    });
    expect(merged.counts).toEqual({ compliant: 40, drift: 5 });
    expect(fake.stats().byOperation.GetBucketVersioning).toBe(45);
    expect(fake.published).toHaveLength(1);
    expect(delivery).toMatchObject({ driftEvents: 5, digest: { published: true, included: 5 } });
  });

  it('caps requests in flight at the concurrency', async () => {
    for (let i = 0; i < 40; i++) fake.addBucket(compliant(`cap-${i}`));
    await runSweep(SWEEP, deps(), { concurrency: 4 });
    expect(fake.stats().peakInFlight).toBeLessThanOrEqual(4 + 1); // + the prefetched ListBuckets page
    expect(fake.stats().byOperation.GetBucketVersioning).toBe(40);
  });
});

describe('sweep with Region redirects', () => {
  beforeAll(() => startFake({ redirectWrongRegion: true, homeRegion: 'eu-west-1' }));
  afterAll(() => fake.close());
  afterEach(() => {
    fake.reset();
    fake.buckets.clear();
  });

  it('finds the Region of a bucket listed without one through the redirect, with no HeadBucket', async () => {
    fake.addBucket(drifting('no-region-listed', 'ap-northeast-1'));
    fake.addBucket(compliant('with-region', 'us-west-2'));
    const d = deps();
    afterListBuckets(d.s3.get('eu-west-1'), (out) => {
      for (const b of out.Buckets ?? []) if (b.Name === 'no-region-listed') delete b.BucketRegion;
    });
    const report = await runSweep(SWEEP, d, { keep: 'all' });

    expect(fake.stats().byOperation.HeadBucket).toBeUndefined();
    // Asked in the home Region first, answered 301 + x-amz-bucket-region, asked again there.
    expect(gvRequests('no-region-listed').map((r) => r.region)).toEqual(['eu-west-1', 'ap-northeast-1']);
    expect(gvRequests('with-region').map((r) => r.region)).toEqual(['us-west-2']);
    const result = report.results.find((r) => r.bucket === 'no-region-listed');
    expect(result).toMatchObject({ status: 'drift', region: 'ap-northeast-1' });
    expect(result?.remediation?.script).toContain("--region 'ap-northeast-1'");
    expect(report.results.find((r) => r.bucket === 'with-region')).toMatchObject({
      status: 'compliant',
      region: 'us-west-2',
    });
  });

  it('reports the Region S3 answers from, not the one ListBuckets named', async () => {
    fake.addBucket(drifting('moved', 'eu-central-1'));
    const d = deps();
    afterListBuckets(d.s3.get('eu-west-1'), (out) => {
      for (const b of out.Buckets ?? []) b.BucketRegion = 'us-east-2';
    });
    const report = await runSweep(SWEEP, d, { keep: 'all' });
    expect(gvRequests('moved').map((r) => r.region)).toEqual(['us-east-2', 'eu-central-1']);
    expect(report.results[0]).toMatchObject({ status: 'drift', region: 'eu-central-1' });
  });

  it('follows one redirect only: a second one makes the bucket unverified, not a loop', async () => {
    fake.addBucket(drifting('ping-pong', 'eu-central-1'));
    fake.fail(
      'GetBucketVersioning',
      { status: 301, code: 'PermanentRedirect', headers: { 'x-amz-bucket-region': 'eu-west-1' } },
      'ping-pong',
    );
    const report = await runSweep(SWEEP, deps(), { keep: 'all' });
    expect(gvRequests('ping-pong')).toHaveLength(2);
    expect(report.results[0]).toMatchObject({ status: 'unverified' });
    expect(report.results[0]!.reason).toMatch(/redirected to eu-west-1 again/);
  });

  it('takes the Region from a 400 AuthorizationHeaderMalformed that names it', async () => {
    fake.addBucket(drifting('signed-wrong', 'us-west-2'));
    const d = deps();
    afterListBuckets(d.s3.get('eu-west-1'), (out) => {
      for (const b of out.Buckets ?? []) delete b.BucketRegion;
    });
    fake.fail(
      'GetBucketVersioning',
      {
        status: 400,
        code: 'AuthorizationHeaderMalformed',
        message:
          "The authorization header is malformed; the region 'eu-west-1' is wrong; expecting 'us-west-2'",
        headers: { 'x-amz-bucket-region': 'us-west-2' },
        times: 1,
      },
      'signed-wrong',
    );
    const report = await runSweep(SWEEP, d, { keep: 'all' });
    expect(gvRequests('signed-wrong').map((r) => r.region)).toEqual(['eu-west-1', 'us-west-2']);
    expect(report.results[0]).toMatchObject({ status: 'drift', region: 'us-west-2' });
  });
});

describe('sweep reading tags in bulk (Resource Groups Tagging API)', () => {
  beforeAll(() => startFake());
  afterAll(() => fake.close());
  beforeEach(() => {
    fake.reset();
    fake.buckets.clear();
  });
  const never = (name: string, region: string, tags?: Record<string, string>): FakeBucket => ({
    name,
    region,
    versioning: 'Enabled',
    ...(tags && { tags }),
  });
  const bulk = (overrides: Partial<GuardDeps> = {}) =>
    deps({ tagging: new TaggingClientPool(), ...overrides });

  it('reads each Region’s guard tags with GetResources and never calls GetBucketTagging', async () => {
    fake.addBucket(never('eu-required', 'eu-west-1', { 'mfa-delete-guard': 'Required ' }));
    fake.addBucket(never('eu-exempt', 'eu-west-1', { 'mfa-delete-guard': 'exempt', team: 'x' }));
    fake.addBucket(never('eu-other-tag', 'eu-west-1', { team: 'x' }));
    fake.addBucket(never('eu-untagged', 'eu-west-1'));
    fake.addBucket(never('us-required', 'us-east-1', { 'mfa-delete-guard': 'required' }));
    fake.addBucket(compliant('us-protected', 'us-east-1'));
    fake.addBucket(compliant('ap-protected', 'ap-southeast-2'));
    const report = await runSweep(SWEEP, bulk(), { keep: 'all' });

    const status = Object.fromEntries(report.results.map((r) => [r.bucket, r.status]));
    expect(status).toEqual({
      'eu-required': 'drift',
      'eu-exempt': 'exempt',
      'eu-other-tag': 'not-required',
      'eu-untagged': 'not-required',
      'us-required': 'drift',
      'us-protected': 'compliant',
      'ap-protected': 'compliant',
    });
    const ops = fake.stats().byOperation;
    expect(ops.GetBucketTagging).toBeUndefined();
    // One call per Region with a bucket whose tag matters; none for ap-southeast-2 (fully protected).
    const tagCalls = fake.requests.filter((r) => r.operation === 'GetResources');
    expect(tagCalls.map((r) => r.region).sort()).toEqual(['eu-west-1', 'us-east-1']);
    expect(JSON.parse(tagCalls[0]!.body)).toMatchObject({
      TagFilters: [{ Key: 'mfa-delete-guard' }],
      ResourceTypeFilters: ['s3'],
      ResourcesPerPage: 100,
    });
  });

  it('pages through GetResources: 250 tagged buckets of a Region cost 3 calls', async () => {
    for (let i = 0; i < 250; i++)
      fake.addBucket(
        never(`t-${String(i).padStart(3, '0')}`, 'eu-west-1', { 'mfa-delete-guard': 'required' }),
      );
    const report = await runSweep(SWEEP, bulk(), { keep: 'all' });
    expect(report.sweep.counts).toEqual({ drift: 250 });
    expect(fake.stats().byOperation.GetResources).toBe(3);
    expect(fake.stats().byOperation.GetBucketTagging).toBeUndefined();
  });

  it('falls back to GetBucketTagging per bucket in a Region where GetResources is refused', async () => {
    fake.addBucket(never('eu-required', 'eu-west-1', { 'mfa-delete-guard': 'required' }));
    fake.addBucket(never('eu-untagged', 'eu-west-1'));
    fake.fail('GetResources', { status: 400, code: 'AccessDeniedException' });
    const warnings: string[] = [];
    const log = { info() {}, error() {}, warn: (m: string) => void warnings.push(m) };
    const report = await runSweep(SWEEP, bulk({ log }), { keep: 'all' });

    const status = Object.fromEntries(report.results.map((r) => [r.bucket, r.status]));
    expect(status).toEqual({ 'eu-required': 'drift', 'eu-untagged': 'not-required' });
    expect(fake.stats().byOperation.GetResources).toBe(1);
    expect(fake.stats().byOperation.GetBucketTagging).toBe(2);
    expect(warnings.filter((w) => w.startsWith('GetResources failed'))).toHaveLength(1);
  });

  it('scope all, every bucket drifting: one GetBucketVersioning per bucket plus a few listing calls', async () => {
    for (let i = 0; i < 300; i++) fake.addBucket(never(`w-${String(i).padStart(3, '0')}`, 'eu-west-1'));
    const d = bulk({ config: { scope: 'all', exemptPatterns: [], rootProfile: 'root_user' } });
    const report = await runSweep({ ...SWEEP, dryRun: true }, d, { keep: 'all', pageSize: 1000 });
    expect(report.sweep.counts).toEqual({ drift: 300 });
    const ops = fake.stats().byOperation;
    expect(ops).toMatchObject({ ListBuckets: 1, GetBucketVersioning: 300, GetResources: 1 });
    expect(ops.GetBucketTagging).toBeUndefined();
    expect(ops.HeadBucket).toBeUndefined();
    expect(ops.GetBucketLifecycleConfiguration).toBeUndefined();
  });

  it('keeps what a drifting bucket’s script is made from, and writes the very same script when it is read', async () => {
    fake.addBucket(drifting('held-lightly'));
    const report = await runSweep({ ...SWEEP, dryRun: true }, bulk(), { keep: 'all' });
    const result = report.results[0]!;
    expect(Object.getOwnPropertyDescriptor(result, 'remediation')?.get).toBeTypeOf('function');
    const manual = resultFromLive(
      { bucket: 'held-lightly', region: 'eu-west-1', account: ACCOUNT, trigger: 'manual' },
      { kind: 'observed', versioning: { status: 'Enabled', mfaDelete: 'Disabled' }, lifecycle: 'not-read' },
      bulk(),
      result.checkedAt,
    );
    expect(result.remediation).toEqual(manual.remediation);
    expect((JSON.parse(JSON.stringify(result)) as typeof result).remediation).toEqual(manual.remediation);
  });

  it('reads no lifecycle configuration: the script looks itself right before it changes anything', async () => {
    fake.addBucket({ ...drifting('with-lifecycle'), lifecycle: true });
    const report = await runSweep({ ...SWEEP, dryRun: true }, bulk(), { keep: 'all' });
    expect(fake.stats().byOperation.GetBucketLifecycleConfiguration).toBeUndefined();
    const result = report.results[0]!;
    expect(result.status).toBe('drift');
    expect(result.findings.map((f) => f.code)).not.toContain('lifecycle-unknown');
    expect(result.remediation?.script).toContain('get-bucket-lifecycle-configuration');
  });
});
