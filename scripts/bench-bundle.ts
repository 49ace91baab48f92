// npm run bench:bundle [-- --rounds 5 --buckets 300 --latency 0]: what keepNames costs the sweep bundle.
// Builds functions/sweep.ts twice with the esbuild options serverless.yml gives serverless-esbuild, with and
// without keepNames, then runs each bundle as Lambda would (a fresh Node process through the e2e suite's
// runtime stand-in) against a fresh loopback fake AWS in its own process, alternating which goes first so
// that the machine's load falls on both alike. Reports wall time, the bundle process's CPU time and the
// number of requests the fake answered.
import { fork, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { customEsbuild, esbuildOptions } from './esbuildOptions';

const ROOT = join(__dirname, '..');
const RUNTIME = join(ROOT, 'test', 'e2e', 'support', 'lambdaRuntime.cjs');
const REGIONS = ['us-east-1', 'eu-west-1', 'us-west-2', 'ap-southeast-2'];
const ACCOUNT = '111122223333';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    buckets: { type: 'string', default: '300' },
    latency: { type: 'string', default: '0' },
  },
});
const rounds = Number(values.rounds);
const buckets = Number(values.buckets);
const latencyMs = Number(values.latency);

/** The fake AWS of npm run bench, in its own process so that its CPU is not the bundle's; one per run. */
async function startFake(): Promise<{ url: string; requests(): Promise<number>; stop(): void }> {
  const child = fork(
    join(__dirname, 'bench-fake-server.ts'),
    [JSON.stringify({ n: buckets, latencyMs, regions: REGIONS })],
    { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
  );
  const url = await new Promise<string>((resolve, reject) => {
    child.once('error', reject);
    child.once('message', (ready: { url: string }) => resolve(ready.url));
  });
  return {
    url,
    requests: () =>
      new Promise((resolve) => {
        child.once('message', (stats: { requests: number }) => resolve(stats.requests));
        child.send('stats');
      }),
    stop: () => void child.kill(),
  };
}

interface Run {
  wallMs: number;
  cpuMs: number;
  requests: number;
  ok: boolean;
  total?: number;
}

async function runOnce(taskRoot: string, dir: string): Promise<Run> {
  const fake = await startFake();
  try {
    return await invokeBundle(taskRoot, dir, fake.url, fake.requests);
  } finally {
    fake.stop();
  }
}

async function invokeBundle(
  taskRoot: string,
  dir: string,
  endpoint: string,
  requests: () => Promise<number>,
): Promise<Run> {
  const files = {
    event: join(dir, 'event.json'),
    context: join(dir, 'context.json'),
    out: join(dir, 'out.json'),
  };
  const cpuFile = join(dir, 'cpu.json');
  await writeFile(files.event, await readFile(join(ROOT, 'events', 'scheduled-sweep.json')));
  await writeFile(
    files.context,
    JSON.stringify({
      functionName: 'mfa-delete-guard-prod-sweep',
      invokedFunctionArn: `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:mfa-delete-guard-prod-sweep`,
      awsRequestId: 'bench',
      timeoutMs: 900_000,
    }),
  );
  // The bundle's process reports its own CPU time when it exits.
  const preload = join(dir, 'cpu.cjs');
  await writeFile(
    preload,
    `process.on('exit', () => { require('node:fs').writeFileSync(${JSON.stringify(cpuFile)}, JSON.stringify(process.cpuUsage())); });`,
  );
  // The packaged sweep function's environment (serverless.yml, prod stage, no fan-out) and Lambda's own.
  const env = {
    PATH: process.env.PATH ?? '',
    AWS_REGION: 'eu-west-1',
    AWS_DEFAULT_REGION: 'eu-west-1',
    AWS_LAMBDA_FUNCTION_NAME: 'mfa-delete-guard-prod-sweep',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1769',
    AWS_ACCESS_KEY_ID: 'ASIABENCHEXECUTIONROLE',
    AWS_SECRET_ACCESS_KEY: 'bench-secret-not-real',
    AWS_SESSION_TOKEN: 'bench-session-token',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ALERT_TOPIC_ARN: `arn:aws:sns:eu-west-1:${ACCOUNT}:mfa-delete-guard-prod-alerts`,
    EVENT_BUS_NAME: 'default',
    DRIFT_EVENT_SOURCE: 'mfa-delete-guard',
    GUARD_SCOPE: 'configured',
    ROOT_PROFILE: 'root_user',
    POWERTOOLS_LOG_LEVEL: 'WARN',
    POWERTOOLS_SERVICE_NAME: 'mfa-delete-guard',
    SWEEP_CONCURRENCY: '24',
    SWEEP_INLINE_MAX_BUCKETS: '20000',
    AWS_ENDPOINT_URL: endpoint,
  };
  const started = performance.now();
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--require', preload, RUNTIME, taskRoot, 'sweep.handler', files.event, files.context, files.out],
      { env, cwd: taskRoot, stdio: ['ignore', 'ignore', 'inherit'] },
    );
    child.once('error', reject);
    child.once('exit', resolve);
  });
  const wallMs = performance.now() - started;
  const cpu = JSON.parse(await readFile(cpuFile, 'utf8')) as { user: number; system: number };
  const out = JSON.parse(await readFile(files.out, 'utf8')) as {
    ok: boolean;
    result?: { sweep?: { total: number } };
    errorType?: string;
    errorMessage?: string;
  };
  if (!out.ok) process.stderr.write(`run failed (exit ${code}): ${out.errorType}: ${out.errorMessage}\n`);
  return {
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    requests: await requests(),
    ok: out.ok,
    ...(out.result?.sweep && { total: out.result.sweep.total }),
  };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2
    ? (s[(s.length - 1) / 2] as number)
    : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2;
};

