// The root-user script, pasted into bash and run by the real AWS CLI v1 exactly as a responder would,
// against the loopback server that speaks S3, STS and IAM: it proves who the profile is, finds root's
// MFA device, looks for a lifecycle configuration, and only then changes anything.
import { spawn } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { digestPublication } from '../../lib/channels/publish';
import { seeAllText } from '../../lib/domain/seeAll';
import { remediationScript } from '../../lib/domain/remediationScript';
import type { CheckResult } from '../../lib/domain/types';
import { ROOT_ARN, startFakeAws, type FakeAws } from '../support/fakeAws';
import { ROOT_ACCESS_KEY_ID, awsCliV1, paste, responderHome } from './support/responder';

const ACCOUNT = '111122223333';
const OTHER = '444455556666';
const CUSTOM = `arn:aws:iam::${ACCOUNT}:mfa/ops-phone-2024`;
const REGION = 'eu-west-1';

let fake: FakeAws;
let home: string;

const script = (bucket = 'example-bucket', mfaSerial?: string) =>
  remediationScript(
    { bucket, account: ACCOUNT, region: REGION, versioning: 'Enabled', mfaDelete: 'Disabled' },
    { profile: 'root_user', mfaSerial },
  ).script;

const run = (text: string) => paste(text, home, awsCliV1(fake.url));
const s3Requests = () => fake.requests.filter((r) => r.service === 's3');
const puts = () => fake.requests.filter((r) => r.operation === 'PutBucketVersioning');

/** Whose keys the responder's root_user profile holds. */
function profileIs(account: string, arn = ROOT_ARN(account)) {
  fake.identities.set(ROOT_ACCESS_KEY_ID, { account, arn });
}

beforeAll(async () => {
  fake = await startFakeAws({ homeRegion: REGION });
  home = await responderHome();
});
afterAll(async () => {
  await fake.close();
  await rm(home, { recursive: true, force: true });
});
beforeEach(() => {
  fake.reset();
  fake.buckets.clear();
  fake.identities.clear();
  fake.rootMfaDevices.clear();
  for (const name of ['example-bucket', 'logs-bucket', 'backup-bucket']) {
    fake.addBucket({ name, region: REGION, versioning: 'Enabled', mfaDelete: 'Disabled' });
  }
  profileIs(ACCOUNT);
  fake.rootMfaDevices.set(ACCOUNT, [CUSTOM]);
});

