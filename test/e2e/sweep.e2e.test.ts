/**
 * Part 4: the scheduled sweep, run by the packaged sweep function, over a few hundred buckets in four
 * Regions. moto owns the bucket list (created with CreateBucket in each Region, listed with its
 * ListBuckets); the MFA-aware loopback server, seeded with the same buckets, answers the per-bucket
 * calls, because moto does not model MFA delete. A small forwarding proxy joins the two into one S3
 * endpoint (test/e2e/support/s3Split.ts). The digest and the drift events go to moto's SNS/EventBridge.
 *
 * What moto 5.2.1 cannot show: its ListBuckets honours MaxBuckets but returns no ContinuationToken and no
 * BucketRegion, so it cannot exercise pagination (the sweep would stop after the first page; the bucket
 * count here stays below the sweep's page size), and each bucket's Region comes from S3's redirect instead: the
 * sweep asks in its own Region first, and the loopback server answers 301 + x-amz-bucket-region, as S3 does.
 * Pagination and BucketRegion are covered against the loopback server in test/integration.
 */
import { CreateBucketCommand, type BucketLocationConstraint } from '@aws-sdk/client-s3';
import { GetResourcesCommand } from '@aws-sdk/client-resource-groups-tagging-api';
import { CreateTopicCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Report } from '../../lib/domain/types';
import { startFakeAws, type FakeAws, type FakeBucket } from '../support/fakeAws';
import { createSweepRunTable, startMoto, type Moto } from '../support/moto';
import { loadEvent } from '../support/scenarios';
import { createQueue, drainQueue, motoClients, REGION, type Queue } from './support/motoClients';
import { codeDir, lambdaFunction, loadTemplate, SWEEP_FUNCTION } from './support/package';
import { packagedFunction } from './support/packagedFunction';
import { createSigningKey } from './support/signingKey';
import { startS3Split, type S3Split } from './support/s3Split';

const ACCOUNT = '111122223333';
const REGIONS = ['us-east-1', 'eu-west-1', 'us-west-2', 'ap-southeast-2'];
const BUCKETS = 300;

/** Every tenth bucket had MFA delete turned off, every tenth suspended; 4 in 10 are protected; the rest never had it. */
function seeded(i: number): FakeBucket {
  const name = `e2e-sweep-${String(i).padStart(4, '0')}`;
  const region = REGIONS[i % REGIONS.length] as string;
  const kind = i % 10;
  if (kind === 0) return { name, region, versioning: 'Enabled', mfaDelete: 'Disabled' };
  if (kind === 1) return { name, region, versioning: 'Suspended', mfaDelete: 'Disabled' };
  if (kind <= 5) return { name, region, versioning: 'Enabled', mfaDelete: 'Enabled' };
  return { name, region, versioning: 'Enabled' };
}
const buckets = Array.from({ length: BUCKETS }, (_, i) => seeded(i));
const drifting = buckets.filter((b) => b.mfaDelete === 'Disabled').map((b) => b.name);

interface SweepReport extends Report {
  sweep: {
    total: number;
    counts: Record<string, number>;
    digest: { published: boolean; included: number; leftOut: number };
    driftEvents: number;
  };
}

let moto: Moto;
let fake: FakeAws;
let split: S3Split;
let clients: ReturnType<typeof motoClients>;
let alertQueue: Queue;
let driftQueue: Queue;
let report: SweepReport;
let digestBodies: string[];
let driftBodies: string[];
let pageQueue: Queue;
let pageMessages: string[];

