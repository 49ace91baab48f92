// The sweep through its entry points: the real Lambda handler (schedule, {"all": true}) and the CLI.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../lib/cli/main';
import type { SweepReport } from '../../lib/sweep';
import { lambdaContext } from '../support/lambdaContext';
import { loadEvent } from '../support/scenarios';
import { startFakeAws, type FakeAws } from '../support/fakeAws';

const ACCOUNT = '111122223333';
let fake: FakeAws;
let handler: (event: unknown, context: ReturnType<typeof lambdaContext>) => Promise<unknown>;

function arrange(): void {
  fake.reset();
  fake.buckets.clear();
  for (let i = 0; i < 30; i++)
    fake.addBucket({
      name: `entry-ok-${i}`,
      region: i % 2 ? 'us-east-1' : 'eu-west-1',
      versioning: 'Enabled',
      mfaDelete: 'Enabled',
    });
  fake.addBucket({
    name: 'entry-drift',
    region: 'eu-central-1',
    versioning: 'Suspended',
    mfaDelete: 'Disabled',
  });
}

beforeAll(async () => {
  fake = await startFakeAws();
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: fake.url,
    ALERT_TOPIC_ARN: `arn:aws:sns:eu-west-1:${ACCOUNT}:mfa-delete-guard-test-alerts`,
    EVENT_BUS_NAME: 'default',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  });
  ({ handler } = await import('../../functions/sweep'));
});
afterAll(() => fake.close());
beforeEach(arrange);

describe('the Lambda handler', () => {
  it.each([
    ['the scheduled event', () => loadEvent('scheduled-sweep.json')],
    ['{"all": true}', () => loadEvent('manual-all.json')],
  ])('sweeps every bucket on %s and sends one digest', async (_name, event) => {
    const report = (await handler(event(), lambdaContext())) as SweepReport;

    expect(report.sweep.total).toBe(31);
    expect(report.sweep.counts).toEqual({ compliant: 30, drift: 1 });
    // The Lambda report carries full results only for what needs a person.
    expect(report.results.map((r) => [r.bucket, r.status, r.severity, r.alerted])).toEqual([
      ['entry-drift', 'drift', 'critical', true],
    ]);
    expect(report.results[0]?.remediation?.script).toContain(`--region 'eu-central-1'`);
    expect(fake.published).toHaveLength(1);
    expect(fake.published[0]?.Subject).toBe(`[CRITICAL] S3 MFA delete sweep: 1 in drift (${ACCOUNT})`);
    expect(fake.putEvents.map((e) => JSON.parse(e.Detail).bucket)).toEqual(['entry-drift']);
  });
});

describe('an exempt bucket whose MFA delete was turned off', () => {
  it('is in the digest, at low severity, with its script, not silently exempt', async () => {
    fake.addBucket({
      name: 'entry-exempt-off',
      region: 'eu-west-1',
      versioning: 'Enabled',
      mfaDelete: 'Disabled',
      tags: { 'mfa-delete-guard': 'exempt' },
    });
    fake.addBucket({
      name: 'entry-exempt-never',
      region: 'eu-west-1',
      versioning: 'Enabled',
      tags: { 'mfa-delete-guard': 'exempt' },
    });
    const report = (await handler(loadEvent('scheduled-sweep.json'), lambdaContext())) as SweepReport;
    expect(report.sweep.counts).toEqual({ compliant: 30, drift: 2, exempt: 1 });
    const exemptOff = report.results.find((r) => r.bucket === 'entry-exempt-off');
    expect(exemptOff).toMatchObject({ status: 'drift', severity: 'low', alerted: true });
    expect(exemptOff?.findings.map((f) => f.code)).toContain('exemption-overridden');
    expect(exemptOff?.remediation?.script).toContain("'entry-exempt-off'");
    expect(fake.published).toHaveLength(1);
    // The digest's email text (the `default` key is its machine copy).
    const digest = (JSON.parse(fake.published[0]!.Message) as { email: string }).email;
    expect(digest).toContain('[LOW] MFA delete OFF on entry-exempt-off');
    expect(digest).not.toContain('entry-exempt-never');
  });
});

