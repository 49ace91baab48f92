/**
 * A responder's terminal: a HOME whose ~/.aws/credentials holds the root user's (fake) long-term keys
 * in the `root_user` profile, and bash reading the pasted lines from its standard input, exactly as
 * an interactive paste feeds them. The only thing added is where the AWS CLI sends its requests.
 */
import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Fake long-term root keys: AKIA (long-term), not ASIA (temporary), as S3 demands for MFA requests. */
export const ROOT_ACCESS_KEY_ID = 'AKIAE2EROOTUSER00001';

/** Debian's `awscli` package (v2.9.19 on bookworm). */
export const AWS_CLI_V2_DEBIAN = '/usr/bin/aws';

export interface AwsCli {
  name: string;
  /** PATH entries to put first, so that `aws` in the pasted script is this CLI. */
  pathPrefix: string[];
  /** Variables that point this CLI at the loopback server. */
  env: Record<string, string>;
  /** What its requests' User-Agent starts with, to prove which CLI sent them. */
  userAgent: RegExp;
}

/** The AWS CLI v1 on PATH (pyenv on these machines): it honours AWS_ENDPOINT_URL (CLI ≥ 1.29). */
export function awsCliV1(endpoint: string): AwsCli {
  return {
    name: 'AWS CLI v1 (aws on PATH)',
    pathPrefix: [],
    env: { AWS_ENDPOINT_URL: endpoint },
    userAgent: /^aws-cli\/1\./,
  };
}

/**
 * Debian's AWS CLI v2.9.19 predates AWS_ENDPOINT_URL and the `endpoint_url` config setting (both came
 * with v2.13; tried: it still calls s3.<region>.amazonaws.com). A one-line `aws` on PATH adds
 * `--endpoint-url` and runs it, so the script itself stays exactly what the alert carried.
 */
export async function awsCliV2Debian(endpoint: string, dir: string): Promise<AwsCli> {
  const bin = join(dir, 'aws-cli-v2-bin');
  await mkdir(bin, { recursive: true });
  const shim = join(bin, 'aws');
  await writeFile(shim, `#!/bin/sh\nexec ${AWS_CLI_V2_DEBIAN} --endpoint-url "$E2E_ENDPOINT_URL" "$@"\n`);
  await chmod(shim, 0o755);
  return {
    name: `AWS CLI v2 (${AWS_CLI_V2_DEBIAN})`,
    pathPrefix: [bin],
    env: { E2E_ENDPOINT_URL: endpoint },
    userAgent: /^aws-cli\/2\./,
  };
}

/** A fresh HOME with the root user's profile, as step 1 of the README's runbook leaves it. */
export async function responderHome(profile = 'root_user'): Promise<string> {
  const home = await mkdtemp(join(tmpdir(), 'mfa-delete-guard-e2e-home-'));
  await mkdir(join(home, '.aws'));
  await writeFile(
    join(home, '.aws', 'credentials'),
    `[${profile}]\naws_access_key_id = ${ROOT_ACCESS_KEY_ID}\naws_secret_access_key = fake-root-secret-for-loopback\n`,
  );
  return home;
}

export interface ShellRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Paste `lines` into bash. Asynchronous on purpose: the server answering the CLI runs in this process. */
export function paste(lines: string, home: string, cli: AwsCli): Promise<ShellRun> {
  const env: Record<string, string> = {
    HOME: home,
    PATH: [...cli.pathPrefix, process.env.PATH ?? '/usr/bin:/bin'].join(':'),
    LANG: 'C.UTF-8',
    // The pyenv `aws` shim needs to know where pyenv lives.
    ...(process.env.PYENV_ROOT && { PYENV_ROOT: process.env.PYENV_ROOT }),
    ...cli.env,
  };
  return new Promise((resolve, reject) => {
    const bash = spawn('bash', [], { cwd: home, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    bash.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    bash.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    bash.once('error', reject);
    bash.once('close', (code) => resolve({ code, stdout, stderr }));
    bash.stdin.end(lines);
  });
}
