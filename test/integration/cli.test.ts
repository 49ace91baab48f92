// The CLI's main() with the real SDK against the loopback fake AWS: reports, exit codes and publishing.
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../lib/cli/main';
import type { Report } from '../../lib/domain/types';
import { startFakeAws, type FakeAws } from '../support/fakeAws';
import { EVENTS_DIR, scenarioFile, resetToSampleBuckets } from '../support/scenarios';

let fake: FakeAws;
const file = scenarioFile();

async function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  let stdout = '';
  let stderr = '';
  const code = await main(
    ['check', ...args],
    { AWS_ENDPOINT_URL: fake.url, AWS_REGION: 'eu-west-1', AWS_ACCOUNT_ID: '111122223333', ...env },
    { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), isTTY: false },
  );
  return { code, stdout, stderr };
}

beforeAll(async () => {
  fake = await startFakeAws();
  process.env.AWS_ENDPOINT_URL = fake.url;
});
afterAll(() => fake.close());
beforeEach(() => resetToSampleBuckets(fake, file));

describe('mfa-delete-guard check', () => {
  it('exits 1 on drift and prints a table and the remediation script', async () => {
    const { code, stdout } = await cli(['--bucket', 'example-bucket', '--bucket', 'example-guarded']);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^BUCKET\s+REGION\s+STATUS/);
    expect(stdout).toMatch(/example-bucket\s+eu-west-1\s+drift\s+high/);
    expect(stdout).toMatch(/example-guarded\s+eu-west-1\s+compliant/);
    expect(stdout).toContain(
      "aws s3api put-bucket-versioning --profile 'root_user' --region 'eu-west-1' --bucket 'example-bucket'",
    );
  });

  it('exits 0 when every bucket is fine, and --json prints the report', async () => {
    const { code, stdout } = await cli(['--bucket', 'example-guarded', '--json']);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as Report;
    expect(report.results).toEqual([
      expect.objectContaining({
        bucket: 'example-guarded',
        status: 'compliant',
        versioning: { status: 'Enabled', mfaDelete: 'Enabled' },
      }),
    ]);
  });

  it('--scope all turns a never-configured bucket into drift', async () => {
    expect((await cli(['--bucket', 'example-plain'])).code).toBe(0);
    const { code, stdout } = await cli(['--bucket', 'example-plain', '--scope', 'all', '--json']);
    expect(code).toBe(1);
    expect(JSON.parse(stdout).results[0].findings[0].code).toBe('in-scope-all');
  });

  it('replays a CloudTrail event file and publishes only when a topic is given', async () => {
    const event = join(EVENTS_DIR, 'cloudtrail-mfa-delete-disabled.json');
    const quiet = await cli(['--event', event, '--json']);
    expect(quiet.code).toBe(1);
    expect(JSON.parse(quiet.stdout).results[0]).toMatchObject({
      status: 'drift',
      alerted: false,
      trigger: 'cloudtrail',
    });
    expect(fake.published).toHaveLength(0);

    const topic = 'arn:aws:sns:eu-west-1:111122223333:secops';
    const loud = await cli(['--event', event, '--topic-arn', topic, '--json']);
    expect(JSON.parse(loud.stdout).results[0].alerted).toBe(true);
    expect(fake.published.map((p) => p.TopicArn)).toEqual([topic]);

    fake.reset();
    const dry = await cli(['--event', event, '--topic-arn', topic, '--dry-run', '--json']);
    expect(JSON.parse(dry.stdout).results[0].alerted).toBe(false);
    expect(fake.published).toHaveLength(0);
  });

  it('exits 3 when a bucket cannot be verified', async () => {
    fake.fail(
      'GetBucketVersioning',
      { status: 403, code: 'AccessDenied', message: 'Access Denied' },
      'example-guarded',
    );
    const { code, stdout } = await cli(['--bucket', 'example-guarded']);
    expect(code).toBe(3);
    expect(stdout).toMatch(/example-guarded\s+eu-west-1\s+unverified/);
  });

  it('exits 2 with a message, not a stack trace, on bad usage', async () => {
    for (const args of [
      [],
      ['--bucket', 'a-bucket', '--all'],
      ['--bucket'],
      ['--nope'],
      ['--scope', 'most', '--bucket', 'abc'],
    ]) {
      const { code, stderr, stdout } = await cli(args);
      expect(code).toBe(2);
      expect(stderr).toMatch(/^mfa-delete-guard: /);
      expect(stderr).not.toMatch(/\n\s+at /);
      expect(stdout).toBe('');
    }
    const missing = await cli(['--event', '/nonexistent/event.json']);
    expect(missing).toMatchObject({ code: 2, stderr: expect.stringContaining('ENOENT') });
  });

  it('reports the Region S3 answers from, not the --region given: table, script and alert link', async () => {
    const { code, stdout } = await cli(['--bucket', 'example-legacy', '--region', 'eu-west-1']);
    expect(code).toBe(1);
    expect(stdout).toMatch(/example-legacy\s+us-west-2\s+drift/);
    expect(stdout).toContain("--region 'us-west-2' --bucket 'example-legacy'");
    expect(stdout).not.toContain('eu-west-1');
    // Asked where the caller said, redirected by S3 (301 + x-amz-bucket-region), asked again there.
    const versioning = fake.requests.filter((r) => r.operation === 'GetBucketVersioning');
    expect(versioning.map((r) => r.region)).toEqual(['eu-west-1', 'us-west-2']);
    expect(fake.requests.every((r) => r.operation !== 'HeadBucket')).toBe(true);

    const topic = 'arn:aws:sns:eu-west-1:111122223333:secops';
    const loud = await cli(['--bucket', 'example-legacy', '--region', 'eu-west-1', '--topic-arn', topic]);
    expect(loud.code).toBe(1);
    const email = (JSON.parse(fake.published[0]!.Message) as { email: string }).email;
    expect(email).toContain('/s3/buckets/example-legacy?region=us-west-2&tab=properties');
    expect(email).not.toContain('eu-west-1');
  });

  it('checks a dotted bucket name against a custom endpoint with path-style requests', async () => {
    fake.addBucket({
      name: 'logs.example.com',
      region: 'eu-west-1',
      versioning: 'Enabled',
      mfaDelete: 'Enabled',
    });
    const { code, stdout, stderr } = await cli(['--bucket', 'logs.example.com']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/logs\.example\.com\s+eu-west-1\s+compliant/);
    const request = fake.requests.find((r) => r.operation === 'GetBucketVersioning');
    expect(request?.path).toBe('/logs.example.com/');
    expect(request?.headers.host).toBe(new URL(fake.url).host);
  });

  it('writes --json in pieces of about 64 KB and waits for the reader whenever the stream is full', async () => {
    for (let i = 0; i < 30; i++)
      fake.addBucket({
        name: `piece-${i}`,
        region: 'eu-west-1',
        versioning: 'Enabled',
        mfaDelete: 'Disabled',
      });
    const writes: string[] = [];
    let waits = 0;
    const code = await main(
      ['check', '--all', '--json', '--dry-run'],
      { AWS_ENDPOINT_URL: fake.url, AWS_REGION: 'eu-west-1', AWS_ACCOUNT_ID: '111122223333' },
      {
        stdout: (s) => {
          writes.push(s);
          return false;
        },
        drained: async () => void waits++,
        stderr: () => undefined,
        isTTY: false,
      },
    );
    expect(code).toBe(1);
    const report = JSON.parse(writes.join('')) as Report;
    expect(report.results.filter((r) => r.bucket.startsWith('piece-'))).toHaveLength(30);
    expect(writes.length).toBeGreaterThan(2);
    expect(writes.slice(0, -1).every((w) => w.length >= 65_536)).toBe(true);
    expect(waits).toBe(writes.length - 1);
  });

  it('exits 2 for an invalid bucket name without calling AWS', async () => {
    const { code, stdout } = await cli(['--bucket', 'UPPER;case']);
    expect(code).toBe(2);
    expect(stdout).toMatch(/invalid-input/);
    expect(fake.requests).toHaveLength(0);
  });
});
