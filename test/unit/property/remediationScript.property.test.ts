import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { checkBucketName } from '../../../lib/domain/bucketName';
import { isMfaSerial, isProfileName } from '../../../lib/domain/awsIds';
import { RemediationInputError, remediationScript } from '../../../lib/domain/remediationScript';
import { NUM_RUNS, SHELL_METACHARACTERS, SHELL_RUNS, hostileName, timeoutFor } from './arbitraries';

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
const lifecycle = fc.constantFrom(true, false, undefined);

const hostileInput = fc.record({ bucket: hostileName, region, profile, mfaSerial, lifecycle });
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
    lifecycle,
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
      { bucket: i.bucket, account: ACCOUNT, region: i.region, lifecycle: i.lifecycle },
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
        // Values enter the shell only single-quoted: swapping them for fixed ones leaves the same script.
        const plain = remediationScript(
          { bucket: 'b-placeholder', account: ACCOUNT, region: i.region, lifecycle: i.lifecycle },
          { profile: 'p-placeholder', mfaSerial: i.mfaSerial },
        ).script;
        const swapped = out.script
          .split(`'${i.bucket}'`)
          .join("'b-placeholder'")
          .split(`'${i.profile}'`)
          .join("'p-placeholder'");
        const code = (s: string) => s.split('\n').filter((l) => !l.trimStart().startsWith('#'));
        expect(code(swapped)).toEqual(code(plain));
      }),
      { numRuns: NUM_RUNS },
    );
    // The generator must exercise both branches, or the property proves little.
    expect(built).toBeGreaterThan(NUM_RUNS / 4);
  });
});

describe(
  'remediationScript run by bash with a fake aws on PATH',
  { timeout: timeoutFor(SHELL_RUNS, 60) },
  () => {
    let dir: string;
    let bin: string;
    let argvLog: string;
    let canary: string;

    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'remediation-prop-'));
      bin = join(dir, 'bin');
      argvLog = join(dir, 'argv');
      canary = join(dir, 'CANARY');
      execFileSync('mkdir', ['-p', bin]);
      // Records each invocation's argv NUL-separated, one invocation per record (terminated by a \x1e byte).
      writeFileSync(
        join(bin, 'aws'),
        `#!/bin/bash\nfor a in "$@"; do printf '%s\\0' "$a" >> "$ARGV_LOG"; done\nprintf '\\036' >> "$ARGV_LOG"\n`,
      );
      chmodSync(join(bin, 'aws'), 0o755);
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    function run(script: string, mfaCode: string) {
      rmSync(argvLog, { force: true });
      const result = spawnSync('bash', ['-c', script], {
        cwd: dir,
        env: { PATH: `${bin}:/usr/bin:/bin`, HOME: dir, ARGV_LOG: argvLog, MFA_CODE: mfaCode },
        encoding: 'utf8',
      });
      const calls = existsSync(argvLog)
        ? readFileSync(argvLog, 'utf8')
            .split('\x1e')
            .filter((c) => c !== '')
            .map((c) => c.split('\0').slice(0, -1))
        : [];
      return { status: result.status, stderr: result.stderr, calls };
    }

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
          const serial =
            i.mfaSerial ?? `arn:${partition(i.region)}:iam::${ACCOUNT}:mfa/root-account-mfa-device`;
          const common = ['--profile', i.profile, '--region', i.region, '--bucket', i.bucket];
          const { status, stderr, calls } = run(out.script, mfaCode);
          expect(status, stderr).toBe(0);
          expect(calls).toEqual([
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

    it('a hostile MFA_CODE stops the script before aws runs, and runs nothing', () => {
      const { script } = remediationScript(
        { bucket: 'example-bucket', account: ACCOUNT, region: 'eu-west-1', lifecycle: false },
        { profile: 'root_user' },
      );
      for (const code of ['', '12345', '1234567', `123456; touch ${canary}`, '$(touch CANARY)', '12345\n6']) {
        const { status, stderr, calls } = run(script, code);
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