describe('root script with the real AWS CLI v1', () => {
  it("root keys, one custom-named virtual device: one PUT with that device's serial, then verified", async () => {
    const out = await run(`export MFA_CODE=123456\n${script()}`);
    expect(out.code, out.stderr).toBe(0);
    expect(puts()).toHaveLength(1);
    const put = puts()[0]!;
    expect(put.headers['x-amz-mfa']).toBe(`${CUSTOM} 123456`);
    expect(put.body).toContain('<MfaDelete>Enabled</MfaDelete>');
    expect(put.headers.authorization).toContain(`Credential=${ROOT_ACCESS_KEY_ID}/`);
    expect(put.region).toBe(REGION);
    // Asked in this order, each once: who, which device, lifecycle, the change, the verify.
    expect(fake.requests.map((r) => r.operation)).toEqual([
      'GetCallerIdentity',
      'ListMFADevices',
      'GetBucketLifecycleConfiguration',
      'PutBucketVersioning',
      'GetBucketVersioning',
    ]);
    expect(JSON.parse(out.stdout)).toEqual({ Status: 'Enabled', MFADelete: 'Enabled' });
    expect(out.stderr).toContain('done for s3://example-bucket (eu-west-1)');
    expect(out.stderr).toContain('aws iam delete-access-key --profile "root_user"');
    expect(fake.buckets.get('example-bucket')).toMatchObject({ versioning: 'Enabled', mfaDelete: 'Enabled' });
  });

  it.each([
    ["another account's root keys", OTHER, ROOT_ARN(OTHER)],
    ["an IAM user's keys", ACCOUNT, `arn:aws:iam::${ACCOUNT}:user/alice`],
  ])('%s: stops with one line naming them, zero S3 requests, no clean-up', async (_label, account, arn) => {
    profileIs(account, arn);
    const out = await run(`export MFA_CODE=123456\n${script()}`);
    expect(out.code).not.toBe(0);
    expect(s3Requests()).toEqual([]);
    expect(fake.requests.map((r) => r.operation)).toEqual(['GetCallerIdentity']);
    expect(out.stderr.trim().split('\n')).toEqual([
      `mfa-delete-guard: profile root_user is ${arn}, not the root user of account ${ACCOUNT} (${ROOT_ARN(ACCOUNT)}). Nothing was changed.`,
    ]);
    expect(out.stderr).not.toContain('delete-access-key');
  });

  it('keys STS does not know: stops on the STS error, zero S3 requests', async () => {
    fake.identities.clear();
    const out = await run(`export MFA_CODE=123456\n${script()}`);
    expect(out.code).not.toBe(0);
    expect(out.stderr).toContain('InvalidClientTokenId');
    expect(out.stderr).toContain('STS could not say who profile root_user is');
    expect(s3Requests()).toEqual([]);
  });

  it('two devices and no MFA_SERIAL: stops before any S3 request and names both', async () => {
    fake.rootMfaDevices.set(ACCOUNT, [CUSTOM, 'GAHT12345678']);
    const out = await run(`export MFA_CODE=123456\n${script()}`);
    expect(out.code).not.toBe(0);
    expect(s3Requests()).toEqual([]);
    expect(out.stderr).toContain(
      `has 2 MFA devices that can give a code (devices seen: ${CUSTOM} GAHT12345678)`,
    );
    expect(out.stderr).toContain('export MFA_SERIAL=');

    // With MFA_SERIAL the same block goes through, with the chosen hardware token.
    fake.reset();
    const chosen = await run(`export MFA_CODE=123456 MFA_SERIAL=GAHT12345678\n${script()}`);
    expect(chosen.code, chosen.stderr).toBe(0);
    expect(puts().map((r) => r.headers['x-amz-mfa'])).toEqual(['GAHT12345678 123456']);
  });

  it('a FIDO key beside the virtual device is passed over', async () => {
    fake.rootMfaDevices.set(ACCOUNT, [`arn:aws:iam::${ACCOUNT}:u2f/root/yubikey-EXAMPLE1234567890`, CUSTOM]);
    const out = await run(`export MFA_CODE=123456\n${script()}`);
    expect(out.code, out.stderr).toBe(0);
    expect(puts().map((r) => r.headers['x-amz-mfa'])).toEqual([`${CUSTOM} 123456`]);
  });

  it('a configured serial wins: no device listing', async () => {
    fake.rootMfaDevices.set(ACCOUNT, [CUSTOM, `arn:aws:iam::${ACCOUNT}:mfa/configured`]);
    const out = await run(
      `export MFA_CODE=123456\n${script('example-bucket', `arn:aws:iam::${ACCOUNT}:mfa/configured`)}`,
    );
    expect(out.code, out.stderr).toBe(0);
    expect(fake.requests.some((r) => r.operation === 'ListMFADevices')).toBe(false);
    expect(puts().map((r) => r.headers['x-amz-mfa'])).toEqual([
      `arn:aws:iam::${ACCOUNT}:mfa/configured 123456`,
    ]);
  });

  it('a lifecycle configuration added since the alert: stops before the PUT; its printed commands clear the way', async () => {
    fake.buckets.get('example-bucket')!.lifecycle = true;
    const out = await run(`export MFA_CODE=123456\n${script()}`);
    expect(out.code).not.toBe(0);
    expect(puts()).toEqual([]);
    const save =
      'aws s3api get-bucket-lifecycle-configuration --profile "root_user" --region "eu-west-1" --bucket "example-bucket" > "lifecycle-example-bucket.json"';
    const remove =
      'aws s3api delete-bucket-lifecycle --profile "root_user" --region "eu-west-1" --bucket "example-bucket"';
    expect(out.stderr).toContain(save);
    expect(out.stderr).toContain(remove);
    expect(out.stderr).toMatch(/stops its expiration and transition rules/);

    // The printed commands work as printed; then the same block, with a fresh code, goes through.
    const cleared = await run(`${save}\n${remove}\n`);
    expect(cleared.code, cleared.stderr).toBe(0);
    expect(fake.buckets.get('example-bucket')?.lifecycle).toBe(false);
    const again = await run(`export MFA_CODE=654321\n${script()}`);
    expect(again.code, again.stderr).toBe(0);
    expect(puts().map((r) => r.headers['x-amz-mfa'])).toEqual([`${CUSTOM} 654321`]);
  });

  it('in a terminal without MFA_CODE, it asks for the code after its checks, and uses it', async () => {
    // `script` gives bash a terminal; the code typed ahead waits in the terminal until `read` takes it.
    const file = join(home, 'block.sh');
    await writeFile(file, script());
    const cli = awsCliV1(fake.url);
    const out = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
      const child = spawn('script', ['-qec', `bash ${file}`, '/dev/null'], {
        cwd: home,
        env: {
          HOME: home,
          PATH: process.env.PATH,
          LANG: 'C.UTF-8',
          PYENV_ROOT: process.env.PYENV_ROOT,
          ...cli.env,
        },
      });
      let output = '';
      child.stdout.on('data', (c: Buffer) => (output += c.toString('utf8')));
      child.once('error', reject);
      child.once('close', (code) => resolve({ code, output }));
      child.stdin.write('246810\n');
    });
    expect(out.code, out.output).toBe(0);
    expect(out.output).toContain('6-digit code from root MFA device for s3://example-bucket: ');
    expect(puts().map((r) => r.headers['x-amz-mfa'])).toEqual([`${CUSTOM} 246810`]);
  });

  it('a code is accepted once: the same code twice is refused by S3', async () => {
    expect((await run(`export MFA_CODE=123456\n${script()}`)).code).toBe(0);
    fake.buckets.get('logs-bucket')!.mfaDelete = 'Disabled';
    const reused = await run(`export MFA_CODE=123456\n${script('logs-bucket')}`);
    expect(reused.code).not.toBe(0);
    expect(reused.stderr).toContain('AccessDenied');
  });
});