async function main(): Promise<void> {
  // The options serverless.yml gives serverless-esbuild (custom.esbuild, its plugins included), as packaged.
  const base = await esbuildOptions(customEsbuild('prod'));
  const dir = await mkdtemp(join(tmpdir(), 'mfa-delete-guard-bench-bundle-'));
  try {
    const variants = [
      { name: 'minify', keepNames: false },
      { name: 'minify+keepNames', keepNames: true },
    ];
    const built: Record<string, { root: string; bytes: number }> = {};
    for (const v of variants) {
      const root = join(dir, v.name);
      await build({
        ...base,
        keepNames: v.keepNames,
        entryPoints: [join(ROOT, 'functions', 'sweep.ts')],
        outdir: root,
      });
      built[v.name] = { root, bytes: (await readFile(join(root, 'sweep.js'))).length };
    }
    const results: Record<string, Run[]> = Object.fromEntries(variants.map((v) => [v.name, []]));
    for (let r = 0; r < rounds; r++) {
      // Alternate which variant goes first, so neither always runs on a warmer (or busier) machine.
      const order = r % 2 === 0 ? variants : [...variants].reverse();
      for (const v of order) {
        const run = await runOnce(built[v.name]!.root, dir);
        results[v.name]!.push(run);
        process.stdout.write(
          `round ${r + 1} ${v.name.padEnd(17)} wall ${(run.wallMs / 1000).toFixed(2)} s  cpu ${(run.cpuMs / 1000).toFixed(2)} s  requests ${run.requests}  ${run.ok ? `ok (${run.total} buckets)` : 'FAILED'}\n`,
        );
      }
    }
    process.stdout.write(
      `\n${buckets} buckets in ${REGIONS.length} Regions, ${latencyMs} ms latency, ${rounds} rounds; medians:\n`,
    );
    for (const v of variants) {
      const runs = results[v.name]!;
      process.stdout.write(
        `${v.name.padEnd(17)} bundle ${(built[v.name]!.bytes / 1024).toFixed(0)} KiB  wall ${(median(runs.map((x) => x.wallMs)) / 1000).toFixed(2)} s  cpu ${(median(runs.map((x) => x.cpuMs)) / 1000).toFixed(2)} s  requests ${median(runs.map((x) => x.requests))}  failures ${runs.filter((x) => !x.ok).length}\n`,
      );
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exitCode = 1;
});
