// The real handler (middy + Powertools + the real AWS SDK v3) against the loopback fake AWS, for every
// sample event in events/: the SDK's own XML parsing of <MfaDelete> present, absent and Disabled runs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeAws, type FakeAws } from '../support/fakeAws';
import { loadCheckHandler, type CheckHandler } from '../support/checkHandler';
import { lambdaContext } from '../support/lambdaContext';
import { arrange, loadEvent, scenarioFile, resetToSampleBuckets } from '../support/scenarios';

const TOPIC = 'arn:aws:sns:eu-west-1:111122223333:mfa-delete-guard-test-alerts';
let fake: FakeAws;
let handler: CheckHandler;

beforeAll(async () => {
  fake = await startFakeAws();
  handler = await loadCheckHandler(fake, { ALERT_TOPIC_ARN: TOPIC });
});
afterAll(() => fake.close());

const file = scenarioFile();

describe('every sample event reaches its expected status through the real handler', () => {
  it.each(file.scenarios.map((s) => [s.event, s] as const))('%s', async (_name, scenario) => {
    arrange(fake, file, scenario);
    const report = await handler(loadEvent(scenario.event), lambdaContext());
    expect(report.results).toHaveLength(1);
    const [result] = report.results;
    expect(result?.status).toBe(scenario.expect);
    expect(result?.severity).toBe(scenario.severity);

    const alerting = ['drift', 'unverified', 'restored', 'attempt-failed', 'scope-change'].includes(
      scenario.expect,
    );
    expect(result?.alerted).toBe(alerting);
    expect(fake.published).toHaveLength(alerting ? 1 : 0);
    expect(fake.putEvents).toHaveLength(alerting ? 1 : 0);
    if (alerting) {
      const published = fake.published[0]!;
      expect(published.TopicArn).toBe(TOPIC);
      expect(published.MessageStructure).toBe('json');
      expect(published.Subject).toMatch(/^[\x20-\x7e]{1,99}$/);
      expect(published.Subject).toContain(result!.bucket);
      const channels = JSON.parse(published.Message) as Record<string, string>;
      expect(JSON.parse(channels.default!).result.status).toBe(scenario.expect);
      expect(fake.putEvents[0]!.Source).toBe('mfa-delete-guard');
      expect(JSON.parse(fake.putEvents[0]!.Detail)).toMatchObject({
        bucket: result!.bucket,
        status: scenario.expect,
      });
    }
    // The check reads S3 in the bucket's own Region, never in the function's.
    const s3Regions = new Set(fake.requests.filter((r) => r.service === 's3').map((r) => r.region));
    const bucket = file.buckets.find((b) => b.name === result?.bucket);
    if (bucket && scenario.expect !== 'gone') expect([...s3Regions]).toEqual([bucket.region]);
  });
});

describe('drift alert content', () => {
  it('says who, what, where, when, the live state and carries the root script', async () => {
    const scenario = file.scenarios.find((s) => s.event === 'cloudtrail-mfa-delete-disabled.json')!;
    arrange(fake, file, scenario);
    const report = await handler(loadEvent(scenario.event), lambdaContext());
    const result = report.results[0]!;
    expect(result.versioning).toEqual({ status: 'Enabled', mfaDelete: 'Disabled' });
    expect(result.actor).toMatchObject({ type: 'Root', arn: 'arn:aws:iam::111122223333:root' });
    expect(result.remediation?.script).toContain("--bucket 'example-bucket'");
    expect(result.remediation?.script).toContain("--region 'eu-west-1'");
    const email = JSON.parse(fake.published[0]!.Message).email as string;
    for (const expected of [
      'example-bucket',
      '111122223333',
      'eu-west-1',
      'arn:aws:iam::111122223333:root',
      '198.51.100.23',
      '2026-10-05T14:03:11Z',
      '5b7e2f0a-2222-4c3d-9e8f-000000000002',
      'MFA delete Disabled',
      'put-bucket-versioning',
      'get-bucket-versioning',
      'delete-access-key',
    ]) {
      expect(email).toContain(expected);
    }
  });

  it('reads tags and lifecycle only when the decision needs them', async () => {
    const compliant = file.scenarios.find((s) => s.event === 'cloudtrail-compliant-superseded.json')!;
    arrange(fake, file, compliant);
    await handler(loadEvent(compliant.event), lambdaContext());
    expect(fake.requests.map((r) => r.operation)).toEqual(['GetBucketVersioning']);

    const drift = file.scenarios.find((s) => s.event === 'cloudtrail-versioning-suspended.json')!;
    arrange(fake, file, drift);
    const report = await handler(loadEvent(drift.event), lambdaContext());
    expect(fake.requests.filter((r) => r.service === 's3').map((r) => r.operation)).toEqual([
      'GetBucketVersioning',
      'GetBucketTagging',
      'GetBucketLifecycleConfiguration',
    ]);
    expect(report.results[0]!.findings.map((f) => f.code)).toContain('lifecycle-blocks-remediation');
    // The script itself looks for lifecycle again at run time; its warnings say so.
    expect(report.results[0]!.remediation?.warnings.join(' ')).toContain(
      'looks for a lifecycle configuration',
    );
  });
});