describe('the check function (its role may not list buckets)', () => {
  let checkOnly: typeof handler;
  beforeAll(async () => {
    process.env.SWEEP_FUNCTION_NAME = 'mfa-delete-guard-prod-sweep';
    vi.resetModules();
    ({ handler: checkOnly } = await import('../../functions/check'));
  });
  afterAll(() => {
    delete process.env.SWEEP_FUNCTION_NAME;
    vi.resetModules();
  });

  it('answers {"all": true} by naming the sweep function, without listing or publishing', async () => {
    const report = (await checkOnly(loadEvent('manual-all.json'), lambdaContext())) as SweepReport;
    expect(report.results).toHaveLength(1);
    expect(report.results[0]).toMatchObject({ status: 'invalid-input', alerted: false });
    expect(report.results[0]?.reason).toContain(
      `invoke the sweep function: aws lambda invoke --function-name mfa-delete-guard-prod-sweep --region eu-west-1 --cli-binary-format raw-in-base64-out --payload '{"all":true}' sweep-report.json`,
    );
    expect(report.results[0]?.reason).not.toContain('npx');
    expect(fake.stats().byOperation.ListBuckets ?? 0).toBe(0);
    expect(fake.published).toHaveLength(0);
  });

  it('answers a scheduled event sent to it with invalid-input, not a throw that would hold the Errors alarm', async () => {
    const report = (await checkOnly(loadEvent('scheduled-sweep.json'), lambdaContext())) as SweepReport;
    expect(report.results).toHaveLength(1);
    expect(report.results[0]).toMatchObject({ status: 'invalid-input', alerted: false });
    expect(report.results[0]?.reason).toMatch(/^a scheduled event: this function does not sweep/);
    expect(fake.stats().byOperation.ListBuckets ?? 0).toBe(0);
    expect(fake.published).toHaveLength(0);
  });

  it('still checks a named bucket', async () => {
    const report = (await checkOnly({ bucket: 'entry-drift' }, lambdaContext())) as SweepReport;
    expect(report.results.map((r) => [r.bucket, r.status])).toEqual([['entry-drift', 'drift']]);
  });
});

describe('the check function without SWEEP_FUNCTION_NAME', () => {
  it('still refuses {"all": true}, naming the sweep function generically', async () => {
    delete process.env.SWEEP_FUNCTION_NAME;
    vi.resetModules();
    const { handler: checkOnly } = await import('../../functions/check');
    const report = (await checkOnly(loadEvent('manual-all.json'), lambdaContext())) as SweepReport;
    expect(report.results.map((r) => [r.status, r.reason])).toEqual([
      [
        'invalid-input',
        '{"all": true}: this function does not sweep (its role may not list buckets); invoke the sweep function of this stack with {"all": true}, or from a checkout of mfa-delete-guard, `npm run cli -- check --all`',
      ],
    ]);
    expect(fake.stats().byOperation.ListBuckets ?? 0).toBe(0);
  });
});

describe('mfa-delete-guard check --all', () => {
  const run = async (args: string[], stderrIsTTY = false) => {
    const out = { stdout: '', stderr: '' };
    const code = await main(
      ['check', '--all', '--account', ACCOUNT, ...args],
      { AWS_REGION: 'eu-west-1' },
      {
        stdout: (s) => (out.stdout += s),
        stderr: (s) => (out.stderr += s),
        isTTY: false,
        stderrIsTTY,
      },
    );
    return { code, ...out };
  };

  it('prints every bucket as JSON and exits 1 on drift, publishing nothing', async () => {
    const { code, stdout, stderr } = await run(['--json', '--concurrency', '8']);
    expect(code).toBe(1);
    const report = JSON.parse(stdout) as SweepReport;
    expect(report.results).toHaveLength(31);
    expect(report.results[0]).toMatchObject({ bucket: 'entry-drift', status: 'drift' });
    expect(report.sweep.concurrency).toBe(8);
    expect(stderr).toBe(''); // piped: no progress bar
    expect(fake.published).toHaveLength(0);
  });

  it('exits 0 when no bucket drifts, and 3 when one could not be verified', async () => {
    fake.buckets.delete('entry-drift');
    expect((await run(['--json'])).code).toBe(0);
    fake.fail('GetBucketVersioning', { status: 403, code: 'AccessDenied' }, 'entry-ok-3');
    expect((await run(['--json'])).code).toBe(3);
  });

  it('draws a progress bar on a terminal stderr and prints a table with the counts', async () => {
    const { code, stdout, stderr } = await run([], true);
    expect(code).toBe(1);
    expect(stderr).toContain('31/31 buckets checked');
    expect(stderr.endsWith('\r\x1b[K')).toBe(true);
    expect(stdout).toMatch(/^BUCKET\s+REGION\s+STATUS/);
    expect(stdout).toContain('Swept 31 buckets');
    expect(stdout).toMatch(/compliant\s+30/);
    expect(stdout).toContain("--bucket 'entry-drift'");
  });

  it('exits 4 when the buckets cannot be listed', async () => {
    fake.fail('ListBuckets', { status: 403, code: 'AccessDenied' });
    const { code, stderr } = await run(['--json']);
    expect(code).toBe(4);
    expect(stderr).toContain('ListBuckets');
  });
});
