// Every exit code of the CLI from a real run: the bin entry spawned with Node, its AWS SDK pointed at
// the loopback fake AWS (or at nothing, or without credentials), exactly as a pipeline would run it.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import pkg from '../../package.json';
import { startFakeAws, type FakeAws } from '../support/fakeAws';
import { EVENTS_DIR, resetToSampleBuckets, scenarioFile } from '../support/scenarios';

let fake: FakeAws;
let home: string;
const file = scenarioFile();
const BIN = join(__dirname, '..', '..', 'bin', 'mfa-delete-guard.ts');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Spawn the CLI; asynchronous, because the server it talks to runs in this process. */
function cli(args: string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  const base: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_REGION: 'eu-west-1',
    AWS_MAX_ATTEMPTS: '1',
    AWS_ENDPOINT_URL: fake.url,
    AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'fake-secret-for-loopback-tests',
    AWS_ACCOUNT_ID: '111122223333',
  };
  const merged: Record<string, string> = { ...base };
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete merged[k];
    else merged[k] = v;
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', BIN, ...args], { env: merged });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const NO_CREDENTIALS = {
  AWS_ACCESS_KEY_ID: undefined,
  AWS_SECRET_ACCESS_KEY: undefined,
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
  AWS_CONFIG_FILE: '/nonexistent/config',
};

beforeAll(async () => {
  fake = await startFakeAws({ homeRegion: 'eu-west-1' });
  home = mkdtempSync(join(tmpdir(), 'mdg-cli-home-'));
});
afterAll(async () => {
  await fake.close();
  rmSync(home, { recursive: true, force: true });
});
beforeEach(() => resetToSampleBuckets(fake, file));

describe('exit codes from a real run', { timeout: 60_000 }, () => {
  it('0: every bucket fine', async () => {
    const run = await cli(['check', '--bucket', 'example-guarded']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/example-guarded\s+eu-west-1\s+compliant/);
  });

  it('1: drift, with the script', async () => {
    const run = await cli(['check', '--bucket', 'example-bucket']);
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toMatch(/example-bucket\s+eu-west-1\s+drift/);
    expect(run.stdout).toContain("aws sts get-caller-identity --profile 'root_user'");
  });

  it('1: a drift without a script says why in the table, and how to get one', async () => {
    const run = await cli(['check', '--bucket', 'example-bucket'], { AWS_ACCOUNT_ID: undefined });
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toMatch(
      /example-bucket\s+eu-west-1\s+drift\s+\S+\s+\S+\s+\S+\s+no script: account ID unknown, run again with --account ID/,
    );
    expect(run.stdout).toContain('Run the check again with --account <12-digit ID>.');
    expect(run.stdout).not.toContain('put-bucket-versioning');
    const fixed = await cli(['check', '--bucket', 'example-bucket', '--account', '111122223333'], {
      AWS_ACCOUNT_ID: undefined,
    });
    expect(fixed.stdout).toContain('put-bucket-versioning');
  });

  it('2: a --bucket that does not exist is "no such bucket", not "gone"', async () => {
    const run = await cli(['check', '--bucket', 'example-buckte']);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stdout).toMatch(/example-buckte\s+-?\S*\s+no-such-bucket/);
    expect(run.stdout).toContain('No bucket named example-buckte exists: check the name.');
    expect(run.stdout).not.toMatch(/\bgone\b/);
  });

  it('2: a named bucket in a known Region that does not exist', async () => {
    const run = await cli(['check', '--bucket', 'example-buckte', '--region', 'eu-west-1', '--json']);
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stdout).results[0].status).toBe('no-such-bucket');
  });

  it('2: an invalid bucket name, bad usage, and a bare command that prints the usage', async () => {
    expect((await cli(['check', '--bucket', 'UPPER;case'])).code).toBe(2);
    expect((await cli(['check', '--nope'])).code).toBe(2);
    const bare = await cli([]);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain('Usage: mfa-delete-guard check');
    expect(bare.stdout).toBe('');
  });

  it('3: a bucket whose state S3 refuses to give', async () => {
    fake.fail(
      'GetBucketVersioning',
      { status: 403, code: 'AccessDenied', message: 'Access Denied' },
      'example-guarded',
    );
    const run = await cli(['check', '--bucket', 'example-guarded']);
    expect(run.code, run.stderr).toBe(3);
    expect(run.stdout).toMatch(/example-guarded\s+eu-west-1\s+unverified/);
  });

  it.each([
    ['--bucket', ['check', '--bucket', 'example-bucket']],
    ['--bucket with --region', ['check', '--bucket', 'example-bucket', '--region', 'eu-west-1']],
    ['--all', ['check', '--all']],
    ['--event', ['check', '--event', join(EVENTS_DIR, 'cloudtrail-mfa-delete-disabled.json')]],
  ])('4: no credentials at all (%s)', async (_label, args) => {
    const run = await cli(args, NO_CREDENTIALS);
    expect(run.code, run.stdout).toBe(4);
    expect(run.stderr).toMatch(/^mfa-delete-guard: the check could not run: .*Could not load credentials/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.stdout).toBe('');
  });

  it.each([
    ['--bucket', ['check', '--bucket', 'example-bucket']],
    ['--all', ['check', '--all']],
  ])('4: the endpoint cannot be reached (%s)', async (_label, args) => {
    // A port nothing listens on: a server started and closed again.
    const closed = await startFakeAws();
    const url = closed.url;
    await closed.close();
    const run = await cli(args, { AWS_ENDPOINT_URL: url });
    expect(run.code, run.stdout).toBe(4);
    expect(run.stderr).toMatch(/could not run: .*ECONNREFUSED/);
  });

  it('4: keys that AWS does not accept', async () => {
    fake.fail('GetBucketVersioning', {
      status: 403,
      code: 'InvalidAccessKeyId',
      message: 'The AWS Access Key Id you provided does not exist in our records.',
    });
    const run = await cli(['check', '--bucket', 'example-bucket', '--region', 'eu-west-1']);
    expect(run.code, run.stdout).toBe(4);
    expect(run.stderr).toContain('InvalidAccessKeyId');
  });

  it('--version prints the package version', async () => {
    const run = await cli(['--version']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`mfa-delete-guard ${pkg.version}\n`);
  });
});