beforeAll(async () => {
  const packageDir = inject('packageDir');
  [moto, fake] = await Promise.all([startMoto({ account: ACCOUNT }), startFakeAws({ homeRegion: REGION })]);
  split = await startS3Split(moto.url, fake.url);
  clients = motoClients(moto);

  // The account's buckets, created in moto Region by Region, and mirrored with their MFA-delete state.
  for (const region of REGIONS) {
    const s3 = clients.s3(region);
    const inRegion = buckets.filter((b) => b.region === region);
    for (let i = 0; i < inRegion.length; i += 25) {
      await Promise.all(
        inRegion.slice(i, i + 25).map((b) =>
          s3.send(
            new CreateBucketCommand({
              Bucket: b.name,
              ...(region !== 'us-east-1' && {
                CreateBucketConfiguration: { LocationConstraint: region as BucketLocationConstraint },
              }),
            }),
          ),
        ),
      );
    }
  }
  for (const b of buckets) fake.addBucket(b);
  // moto builds every service backend of a Region on its first Resource Groups Tagging API call there, which
  // takes seconds on a loaded machine and holds up its other answers (AWS has no such start-up): warm each
  // Region before the sweep reads tags in bulk from it.
  for (const region of REGIONS)
    await motoClients(moto, region).tagging.send(new GetResourcesCommand({ ResourceTypeFilters: ['s3'] }));

  const template = loadTemplate(packageDir);
  const fn = lambdaFunction(template, SWEEP_FUNCTION);
  const topic = await clients.sns.send(new CreateTopicCommand({ Name: 'mfa-delete-guard-prod-alerts' }));
  alertQueue = await createQueue(clients.sqs, 'sweep-digest');
  await clients.sns.send(
    new SubscribeCommand({ TopicArn: topic.TopicArn, Protocol: 'sqs', Endpoint: alertQueue.arn }),
  );
  driftQueue = await createQueue(clients.sqs, 'sweep-drift-events');
  await clients.eventBridge.send(
    new PutRuleCommand({ Name: 'drift', EventPattern: JSON.stringify({ source: ['mfa-delete-guard'] }) }),
  );
  // The queue gets each event's detail only: for a target without an input transformer, moto 5.2.1 builds a
  // new JSONPath parser for each of eight paths of every event, CPU work that held its answers to the sweep's
  // concurrent PutEvents past the function's request timeout on a busy machine. One path costs an eighth;
  // what the function sends is the same either way.
  // https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_InputTransformer.html
  await clients.eventBridge.send(
    new PutTargetsCommand({
      Rule: 'drift',
      Targets: [
        {
          Id: 'q',
          Arn: driftQueue.arn,
          InputTransformer: { InputPathsMap: { detail: '$.detail' }, InputTemplate: '{"detail": <detail>}' },
        },
      ],
    }),
  );

  // The fan-out's queue and table, as the sweep Region's stack has them: 300 buckets stay inline.
  pageQueue = await createQueue(clients.sqs, 'mfa-delete-guard-prod-sweep-pages');
  await createSweepRunTable(clients.dynamodb, 'mfa-delete-guard-prod-sweep-runs');

  const invoke = packagedFunction({
    fn,
    taskRoot: codeDir(packageDir, fn.zip),
    account: ACCOUNT,
    region: REGION,
    resolvedEnvironment: {
      ALERT_TOPIC_ARN: topic.TopicArn as string,
      EVENT_BUS_NAME: 'default', // as the stack resolves it without dedicatedDriftBus
      ALERT_SIGNING_KEY_ARN: (await createSigningKey(moto)).arn,
      SWEEP_RUN_TABLE: 'mfa-delete-guard-prod-sweep-runs',
      SWEEP_QUEUE_URL: pageQueue.url,
    },
    // No de-duplication table here: the sweep has no CloudTrail eventID to de-duplicate on.
    extraEnvironment: { AWS_ENDPOINT_URL: moto.url, AWS_ENDPOINT_URL_S3: split.url },
  });
  const started = Date.now();
  const invocation = await invoke<SweepReport>(loadEvent('scheduled-sweep.json'));
  console.log(
    `e2e: packaged sweep of ${BUCKETS} buckets in ${Date.now() - started} ms (cold start included)`,
  );
  if (!invocation.ok)
    throw new Error(`${invocation.errorType}: ${invocation.errorMessage}\n${invocation.logs}`);
  report = invocation.result;
  [digestBodies, driftBodies, pageMessages] = await Promise.all([
    drainQueue(clients.sqs, alertQueue),
    drainQueue(clients.sqs, driftQueue),
    drainQueue(clients.sqs, pageQueue),
  ]);
}, 180_000);

afterAll(async () => {
  await split?.close();
  await Promise.all([moto?.stop(), fake?.close()]);
});

describe('the packaged sweep over moto-listed buckets in four Regions', () => {
  it('checks every listed bucket once and counts each status', () => {
    expect(report.sweep.total).toBe(BUCKETS);
    expect(report.sweep.counts).toEqual({ drift: 60, compliant: 120, 'not-required': 120 });
    expect(drifting).toHaveLength(60);
  });

  it('stays in one invocation below sweepInlineMaxBuckets, though the fan-out is configured', () => {
    expect(lambdaFunction(loadTemplate(inject('packageDir')), SWEEP_FUNCTION).environment).toMatchObject({
      SWEEP_INLINE_MAX_BUCKETS: '20000',
    });
    expect(pageMessages).toEqual([]);
    expect((report as { sweep: { fanOut?: unknown } }).sweep.fanOut).toBeUndefined();
  });

  it('takes the list from moto and finds each bucket’s Region through S3’s redirect, with no HeadBucket', () => {
    expect(split.forwarded.moto).toBeGreaterThanOrEqual(1);
    expect(fake.stats().byOperation.ListBuckets).toBeUndefined();
    expect(fake.stats().byOperation.HeadBucket).toBeUndefined();
    const asked = new Map<string, string[]>();
    for (const read of fake.requests.filter((r) => r.operation === 'GetBucketVersioning')) {
      const bucket = read.path.split('/')[1] as string;
      asked.set(bucket, [...(asked.get(bucket) ?? []), read.region as string]);
    }
    // Listed without a Region: asked in the function's Region, then (if redirected) once in the bucket's own.
    for (const b of buckets)
      expect({ bucket: b.name, asked: asked.get(b.name) }).toEqual({
        bucket: b.name,
        asked: b.region === REGION ? [REGION] : [REGION, b.region],
      });
    for (const r of report.results) expect(r.region).toBe(buckets.find((b) => b.name === r.bucket)?.region);
  });

  it('sends one digest naming the buckets in drift, and one drift event per drifting bucket', () => {
    expect(digestBodies).toHaveLength(1);
    const digest = JSON.parse(digestBodies[0] as string) as { Subject: string; Message: string };
    expect(digest.Subject).toContain('60 in drift');
    expect(report.sweep.digest.published).toBe(true);
    expect(report.sweep.digest.included + report.sweep.digest.leftOut).toBe(60);
    const named = drifting.filter((name) => digest.Message.includes(name));
    expect(named.length).toBe(report.sweep.digest.included);

    const events = driftBodies.map((b) => JSON.parse(b) as { detail: { bucket: string; status: string } });
    expect(events.map((e) => e.detail.bucket).sort()).toEqual([...drifting].sort());
    expect(new Set(events.map((e) => e.detail.status))).toEqual(new Set(['drift']));
    expect(report.sweep.driftEvents).toBe(60);
  });
});
