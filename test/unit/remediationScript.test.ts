import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, expect, afterAll } from 'vitest';
import {
  RemediationInputError,
  remediationScript,
  repairAction,
  shellQuote,
  type RemediationTarget,
  type RootCredentials,
} from '../../lib/domain/remediationScript';
import { recordingAws } from '../support/recordingAws';

const TARGET: RemediationTarget = {
  bucket: 'example-bucket',
  account: '111122223333',
  region: 'eu-west-1',
  versioning: 'Enabled',
  mfaDelete: 'Disabled',
};
const CREDS: RootCredentials = { profile: 'root_user' };
const ROOT = 'arn:aws:iam::111122223333:root';
const VIRTUAL = 'arn:aws:iam::111122223333:mfa/ops-phone';

const script = (target: Partial<RemediationTarget> = {}, creds: Partial<RootCredentials> = {}) =>
  remediationScript({ ...TARGET, ...target }, { ...CREDS, ...creds });
const bashN = (text: string) =>
  execFileSync('bash', ['-n'], { input: text, stdio: ['pipe', 'pipe', 'pipe'] });

// A fake `aws` on PATH that records its argv and answers STS, IAM and the lifecycle question.
const workDir = mkdtempSync(join(tmpdir(), 'mfa-guard-script-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));
const runScript = recordingAws(workDir);
/** Root of the alerted account, one virtual device, no lifecycle: the script goes all the way. */
const ROOT_ENV = { FAKE_CALLER_ARN: ROOT, FAKE_MFA_DEVICES: VIRTUAL };

const common = ['--profile', 'root_user', '--region', 'eu-west-1'];
const onBucket = [...common, '--bucket', 'example-bucket'];
const WHO = ['sts', 'get-caller-identity', ...common, '--query', 'Arn', '--output', 'text'];
const DEVICES = [
  'iam',
  'list-mfa-devices',
  ...common,
  '--query',
  'MFADevices[].SerialNumber',
  '--output',
  'text',
];
const LIFECYCLE = ['s3api', 'get-bucket-lifecycle-configuration', ...onBucket];
const put = (mfa: string) => [
  's3api',
  'put-bucket-versioning',
  ...onBucket,
  '--versioning-configuration',
  'Status=Enabled,MFADelete=Enabled',
  '--mfa',
  mfa,
];
const GET = ['s3api', 'get-bucket-versioning', ...onBucket];
const isS3 = (call: string[]) => call[0] === 's3api';

describe('remediationScript: what it runs', () => {
  const { script: text } = script();

  it('passes bash -n', () => {
    expect(() => bashN(text)).not.toThrow();
  });

  it('asks who, which device and whether lifecycle is in the way, then puts and verifies', () => {
    const { status, calls, stderr } = runScript(text, { ...ROOT_ENV, MFA_CODE: '123456' });
    expect(status, stderr).toBe(0);
    expect(calls).toEqual([WHO, DEVICES, LIFECYCLE, put(`${VIRTUAL} 123456`), GET]);
    // The clean-up is only printed, and only once everything was checked.
    expect(stderr).toContain(
      'aws iam delete-access-key --profile "root_user" --access-key-id "$(aws configure get aws_access_key_id --profile "root_user")"',
    );
  });

  it.each([
    ["another account's root", 'arn:aws:iam::444455556666:root'],
    ['an IAM user', 'arn:aws:iam::111122223333:user/alice'],
    ['an assumed role', 'arn:aws:sts::111122223333:assumed-role/Admin/me'],
    ['nothing', ''],
  ])('stops on %s: one line naming it, no S3 request, no clean-up', (_label, arn) => {
    const { status, calls, stderr } = runScript(text, {
      ...ROOT_ENV,
      FAKE_CALLER_ARN: arn,
      MFA_CODE: '123456',
    });
    expect(status).toBe(1);
    expect(calls).toEqual([WHO]);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain(`profile root_user is ${arn}, not the root user of account 111122223333`);
    expect(stderr).not.toContain('delete-access-key');
  });

  it.each([
    ['a custom-named virtual device', VIRTUAL, VIRTUAL],
    ['a hardware TOTP token', 'GAHT12345678', 'GAHT12345678'],
    [
      'one virtual device beside a FIDO key',
      `arn:aws:iam::111122223333:u2f/root/key-ABC\t${VIRTUAL}`,
      VIRTUAL,
    ],
  ])('uses the only device that gives a code: %s', (_label, devices, serial) => {
    const { status, calls } = runScript(text, { ...ROOT_ENV, FAKE_MFA_DEVICES: devices, MFA_CODE: '654321' });
    expect(status).toBe(0);
    expect(calls.find((c) => c[1] === 'put-bucket-versioning')?.at(-1)).toBe(`${serial} 654321`);
  });

  it.each([
    [
      'two devices',
      `${VIRTUAL}\tGAHT12345678`,
      /has 2 MFA devices .*seen: arn:aws:iam::111122223333:mfa\/ops-phone GAHT12345678\)/,
    ],
    ['none', '', /has 0 MFA devices .*seen: none\)/],
    [
      'only a FIDO key',
      'arn:aws:iam::111122223333:u2f/root/key-ABC',
      /has 0 MFA devices .*u2f\/root\/key-ABC\)/,
    ],
    ["another account's virtual device", 'arn:aws:iam::444455556666:mfa/x', /has 0 MFA devices/],
  ])('stops before any S3 request with %s, and asks for MFA_SERIAL', (_label, devices, message) => {
    const { status, calls, stderr } = runScript(text, {
      ...ROOT_ENV,
      FAKE_MFA_DEVICES: devices,
      MFA_CODE: '123456',
    });
    expect(status).toBe(1);
    expect(calls).toEqual([WHO, DEVICES]);
    expect(stderr).toMatch(message);
    expect(stderr).toContain('export MFA_SERIAL=');
  });

  it('MFA_SERIAL picks the device without listing them', () => {
    const { status, calls } = runScript(text, {
      ...ROOT_ENV,
      FAKE_MFA_DEVICES: `${VIRTUAL}\tGAHT12345678`,
      MFA_SERIAL: 'GAHT12345678',
      MFA_CODE: '123456',
    });
    expect(status).toBe(0);
    expect(calls).toEqual([WHO, LIFECYCLE, put('GAHT12345678 123456'), GET]);
  });

  it.each(['a b', "x'y", '$(id)', 'arn:aws:iam::1:mfa/a;id'])('refuses MFA_SERIAL=%j', (serial) => {
    const { status, calls } = runScript(text, { ...ROOT_ENV, MFA_SERIAL: serial, MFA_CODE: '123456' });
    expect(status).toBe(1);
    expect(calls.filter(isS3)).toEqual([]);
  });

  it('a configured serial wins: no listing, MFA_SERIAL ignored', () => {
    const { script: configured } = script({}, { mfaSerial: 'arn:aws:iam::111122223333:mfa/configured' });
    const { status, calls } = runScript(configured, { ...ROOT_ENV, MFA_SERIAL: VIRTUAL, MFA_CODE: '123456' });
    expect(status).toBe(0);
    expect(calls).toEqual([WHO, LIFECYCLE, put('arn:aws:iam::111122223333:mfa/configured 123456'), GET]);
  });

  it('a lifecycle configuration stops it before the put, with the save and remove commands', () => {
    const { status, calls, stderr } = runScript(text, {
      ...ROOT_ENV,
      FAKE_LIFECYCLE: '1',
      MFA_CODE: '123456',
    });
    expect(status).toBe(1);
    expect(calls).toEqual([WHO, DEVICES, LIFECYCLE]);
    expect(stderr).toContain(
      'aws s3api get-bucket-lifecycle-configuration --profile "root_user" --region "eu-west-1" --bucket "example-bucket" > "lifecycle-example-bucket.json"',
    );
    expect(stderr).toContain(
      'aws s3api delete-bucket-lifecycle --profile "root_user" --region "eu-west-1" --bucket "example-bucket"',
    );
    expect(stderr).toMatch(/stops its expiration and transition rules/);
  });

  it.each(['', '12345', '1234567', 'abcdef', '123 456', '$(id)'])(
    'refuses to call anything with MFA_CODE=%j and no terminal',
    (code) => {
      const { status, calls, stderr } = runScript(text, { ...ROOT_ENV, MFA_CODE: code });
      expect(status).toBe(1);
      expect(stderr).toContain('MFA_CODE must be the 6-digit code');
      expect(calls).toEqual([]);
    },
  );

  it('forgets MFA_CODE when the block ends, whatever happened', () => {
    for (const env of [ROOT_ENV, { ...ROOT_ENV, FAKE_CALLER_ARN: 'arn:aws:iam::444455556666:root' }]) {
      const { stdout } = runScript(`${text}\nprintf 'after=%s\\n' "\${MFA_CODE-unset}"`, {
        ...env,
        MFA_CODE: '123456',
      });
      expect(stdout).toContain('after=unset');
    }
  });

  it('keeps the exit status of the block', () => {
    expect(runScript(text, { ...ROOT_ENV, MFA_CODE: '123456' }).status).toBe(0);
    expect(runScript(text, { ...ROOT_ENV, FAKE_LIFECYCLE: '1', MFA_CODE: '123456' }).status).toBe(1);
  });
});

