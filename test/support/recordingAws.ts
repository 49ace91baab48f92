/**
 * A fake `aws` for running generated scripts with bash, no AWS CLI needed: it records each call's argv
 * (NUL-separated, one record per call) and answers the three questions a remediation script asks
 * before it changes anything, from environment variables:
 *   FAKE_CALLER_ARN   what `sts get-caller-identity --query Arn --output text` prints
 *   FAKE_MFA_DEVICES  what `iam list-mfa-devices --query 'MFADevices[].SerialNumber' --output text` prints
 *   FAKE_LIFECYCLE=1  the bucket has a lifecycle configuration (else NoSuchLifecycleConfiguration)
 * Every other call succeeds silently.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const FAKE_AWS = `#!/bin/bash
for a in "$@"; do printf '%s\\0' "$a" >> "$ARGV_LOG"; done
printf '\\036' >> "$ARGV_LOG"
case "$1 $2" in
  'sts get-caller-identity') printf '%s\\n' "\${FAKE_CALLER_ARN-}" ;;
  'iam list-mfa-devices') printf '%s\\n' "\${FAKE_MFA_DEVICES-}" ;;
  's3api get-bucket-lifecycle-configuration')
    if [ -n "\${FAKE_LIFECYCLE-}" ]; then printf '{"Rules": []}\\n'; else
      printf '\\nAn error occurred (NoSuchLifecycleConfiguration) when calling the GetBucketLifecycleConfiguration operation: The lifecycle configuration does not exist\\n' >&2
      exit 254
    fi ;;
esac
`;

export interface ScriptRun {
  status: number | null;
  stdout: string;
  stderr: string;
  /** Each aws call's arguments. */
  calls: string[][];
}

/** Install the fake in `dir`/bin; returns a runner for scripts. */
export function recordingAws(dir: string) {
  const bin = join(dir, 'bin');
  const log = join(dir, 'argv');
  mkdirSync(bin, { recursive: true });
  writeFileSync(join(bin, 'aws'), FAKE_AWS);
  chmodSync(join(bin, 'aws'), 0o755);
  return function run(script: string, env: Record<string, string | undefined>): ScriptRun {
    rmSync(log, { force: true });
    const res = spawnSync('bash', ['-c', script], {
      cwd: dir,
      env: { PATH: `${bin}:/usr/bin:/bin`, HOME: dir, ARGV_LOG: log, ...env },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const calls = existsSync(log)
      ? readFileSync(log, 'utf8')
          .split('\x1e')
          .filter((c) => c !== '')
          .map((c) => c.split('\0').slice(0, -1))
      : [];
    return { status: res.status, stdout: res.stdout, stderr: res.stderr, calls };
  };
}