describe('the Region S3 reports wins over the event’s', () => {
  it('a bucket S3 serves from another Region than the event’s: the result, script and alert name S3’s', async () => {
    const scenario = file.scenarios.find((s) => s.event === 'cloudtrail-mfa-delete-disabled.json')!;
    arrange(fake, file, scenario);
    fake.buckets.get('example-bucket')!.region = 'eu-central-1';
    const report = await handler(loadEvent(scenario.event), lambdaContext());
    const result = report.results[0]!;
    expect(result).toMatchObject({ status: 'drift', region: 'eu-central-1' });
    expect(result.remediation?.script).toContain("--region 'eu-central-1'");
    const versioning = fake.requests.filter((r) => r.operation === 'GetBucketVersioning');
    expect(versioning.map((r) => r.region)).toEqual(['eu-west-1', 'eu-central-1']);
    const email = (JSON.parse(fake.published[0]!.Message) as { email: string }).email;
    expect(email).toContain('/s3/buckets/example-bucket?region=eu-central-1');
    expect(email).not.toContain('buckets/example-bucket?region=eu-west-1');
  });
});

describe('manual invocation', () => {
  it('checks named buckets, finds their Region, and honours dryRun', async () => {
    resetToSampleBuckets(fake, file);
    const report = await handler(
      { buckets: ['example-bucket', 'example-legacy', 'example-guarded'], dryRun: true },
      lambdaContext(),
    );
    expect(report.results.map((r) => [r.bucket, r.region, r.status])).toEqual([
      ['example-bucket', 'eu-west-1', 'drift'],
      ['example-legacy', 'us-west-2', 'drift'],
      ['example-guarded', 'eu-west-1', 'compliant'],
    ]);
    expect(report.results.every((r) => r.trigger === 'manual' && !r.alerted)).toBe(true);
    // The account comes from the function ARN, so the script checks for the right root user.
    expect(report.results[0]!.remediation?.script).toContain(
      `[ "$who" != 'arn:aws:iam::111122223333:root' ]`,
    );
    expect(fake.published).toHaveLength(0);
    expect(fake.putEvents).toHaveLength(0);
  });

  it('publishes one alert per alerting bucket without dryRun', async () => {
    resetToSampleBuckets(fake, file);
    const report = await handler({ bucket: 'example-bucket', region: 'eu-west-1' }, lambdaContext());
    expect(report.results[0]).toMatchObject({ status: 'drift', alerted: true });
    expect(fake.published).toHaveLength(1);
  });

  it('accepts a legacy us-east-1 name (upper case, underscore) once S3 says the bucket is in us-east-1', async () => {
    resetToSampleBuckets(fake, file);
    fake.addBucket({
      name: 'Legacy_Bucket',
      region: 'us-east-1',
      versioning: 'Enabled',
      mfaDelete: 'Disabled',
    });
    fake.addBucket({
      name: 'Legacy_Elsewhere',
      region: 'eu-west-1',
      versioning: 'Enabled',
      mfaDelete: 'Disabled',
    });
    const report = await handler(
      { buckets: ['Legacy_Bucket', 'Legacy_Elsewhere'], dryRun: true },
      lambdaContext(),
    );
    expect(report.results[0]).toMatchObject({
      bucket: 'Legacy_Bucket',
      region: 'us-east-1',
      status: 'drift',
    });
    expect(report.results[0]!.remediation?.script).toContain("--bucket 'Legacy_Bucket'");
    // Outside us-east-1 such a name cannot exist: refused, and no script is written for it.
    expect(report.results[1]).toMatchObject({ status: 'invalid-input' });
    expect(report.results[1]!.remediation).toBeUndefined();
  });

  it('answers bad input with invalid-input and a reason, calling nothing', async () => {
    resetToSampleBuckets(fake, file);
    const bad = await handler({ bucket: 'Bad;Name$(reboot)' }, lambdaContext());
    expect(bad.results[0]).toMatchObject({ status: 'invalid-input', alerted: false });
    expect(bad.results[0]!.reason).toMatch(/lowercase letters/);
    const unknown = await handler({ bukket: 'x' }, lambdaContext());
    expect(unknown.results[0]!.status).toBe('invalid-input');
    expect(unknown.results[0]!.reason).toMatch(/bukket|Unrecognized/i);
    expect(fake.requests).toHaveLength(0);
  });
});

describe('the account a record must come from', () => {
  it("is the ARN's; without an ARN (serverless invoke local) it is asked of STS, once", async () => {
    arrange(fake, file, file.scenarios[0]!);
    // The developer's credentials, as STS knows them (an unknown key gets InvalidClientTokenId).
    fake.identities.set(process.env.AWS_ACCESS_KEY_ID as string, {
      account: '111122223333',
      arn: 'arn:aws:iam::111122223333:user/developer',
    });
    const noArn = lambdaContext({ invokedFunctionArn: undefined as unknown as string });
    const foreign = await handler(loadEvent('cloudtrail-foreign-account.json'), noArn);
    expect(foreign.results[0]).toMatchObject({ status: 'invalid-input', alerted: false });
    expect(foreign.results[0]?.reason).toContain('(111122223333)');
    expect(fake.published).toHaveLength(0);
    const own = await handler(loadEvent('cloudtrail-mfa-delete-disabled.json'), noArn);
    expect(own.results[0]).toMatchObject({ status: 'drift', alerted: true });
    expect(fake.requests.filter((r) => r.operation === 'GetCallerIdentity')).toHaveLength(1);
  });

  it('a manual call over the cap is refused whole, and the reply says the cap', async () => {
    arrange(fake, file, file.scenarios[0]!);
    const buckets = Array.from({ length: 26 }, (_, i) => `example-many-${i}`);
    const report = await handler({ buckets }, lambdaContext());
    expect(report.results).toHaveLength(1);
    expect(report.results[0]).toMatchObject({ status: 'invalid-input', alerted: false });
    expect(report.results[0]?.reason).toMatch(/^at most 25 buckets per invocation \(this one named 26\)/);
    expect(fake.requests.filter((r) => r.service === 's3')).toEqual([]);
  });
});