describe('remediationScript: words and partitions', () => {
  it.each<[RemediationTarget['versioning'], RemediationTarget['mfaDelete'], string]>([
    ['Enabled', 'Disabled', 'turn MFA delete back on'],
    ['Enabled', 'NeverConfigured', 'turn on MFA delete'],
    ['Suspended', 'Disabled', 'turn versioning and MFA delete back on'],
    ['Suspended', 'Enabled', 'turn versioning back on'],
    ['Unversioned', 'NeverConfigured', 'turn on versioning and MFA delete'],
    ['Suspended', 'NeverConfigured', 'turn on MFA delete and turn versioning back on'],
  ])('versioning %s, MFA delete %s: "%s"', (versioning, mfaDelete, words) => {
    expect(repairAction(versioning, mfaDelete)).toBe(words);
    const { script: text } = script({ versioning, mfaDelete });
    expect(text.split('\n')[0]).toBe(
      `# mfa-delete-guard: ${words} for s3://example-bucket (account 111122223333, eu-west-1)`,
    );
  });

  it.each([
    ['us-east-1', 'aws'],
    ['cn-north-1', 'aws-cn'],
    ['us-gov-west-1', 'aws-us-gov'],
  ])('in %s the root ARN and device ARNs are of partition %s', (region, partition) => {
    const { script: text, warnings } = script({ region });
    expect(text).toContain(`[ "$who" != 'arn:${partition}:iam::111122223333:root' ]`);
    expect(text).toContain(`'arn:${partition}:iam::111122223333:mfa/'?*)`);
    expect(warnings.join('\n')).toContain(
      `arn:${partition}:iam::aws:policy/root-task/IAMCreateRootUserPassword`,
    );
  });

  it('handles a legacy upper-case us-east-1 bucket', () => {
    const { script: text } = script({ bucket: 'Legacy_Bucket', region: 'us-east-1' });
    expect(text).toContain("--bucket 'Legacy_Bucket'");
    expect(() => bashN(text)).not.toThrow();
    const { calls } = runScript(text, {
      FAKE_CALLER_ARN: ROOT,
      FAKE_MFA_DEVICES: VIRTUAL,
      MFA_CODE: '123456',
    });
    expect(calls.find((c) => c[1] === 'put-bucket-versioning')).toContain('Legacy_Bucket');
  });

  it('is a pure function of its inputs', () => {
    expect(script().script).toBe(script().script);
    expect(script({ mfaDelete: 'NeverConfigured' }).script).not.toBe(script().script);
  });
});

describe('remediationScript: warnings', () => {
  it('say root with long-term keys, the checks it makes, centralized root access and the clean-up', () => {
    const { warnings } = script();
    const all = warnings.join('\n');
    expect(all).toMatch(/ROOT user of account 111122223333/);
    expect(all).toMatch(/stops unless it is arn:aws:iam::111122223333:root/);
    expect(all).toMatch(/finds root's MFA device itself/);
    expect(all).toMatch(/lifecycle configuration on s3:\/\/example-bucket/);
    expect(all).toMatch(/aws sts assume-root --region eu-west-1 --target-principal 111122223333/);
    expect(all).toMatch(/No assume-root task policy can change versioning or MFA delete/);
    expect(all).toMatch(/assigns an MFA device and creates a temporary access key/);
    expect(all).toMatch(/Delete the root access key/);
  });

  it('name the configured serial when there is one', () => {
    const { warnings } = script({}, { mfaSerial: 'GAHT12345678' });
    expect(warnings.join('\n')).toContain('configured root MFA device GAHT12345678');
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
