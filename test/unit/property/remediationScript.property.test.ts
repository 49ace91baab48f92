import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { checkBucketName } from '../../../lib/domain/bucketName';
import { isMfaSerial, isProfileName } from '../../../lib/domain/awsIds';
import { RemediationInputError, remediationScript } from '../../../lib/domain/remediationScript';
import { NUM_RUNS, SHELL_METACHARACTERS, SHELL_RUNS, hostileName, timeoutFor } from './arbitraries';
import { recordingAws, type ScriptRun } from '../../support/recordingAws';

const ACCOUNT = '111122223333';

const region = fc.constantFrom('eu-west-1', 'us-east-1', 'cn-north-1', 'us-gov-west-1');
const profile = fc.oneof(
  fc.constantFrom('root_user', 'root@example.com', 'a.b+c-d'),
  fc.string({
    unit: fc.oneof(fc.constantFrom(...'abcXYZ09_.@+-'), fc.constantFrom(...SHELL_METACHARACTERS)),
    minLength: 0,
    maxLength: 20,
  }),
);
const mfaSerial = fc.option(
  fc.oneof(
    fc.constantFrom(
      'arn:aws:iam::111122223333:mfa/my-root-key',
      'GAHT12345678',
      'arn:aws:iam::111122223333:mfa/a=b,c@d',
    ),
    fc.string({
      unit: fc.oneof(
        { weight: 5, arbitrary: fc.constantFrom(...'arn:aws:iam/mfa0123456789,=.@+-_') },
        { weight: 1, arbitrary: fc.constantFrom(...SHELL_METACHARACTERS) },
      ),
      minLength: 5,
      maxLength: 40,
    }),
  ),
  { nil: undefined },
);
const versioning = fc.constantFrom('Enabled' as const, 'Suspended' as const, 'Unversioned' as const);
const mfaDelete = fc.constantFrom('Disabled' as const, 'NeverConfigured' as const, 'Enabled' as const);

const hostileInput = fc.record({ bucket: hostileName, region, profile, mfaSerial, versioning, mfaDelete });
type Input = typeof hostileInput extends fc.Arbitrary<infer T> ? T : never;

/** Inputs the builder accepts, including us-east-1 legacy names with upper case and underscores. */
const acceptedInput: fc.Arbitrary<Input> = fc
  .record({
    bucket: fc.oneof(
      hostileName,
      fc.string({ unit: fc.constantFrom(...'abcxyz019.-'), minLength: 3, maxLength: 63 }),
      fc.string({ unit: fc.constantFrom(...'aZ09._-'), minLength: 3, maxLength: 255 }),
    ),
    region,
    profile: fc.string({ unit: fc.constantFrom(...'abcXYZ09_.@+-'), minLength: 1, maxLength: 64 }),
    mfaSerial,
    versioning,
    mfaDelete,
  })
  .filter(
    (i) =>
      checkBucketName(i.bucket, i.region).valid && (i.mfaSerial === undefined || isMfaSerial(i.mfaSerial)),
  );

const input = fc.oneof(hostileInput, acceptedInput);

/** Either the builder refuses the input with RemediationInputError, or every part of it was valid. */
function build(i: Input): ReturnType<typeof remediationScript> | undefined {
  try {
    const out = remediationScript(
      {
        bucket: i.bucket,
        account: ACCOUNT,
        region: i.region,
        versioning: i.versioning,
        mfaDelete: i.mfaDelete,
      },
      { profile: i.profile, mfaSerial: i.mfaSerial },
    );
    expect(checkBucketName(i.bucket, i.region)).toEqual({ valid: true });
    expect(isProfileName(i.profile)).toBe(true);
    if (i.mfaSerial !== undefined) expect(isMfaSerial(i.mfaSerial)).toBe(true);
    return out;
  } catch (err) {
    expect(err).toBeInstanceOf(RemediationInputError);
    const valid =
      checkBucketName(i.bucket, i.region).valid &&
      isProfileName(i.profile) &&
      (i.mfaSerial === undefined || isMfaSerial(i.mfaSerial));
    expect(valid).toBe(false);
    return undefined;
  }
}

describe('remediationScript with hostile names', { timeout: timeoutFor(NUM_RUNS, 2) }, () => {
  it('throws RemediationInputError or produces a script whose every value is valid and single-quoted', () => {
    let built = 0;
    fc.assert(
      fc.property(input, (i) => {
        const out = build(i);
        if (!out) return;
        built++;
        expect(out.script).toContain(`--bucket '${i.bucket}'`);
        expect(out.script).toContain(`--profile '${i.profile}'`);
        // Values enter the shell only inside single-quoted words (a command's argument, or a message that
        // printf prints): with every single-quoted word blanked out, the script is the same as one built
        // from fixed values. Comment lines are left out: validated values hold no newline to leave them.
        const plain = remediationScript(
          {
            bucket: 'b-placeholder',
            account: ACCOUNT,
            region: i.region,
            versioning: i.versioning,
            mfaDelete: i.mfaDelete,
          },
          { profile: 'p-placeholder', mfaSerial: i.mfaSerial },
        ).script;
        const code = (s: string) =>
          s
            .split('\n')
            .filter((l) => !l.trimStart().startsWith('#'))
            .map((l) => l.replace(/'[^']*'/g, "''"));
        expect(code(out.script)).toEqual(code(plain));
      }),
      { numRuns: NUM_RUNS },
    );
    // The generator must exercise both branches, or the property proves little.
    expect(built).toBeGreaterThan(NUM_RUNS / 4);
  });
});

/** What a hostile or broken endpoint (or a responder's typo) could hand the script at run time. */
const runtimeText = fc.string({
  unit: fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...'arn:aws:iam::111122223333:rootmfa/u2f/GAHT0123456789') },
    {
      weight: 1,
      arbitrary: fc.constantFrom(...SHELL_METACHARACTERS.filter((c) => c !== '\0'), '\t', '\n', 'CANARY'),
    },
  ),
  maxLength: 60,
});

