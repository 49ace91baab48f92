// The prepared remediation script, run by bash with the real AWS CLI exactly as a responder would,
// against the loopback S3 that records requests and enforces MFA delete's rules.
import { execFile } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { remediationScript } from '../../lib/domain/remediationScript';
import { startFakeAws, type FakeAws } from '../support/fakeAws';

const run = promisify(execFile);
let fake: FakeAws;
let home: string;

/** A responder's machine: a HOME whose only credentials are the root_user profile with long-term keys. */
function responderEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: home,
    AWS_ENDPOINT_URL: fake.url,
    ...(process.env.PYENV_ROOT && { PYENV_ROOT: process.env.PYENV_ROOT }),
    ...extra,
  };
  return env;
}

beforeAll(async () => {
  fake = await startFakeAws();
  home = mkdtempSync(join(tmpdir(), 'mdg-responder-'));
  mkdirSync(join(home, '.aws'));
  writeFileSync(
    join(home, '.aws', 'credentials'),
    '[root_user]\naws_access_key_id = AKIAROOTEXAMPLE00001\naws_secret_access_key = root-secret-not-real\n',
  );
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.reset();
  fake.buckets.clear();
  fake.addBucket({
    name: 'example-bucket',
    region: 'eu-west-1',
    versioning: 'Suspended',
    mfaDelete: 'Disabled',
  });
});

const { script } = remediationScript(
  { bucket: 'example-bucket', account: '111122223333', region: 'eu-west-1', lifecycle: false },
  { profile: 'root_user' },
);

describe('remediation script with the real AWS CLI', () => {
  it('sends exactly the PutBucketVersioning request S3 documents, then verifies', async () => {
    const { stdout } = await run('bash', ['-c', script], { env: responderEnv({ MFA_CODE: '123456' }) });
    const puts = fake.requests.filter((r) => r.method === 'PUT');
    expect(puts).toHaveLength(1);
    const put = puts[0]!;
    expect(put.path.replace(/\/$/, '')).toBe('/example-bucket');
    expect(Object.keys(put.query)).toContain('versioning');
    expect(put.headers['x-amz-mfa']).toBe('arn:aws:iam::111122223333:mfa/root-account-mfa-device 123456');
    expect(put.body).toContain('<MfaDelete>Enabled</MfaDelete>');
    expect(put.body).toContain('<Status>Enabled</Status>');
    expect(put.region).toBe('eu-west-1');
    // Signed with the root_user profile's long-term key.
    expect(put.headers.authorization).toContain('Credential=AKIAROOTEXAMPLE00001/');
    expect(JSON.parse(stdout)).toEqual({ Status: 'Enabled', MFADelete: 'Enabled' });
    expect(fake.buckets.get('example-bucket')).toMatchObject({ versioning: 'Enabled', mfaDelete: 'Enabled' });
  });

  it.each([
    ['unset', {}],
    ['not six digits', { MFA_CODE: '12345' }],
    ['an injection attempt', { MFA_CODE: '123456; touch /tmp/pwned' }],
  ])('refuses to run when MFA_CODE is %s, sending nothing', async (_label, extra) => {
    await expect(run('bash', ['-c', script], { env: responderEnv(extra) })).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('MFA_CODE must be the 6-digit code'),
    });
    expect(fake.requests).toHaveLength(0);
  });

  it('fails loudly with InvalidBucketState when a lifecycle configuration is in the way', async () => {
    fake.buckets.clear();
    fake.addBucket({
      name: 'example-bucket',
      region: 'eu-west-1',
      versioning: 'Enabled',
      mfaDelete: 'Disabled',
      lifecycle: true,
    });
    const withLifecycle = remediationScript(
      { bucket: 'example-bucket', account: '111122223333', region: 'eu-west-1', lifecycle: true },
      { profile: 'root_user' },
    );
    expect(withLifecycle.script).toContain('delete-bucket-lifecycle');
    await expect(
      run('bash', ['-c', withLifecycle.script], { env: responderEnv({ MFA_CODE: '123456' }) }),
    ).rejects.toMatchObject({
      stderr: expect.stringContaining('InvalidBucketState'),
    });
    // set -e stopped the block: the verify step never ran.
    expect(fake.requests.filter((r) => r.operation === 'GetBucketVersioning')).toHaveLength(0);
  });
});
