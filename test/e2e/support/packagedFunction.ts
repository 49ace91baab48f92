/**
 * Invoke the packaged check function the way Lambda does: a fresh Node process per cold start that
 * requires the CommonJS bundle from the unzipped artefact and calls `handler(event, context)`. The
 * environment is the one in the packaged template, with CloudFormation references resolved to the
 * loopback resources the test created, plus the variables the Lambda runtime itself sets.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CheckFunction } from './package';

const RUNTIME = join(__dirname, 'lambdaRuntime.cjs');

export type Invocation<T> =
  | { ok: true; result: T; logs: string }
  | { ok: false; errorType: string; errorMessage: string; trace: string[]; logs: string };

export interface PackagedFunctionOptions {
  fn: CheckFunction;
  /** The unzipped artefact (Lambda's task root). */
  taskRoot: string;
  account: string;
  region: string;
  /** Values for environment variables the template sets with a CloudFormation reference. */
  resolvedEnvironment: Record<string, string>;
  /** Endpoints and any other variables the test adds (AWS_ENDPOINT_URL_S3…). */
  extraEnvironment: Record<string, string>;
}

/** The packaged environment with every reference resolved; an unresolved one is an error, not a guess. */
export function packagedEnvironment(
  fn: CheckFunction,
  resolved: Record<string, string>,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(fn.environment)) {
    if (typeof value === 'string') env[name] = value;
    else if (name in resolved) env[name] = resolved[name] as string;
    else {
      throw new Error(
        `the packaged environment variable ${name} is ${JSON.stringify(value)}: give the e2e test a value for it`,
      );
    }
  }
  return env;
}

export function packagedFunction(opts: PackagedFunctionOptions) {
  const props = opts.fn.resource.Properties ?? {};
  const memory = String(props.MemorySize ?? 128);
  const timeoutSeconds = Number(props.Timeout ?? 3);
  const env: Record<string, string> = {
    ...packagedEnvironment(opts.fn, opts.resolvedEnvironment),
    // What the Lambda runtime sets (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html).
    AWS_REGION: opts.region,
    AWS_DEFAULT_REGION: opts.region,
    AWS_LAMBDA_FUNCTION_NAME: opts.fn.functionName,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: memory,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    LAMBDA_TASK_ROOT: opts.taskRoot,
    TZ: ':UTC',
    // Execution-role credentials are temporary ones; these are fake and only loopback servers see them.
    AWS_ACCESS_KEY_ID: 'ASIAE2EEXECUTIONROLE',
    AWS_SECRET_ACCESS_KEY: 'fake-execution-role-secret',
    AWS_SESSION_TOKEN: 'fake-execution-role-session-token',
    ...opts.extraEnvironment,
  };

  return async function invoke<T>(event: unknown): Promise<Invocation<T>> {
    const dir = await mkdtemp(join(tmpdir(), 'mfa-delete-guard-e2e-invoke-'));
    try {
      const requestId = randomUUID();
      const context = {
        callbackWaitsForEmptyEventLoop: true,
        functionName: opts.fn.functionName,
        functionVersion: '$LATEST',
        invokedFunctionArn: `arn:aws:lambda:${opts.region}:${opts.account}:function:${opts.fn.functionName}`,
        memoryLimitInMB: memory,
        awsRequestId: requestId,
        logGroupName: `/aws/lambda/${opts.fn.functionName}`,
        logStreamName: `2026/10/05/[$LATEST]${requestId.replace(/-/g, '')}`,
        timeoutMs: timeoutSeconds * 1000,
      };
      const [eventFile, contextFile, outFile] = ['event', 'context', 'out'].map((n) =>
        join(dir, `${n}.json`),
      );
      await writeFile(eventFile as string, JSON.stringify(event));
      await writeFile(contextFile as string, JSON.stringify(context));
      const logs = await new Promise<string>((resolve, reject) => {
        execFile(
          process.execPath,
          [RUNTIME, opts.taskRoot, opts.fn.handler, eventFile, contextFile, outFile] as string[],
          // Only the variables above: nothing from the test's own environment leaks into the function.
          { env, cwd: opts.taskRoot, timeout: timeoutSeconds * 1000, maxBuffer: 16 * 1024 * 1024 },
          (err, stdout, stderr) =>
            err ? reject(new Error(`${err.message}\n${stdout}\n${stderr}`)) : resolve(`${stdout}${stderr}`),
        );
      });
      const outcome = JSON.parse(await readFile(outFile as string, 'utf8')) as
        { ok: true; result: T } | { ok: false; errorType: string; errorMessage: string; trace: string[] };
      return { ...outcome, logs };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };
}