describe('a digest with three buckets in drift', () => {
  const drift = (bucket: string): CheckResult => ({
    bucket,
    account: ACCOUNT,
    region: REGION,
    status: 'drift',
    severity: 'high',
    versioning: { status: 'Enabled', mfaDelete: 'Disabled' },
    findings: [{ code: 'mfa-delete-disabled', message: 'MFA delete is off.' }],
    remediation: remediationScript(
      { bucket, account: ACCOUNT, region: REGION, versioning: 'Enabled', mfaDelete: 'Disabled' },
      { profile: 'root_user' },
    ),
    alerted: false,
    trigger: 'sweep',
    checkedAt: '2026-10-06T03:00:05.000Z',
  });
  const published = digestPublication({
    account: ACCOUNT,
    startedAt: '2026-10-06T03:00:00.000Z',
    finishedAt: '2026-10-06T03:00:09.000Z',
    total: 3,
    counts: { drift: 3 },
    attention: ['example-bucket', 'logs-bucket', 'backup-bucket'].map(drift),
    seeAll: seeAllText(),
  });
  /** The digest as the email subscriber receives it. */
  const digest = { text: (JSON.parse(published.message) as { email: string }).email };
  /** The blocks as the email shows them, between the paste markers. */
  const blocks = [
    ...digest.text.matchAll(/----- paste from here -----\n([\s\S]*?)\n\s*----- to here -----/g),
  ].map((m) => m[1]!);

  it('has one self-contained block per bucket and says to give each its own code', () => {
    expect(blocks).toHaveLength(3);
    expect(digest.text).toContain('for each block, export MFA_CODE=<a fresh code');
    const names = ['backup-bucket', 'example-bucket', 'logs-bucket'];
    for (const [i, name] of names.entries()) {
      expect(blocks[i]).toContain(`--bucket '${name}'`);
      // Self-contained: no line of a block names another bucket.
      for (const other of names.filter((n) => n !== name)) expect(blocks[i]).not.toContain(other);
    }
  });

  it('each block run with its own code: three correct PUTs', async () => {
    const codes = ['111111', '222222', '333333'];
    for (const [i, block] of blocks.entries()) {
      const out = await run(`export MFA_CODE=${codes[i]}\n${block}`);
      expect(out.code, out.stderr).toBe(0);
    }
    expect(puts().map((r) => [r.path, r.headers['x-amz-mfa']])).toEqual([
      ['/backup-bucket', `${CUSTOM} 111111`],
      ['/example-bucket', `${CUSTOM} 222222`],
      ['/logs-bucket', `${CUSTOM} 333333`],
    ]);
    for (const name of ['example-bucket', 'logs-bucket', 'backup-bucket']) {
      expect(fake.buckets.get(name)?.mfaDelete).toBe('Enabled');
    }
  });

  it('pasted all at once with one code, only the first bucket uses it: the others stop, unchanged', async () => {
    const out = await run(`export MFA_CODE=123456\n${blocks.join('\n')}\n`);
    expect(puts()).toHaveLength(1);
    expect(out.stderr.match(/MFA_CODE must be the 6-digit code/g)).toHaveLength(2);
    expect(fake.buckets.get('backup-bucket')?.mfaDelete).toBe('Enabled');
    expect(fake.buckets.get('example-bucket')?.mfaDelete).toBe('Disabled');
  });
});
