import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, expect, afterAll } from 'vitest';
import {
  RemediationInputError,
  remediationScript,
  shellQuote,
  type RemediationTarget,
  type RootCredentials,
} from '../../lib/domain/remediationScript';

const TARGET: RemediationTarget = {
  bucket: 'example-bucket',
  account: '111122223333',
  region: 'eu-west-1',
  lifecycle: false,
};
const CREDS: RootCredentials = { profile: 'root_user' };
const DEFAULT_SERIAL = 'arn:aws:iam::111122223333:mfa/root-account-mfa-device';

const script = (target: Partial<RemediationTarget> = {}, creds: Partial<RootCredentials> = {}) =>
  remediationScript({ ...TARGET, ...target }, { ...CREDS, ...creds });
const bashN = (text: string) =>
  execFileSync('bash', ['-n'], { input: text, stdio: ['pipe', 'pipe', 'pipe'] });
const commandLines = (text: string) => text.split('\n').filter((l) => !l.trimStart().startsWith('#'));

// A fake `aws` on PATH that records its argv, one argument per line, so the generated script can really run.
const workDir = mkdtempSync(join(tmpdir(), 'mfa-guard-script-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));
let runs = 0;
function runScript(text: string, env: Record<string, string>): { status: number | null; calls: string[][] } {
  const bin = join(workDir, 'bin');
  const log = join(workDir, `calls-${++runs}.log`);
  mkdirSync(bin, { recursive: true });
  writeFileSync(
    join(bin, 'aws'),
    `#!/usr/bin/env bash\n{ printf '%s\\n' "$@"; printf '%s\\n' '--END--'; } >> "$AWS_CALL_LOG"\n`,
  );
  chmodSync(join(bin, 'aws'), 0o755);
  writeFileSync(log, '');
  const res = spawnSync('bash', ['-c', text], {
    env: { PATH: `${bin}:${process.env.PATH ?? ''}`, AWS_CALL_LOG: log, ...env },
    encoding: 'utf8',
  });
  const calls = readFileSync(log, 'utf8')
    .split('--END--\n')
    .filter(Boolean)
    .map((c) => c.replace(/\n$/, '').split('\n'));
  return { status: res.status, calls };
}

describe('remediationScript: the command', () => {
  const { script: text } = script();

  it('has exactly one put-bucket-versioning command, with every option quoted', () => {
    const occurrences = text.split('aws s3api put-bucket-versioning').length - 1;
    expect(occurrences).toBe(1);
    const put = text.slice(text.indexOf('aws s3api put-bucket-versioning'));
    const command = put.slice(0, put.indexOf('"$MFA_CODE"') + '"$MFA_CODE"'.length);
    expect(command).toContain("--bucket 'example-bucket'");
    expect(command).toContain("--region 'eu-west-1'");
    expect(command).toContain("--profile 'root_user'");
    expect(command).toContain("--versioning-configuration 'Status=Enabled,MFADelete=Enabled'");
    expect(command).toContain(`--mfa '${DEFAULT_SERIAL} '"$MFA_CODE"`);
  });

  it('verifies with get-bucket-versioning after the put, then names the key clean-up as a comment', () => {
    const put = text.indexOf('aws s3api put-bucket-versioning');
    const get = text.indexOf("aws s3api get-bucket-versioning --profile 'root_user' --region 'eu-west-1'");
    const cleanup = text.indexOf('aws iam delete-access-key');
    expect(put).toBeGreaterThan(-1);
    expect(get).toBeGreaterThan(put);
    expect(cleanup).toBeGreaterThan(get);
    const cleanupLine = text.split('\n').find((l) => l.includes('aws iam delete-access-key'));
    expect(cleanupLine?.trimStart().startsWith('#')).toBe(true);
    expect(cleanupLine).toContain("--profile 'root_user'");
  });

  it('checks MFA_CODE before calling S3 and runs in a subshell with set -eu', () => {
    const lines = commandLines(text);
    expect(lines).toContain('(');
    expect(lines).toContain(')');
    expect(text.indexOf('case "${MFA_CODE:-}" in')).toBeLessThan(
      text.indexOf('aws s3api put-bucket-versioning'),
    );
    expect(text).toContain('set -eu');
  });

  it('passes bash -n', () => {
    expect(() => bashN(text)).not.toThrow();
  });

  it('really runs: put then get, with the exact arguments', () => {
    const { status, calls } = runScript(text, { MFA_CODE: '123456' });
    expect(status).toBe(0);
    expect(calls).toEqual([
      [
        's3api',
        'put-bucket-versioning',
        '--profile',
        'root_user',
        '--region',
        'eu-west-1',
        '--bucket',
        'example-bucket',
        '--versioning-configuration',
        'Status=Enabled,MFADelete=Enabled',
        '--mfa',
        `${DEFAULT_SERIAL} 123456`,
      ],
      [
        's3api',
        'get-bucket-versioning',
        '--profile',
        'root_user',
        '--region',
        'eu-west-1',
        '--bucket',
        'example-bucket',
      ],
    ]);
  });

  it.each(['', '12345', '1234567', 'abcdef', '123 456', '$(id)'])(
    'refuses to call S3 with MFA_CODE=%j',
    (code) => {
      const { status, calls } = runScript(text, { MFA_CODE: code });
      expect(status).toBe(1);
      expect(calls).toEqual([]);
    },
  );

  it('refuses to call S3 when MFA_CODE is unset', () => {
    const { status, calls } = runScript(text, {});
    expect(status).toBe(1);
    expect(calls).toEqual([]);
  });
});

describe('remediationScript: serial and profile', () => {
  it.each([
    ['eu-west-1', 'arn:aws:iam::111122223333:mfa/root-account-mfa-device'],
    ['us-east-1', 'arn:aws:iam::111122223333:mfa/root-account-mfa-device'],
    ['cn-north-1', 'arn:aws-cn:iam::111122223333:mfa/root-account-mfa-device'],
    ['cn-northwest-1', 'arn:aws-cn:iam::111122223333:mfa/root-account-mfa-device'],
    ['us-gov-west-1', 'arn:aws-us-gov:iam::111122223333:mfa/root-account-mfa-device'],
  ])('defaults the serial in %s to %s', (region, serial) => {
    const { script: text } = script({ region });
    expect(text).toContain(`--mfa '${serial} '"$MFA_CODE"`);
    expect(text).toContain(`--region '${region}'`);
  });

  it('uses a custom serial and profile', () => {
    const { script: text, warnings } = script(
      {},
      { mfaSerial: 'arn:aws:iam::111122223333:mfa/ops-yubikey', profile: 'acme-root' },
    );
    expect(text).toContain(`--mfa 'arn:aws:iam::111122223333:mfa/ops-yubikey '"$MFA_CODE"`);
    expect(text).not.toContain('root-account-mfa-device');
    expect(text).not.toContain('root_user');
    expect(text.match(/--profile 'acme-root'/g)?.length).toBeGreaterThanOrEqual(3);
    expect(warnings.join('\n')).toContain('"acme-root"');
    const { calls } = runScript(text, { MFA_CODE: '654321' });
    expect(calls[0]?.at(-1)).toBe('arn:aws:iam::111122223333:mfa/ops-yubikey 654321');
  });

  it('accepts a hardware token serial', () => {
    const { script: text } = script({}, { mfaSerial: 'GAHT12345678' });
    expect(text).toContain(`--mfa 'GAHT12345678 '"$MFA_CODE"`);
  });

  it('handles a legacy upper-case us-east-1 bucket', () => {
    const { script: text } = script({ bucket: 'Legacy_Bucket', region: 'us-east-1' });
    expect(text).toContain("--bucket 'Legacy_Bucket'");
    expect(() => bashN(text)).not.toThrow();
    const { calls } = runScript(text, { MFA_CODE: '123456' });
    expect(calls[0]).toContain('Legacy_Bucket');
  });
});

describe('remediationScript: warnings', () => {
  it('always says root with long-term keys, and to delete the key', () => {
    const { warnings } = script();
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/ROOT user of account 111122223333/);
    expect(warnings[0]).toMatch(/long-term root access keys/);
    expect(warnings[0]).toMatch(/temporary credentials/);
    expect(warnings[1]).toMatch(/Delete the root access key/);
  });

  it('lifecycle false: no lifecycle warning and no lifecycle step', () => {
    const { script: text, warnings } = script({ lifecycle: false });
    expect(warnings.join('\n')).not.toMatch(/lifecycle/i);
    expect(text).not.toMatch(/lifecycle/i);
  });

  it('lifecycle true: names InvalidBucketState and shows how to save and remove it', () => {
    const { script: text, warnings } = script({ lifecycle: true });
    expect(warnings).toHaveLength(3);
    expect(warnings[0]).toMatch(/has a lifecycle configuration/);
    expect(warnings[0]).toMatch(/InvalidBucketState/);
    expect(warnings[0]).toMatch(/Save it first/);
    expect(text).toContain('# 0. This bucket has a lifecycle configuration');
    const save = text.split('\n').find((l) => l.includes('get-bucket-lifecycle-configuration'));
    const remove = text.split('\n').find((l) => l.includes('delete-bucket-lifecycle'));
    expect(save).toContain("> 'lifecycle-example-bucket.json'");
    // Destructive steps are left as comments for a person to run on purpose.
    expect(save?.startsWith('#')).toBe(true);
    expect(remove?.startsWith('#')).toBe(true);
    expect(text.indexOf('delete-bucket-lifecycle')).toBeLessThan(
      text.indexOf('aws s3api put-bucket-versioning'),
    );
    expect(() => bashN(text)).not.toThrow();
  });

  it('lifecycle undefined: says it could not be read, and names InvalidBucketState', () => {
    const { script: text, warnings } = script({ lifecycle: undefined });
    expect(warnings).toHaveLength(3);
    expect(warnings[0]).toMatch(/could not be read/);
    expect(warnings[0]).toMatch(/InvalidBucketState/);
    expect(text).toContain('# 0. If step 1 fails with InvalidBucketState');
    expect(() => bashN(text)).not.toThrow();
  });

  it('lifecycle unset on the target behaves as unknown', () => {
    const { bucket, account, region } = TARGET;
    const { warnings } = remediationScript({ bucket, account, region }, CREDS);
    expect(warnings[0]).toMatch(/could not be read/);
  });
});

describe('remediationScript: validation', () => {
  it.each<[string, Partial<RemediationTarget>, Partial<RootCredentials>, RegExp]>([
    ['bucket with shell metacharacters', { bucket: 'bad;name$(id)' }, {}, /lowercase/],
    ['bucket with a quote', { bucket: "x'y" }, {}, /lowercase/],
    ['bucket too long', { bucket: 'a'.repeat(64) }, {}, /3 to 63/],
    ['bucket with reserved prefix', { bucket: 'xn--bucket' }, {}, /reserved prefix/],
    ['region', { region: "eu-west-1'; id; '" }, {}, /not an AWS Region/],
    ['empty region', { region: '' }, {}, /not an AWS Region/],
    ['account', { account: '1111-2222-3333' }, {}, /12-digit/],
    ['account with a newline', { account: '111122223333\n' }, {}, /12-digit/],
    ['profile with a space', {}, { profile: 'root user' }, /not a safe profile name/],
    ['profile with $()', {}, { profile: '$(id)' }, /not a safe profile name/],
    ['empty profile', {}, { profile: '' }, /not a safe profile name/],
    ['serial with a space', {}, { mfaSerial: 'arn:aws:iam::111122223333:mfa/a b' }, /not an IAM serial/],
    ['serial with a quote', {}, { mfaSerial: "arn:aws:iam::111122223333:mfa/a'b" }, /not an IAM serial/],
    ['serial too short', {}, { mfaSerial: 'short' }, /not an IAM serial/],
    ['empty serial', {}, { mfaSerial: '' }, /not an IAM serial/],
  ])('rejects %s', (_name, target, creds, message) => {
    let caught: unknown;
    try {
      script(target, creds);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(RemediationInputError);
    expect(caught).toBeInstanceOf(Error);
    expect((caught as Error).name).toBe('RemediationInputError');
    expect((caught as Error).message).toMatch(message);
  });

  it('rejects a legacy upper-case bucket outside us-east-1', () => {
    expect(() => script({ bucket: 'Legacy_Bucket', region: 'eu-west-1' })).toThrow(RemediationInputError);
  });
});

describe('shellQuote', () => {
  const printf = (s: string) =>
    execFileSync('bash', ['-c', `printf %s ${shellQuote(s)}`], { encoding: 'utf8' });

  it.each([
    'plain',
    '',
    ' ',
    "it's",
    "''",
    "'",
    '"double"',
    '$HOME',
    '${HOME}',
    '$(id)',
    '`id`',
    'a;b&&c||d|e',
    'back\\slash\\',
    'new\nline\r\n',
    'tab\there',
    '* ? [a-z] ~',
    '!history !!',
    '#not-a-comment',
    '-n',
    '--help',
    "a'\"'\"'b",
    'ünïcödé ✓ \u{1F600}',
    '\u202eRTL',
    "'$(rm -rf /)'",
    '%s %d %%',
  ])('round-trips %j through bash', (s) => {
    expect(printf(s)).toBe(s);
  });

  it('always produces one single-quoted word', () => {
    expect(shellQuote('abc')).toBe("'abc'");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
  });
});
