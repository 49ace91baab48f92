// The loopback fake S3 driven by the real AWS CLI v1, as the remediation script's responder would run it:
// MFA delete's request (x-amz-mfa, the MfaDelete body) and its refusal without --mfa.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeAws, type FakeAws } from '../support/fakeAws';

const execFileP = promisify(execFile);
const MFA = 'arn:aws:iam::111122223333:mfa/root-account-mfa-device 123456';
let fake: FakeAws;

async function caught(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  fake = await startFakeAws();
});
afterAll(() => fake?.close());
beforeEach(() => {
  fake.reset();
  fake.buckets.clear();
});

describe('fake S3 with the real AWS CLI v1', () => {
  it('put-bucket-versioning with --mfa sends x-amz-mfa and the MfaDelete body; get-bucket-versioning prints MFADelete', async () => {
    fake.addBucket({ name: 'cli-bucket', region: 'eu-west-1', versioning: 'Suspended' });
    const home = await mkdtemp(join(tmpdir(), 'fakeaws-cli-'));
    const env = {
      ...process.env,
      HOME: home,
      AWS_ENDPOINT_URL: fake.url,
      AWS_ACCESS_KEY_ID: 'AKIAFAKE',
      AWS_SECRET_ACCESS_KEY: 'fake',
      AWS_DEFAULT_REGION: 'eu-west-1',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_PAGER: '',
      AWS_CONFIG_FILE: join(home, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
    };
    delete (env as Record<string, string | undefined>).AWS_PROFILE;
    delete (env as Record<string, string | undefined>).AWS_SESSION_TOKEN;
    try {
      await execFileP(
        'aws',
        [
          's3api',
          'put-bucket-versioning',
          '--bucket',
          'cli-bucket',
          '--versioning-configuration',
          'MFADelete=Enabled,Status=Enabled',
          '--mfa',
          MFA,
        ],
        { env, timeout: 60_000 },
      );
      const put = fake.requests.find((r) => r.operation === 'PutBucketVersioning');
      expect(put).toBeDefined();
      expect(put?.method).toBe('PUT');
      expect(put?.path).toBe('/cli-bucket');
      expect(put?.query).toHaveProperty('versioning');
      expect(put?.headers['x-amz-mfa']).toBe(MFA);
      expect(put?.body).toContain('<MfaDelete>Enabled</MfaDelete>');
      expect(put?.body).toContain('<Status>Enabled</Status>');
      expect(fake.buckets.get('cli-bucket')).toMatchObject({ versioning: 'Enabled', mfaDelete: 'Enabled' });

      const { stdout } = await execFileP(
        'aws',
        ['s3api', 'get-bucket-versioning', '--bucket', 'cli-bucket'],
        {
          env,
          timeout: 60_000,
        },
      );
      expect(stdout).toContain('"MFADelete": "Enabled"');
      expect(stdout).toContain('"Status": "Enabled"');

      // without --mfa, the CLI surfaces S3's AccessDenied
      const denied = await caught(
        execFileP(
          'aws',
          [
            's3api',
            'put-bucket-versioning',
            '--bucket',
            'cli-bucket',
            '--versioning-configuration',
            'Status=Suspended',
          ],
          { env, timeout: 60_000 },
        ),
      );
      expect(String((denied as unknown as { stderr: string }).stderr)).toContain(
        'Mfa Authentication must be used for this request',
      );
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  }, 90_000);
});