describe(
  'remediationScript run by bash with a fake aws on PATH',
  { timeout: timeoutFor(SHELL_RUNS, 90) },
  () => {
    let dir: string;
    let canary: string;
    let run: (script: string, env: Record<string, string | undefined>) => ScriptRun;

    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'remediation-prop-'));
      canary = join(dir, 'CANARY');
      run = recordingAws(dir);
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('every script parses with bash -n, and passes exactly the intended arguments to aws', () => {
      let executed = 0;
      fc.assert(
        fc.property(acceptedInput, fc.integer({ min: 0, max: 999_999 }), (i, code) => {
          const out = build(i);
          if (!out) return;
          executed++;
          const syntax = spawnSync('bash', ['-n', '-c', out.script], { encoding: 'utf8' });
          expect(syntax.status, syntax.stderr).toBe(0);

          const mfaCode = String(code).padStart(6, '0');
          const p = partition(i.region);
          const found = `arn:${p}:iam::${ACCOUNT}:mfa/found-at-run-time`;
          const serial = i.mfaSerial ?? found;
          const where = ['--profile', i.profile, '--region', i.region];
          const common = [...where, '--bucket', i.bucket];
          const { status, stderr, calls } = run(out.script, {
            MFA_CODE: mfaCode,
            FAKE_CALLER_ARN: `arn:${p}:iam::${ACCOUNT}:root`,
            FAKE_MFA_DEVICES: found,
          });
          expect(status, stderr).toBe(0);
          expect(calls).toEqual([
            ['sts', 'get-caller-identity', ...where, '--query', 'Arn', '--output', 'text'],
            ...(i.mfaSerial
              ? []
              : [
                  [
                    'iam',
                    'list-mfa-devices',
                    ...where,
                    '--query',
                    'MFADevices[].SerialNumber',
                    '--output',
                    'text',
                  ],
                ]),
            ['s3api', 'get-bucket-lifecycle-configuration', ...common],
            [
              's3api',
              'put-bucket-versioning',
              ...common,
              '--versioning-configuration',
              'Status=Enabled,MFADelete=Enabled',
              '--mfa',
              `${serial} ${mfaCode}`,
            ],
            ['s3api', 'get-bucket-versioning', ...common],
          ]);
          expect(existsSync(canary)).toBe(false);
        }),
        { numRuns: SHELL_RUNS },
      );
      expect(executed).toBe(SHELL_RUNS);
    });

    it('whatever STS, IAM or MFA_SERIAL say at run time, only the intended aws commands run', () => {
      const { script } = remediationScript(
        {
          bucket: 'example-bucket',
          account: ACCOUNT,
          region: 'eu-west-1',
          versioning: 'Enabled',
          mfaDelete: 'Disabled',
        },
        { profile: 'root_user' },
      );
      const root = `arn:aws:iam::${ACCOUNT}:root`;
      fc.assert(
        fc.property(
          fc.oneof(fc.constant(root), runtimeText),
          runtimeText,
          fc.option(runtimeText, { nil: undefined }),
          (who, devices, serialEnv) => {
            const { calls } = run(script, {
              MFA_CODE: '123456',
              FAKE_CALLER_ARN: who,
              FAKE_MFA_DEVICES: devices,
              ...(serialEnv !== undefined && { MFA_SERIAL: serialEnv }),
            });
            expect(existsSync(canary)).toBe(false);
            for (const c of calls) {
              expect([
                'sts get-caller-identity',
                'iam list-mfa-devices',
                's3api get-bucket-lifecycle-configuration',
                's3api put-bucket-versioning',
                's3api get-bucket-versioning',
              ]).toContain(`${c[0]} ${c[1]}`);
            }
            const putCall = calls.find((c) => c[1] === 'put-bucket-versioning');
            // `$(aws sts … --output text)` drops trailing newlines, as bash does for any command substitution.
            const isRoot = who.replace(/\n+$/, '') === root;
            if (!isRoot) expect(calls.filter((c) => c[0] === 's3api')).toEqual([]);
            if (putCall) {
              expect(isRoot).toBe(true);
              const [serial, code] = (putCall.at(-1) ?? '').split(' ');
              expect(code).toBe('123456');
              expect(serial).toMatch(/^[A-Za-z0-9_+=/:,.@-]{1,256}$/);
            }
          },
        ),
        { numRuns: SHELL_RUNS },
      );
    });

    it('a hostile MFA_CODE stops the script before aws runs, and runs nothing', () => {
      const { script } = remediationScript(
        {
          bucket: 'example-bucket',
          account: ACCOUNT,
          region: 'eu-west-1',
          versioning: 'Enabled',
          mfaDelete: 'Disabled',
        },
        { profile: 'root_user' },
      );
      for (const code of ['', '12345', '1234567', `123456; touch ${canary}`, '$(touch CANARY)', '12345\n6']) {
        const { status, stderr, calls } = run(script, { MFA_CODE: code });
        expect(status).toBe(1);
        expect(stderr).toContain('MFA_CODE must be the 6-digit code');
        expect(calls).toEqual([]);
        expect(existsSync(canary)).toBe(false);
      }
    });
  },
);

function partition(region: string): string {
  return region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
}
