// npm run bench [-- --buckets 10000 --concurrency 24 --latency 20 --mix realistic|worst|both]
//
// Runs the packaged CLI (dist/cli.cjs, as `npx mfa-delete-guard` does) as `check --all --json` over N
// generated buckets on the loopback fake AWS, which holds every response for a fixed latency, and prints
// wall time, peak RSS, API calls per bucket by operation, and the ideal time for the latency and concurrency.
// The fake runs in its own process, so that its CPU work and memory are not counted as the CLI's.
// Mixes: `realistic` (scope configured, most buckets protected, some tagged, the digest and drift events
// published) and `worst` (scope all, every bucket drifting, dry run).
import { execFileSync, fork, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_CONCURRENCY } from '../lib/sweep';
import type { BenchMix } from './bench-fake-server';

interface FakeStats {
  requests: number;
  peakInFlight: number;
  byOperation: Record<string, number>;
}

const { values } = parseArgs({
  options: {
    buckets: { type: 'string', default: '10000' },
    concurrency: { type: 'string', default: String(DEFAULT_CONCURRENCY) },
    latency: { type: 'string', default: '20' },
    mix: { type: 'string', default: 'both' },
  },
});
const N = Number(values.buckets);
const concurrency = Number(values.concurrency);
const latencyMs = Number(values.latency);
const mixes: BenchMix[] =
  values.mix === 'both' ? ['realistic', 'worst'] : [values.mix === 'worst' ? 'worst' : 'realistic'];
const REGIONS = ['us-east-1', 'eu-west-1', 'eu-central-1', 'ap-southeast-2'];
const ACCOUNT = '111122223333';
const ROOT = join(__dirname, '..');
/** The calls that check buckets; the rest (Publish, PutEvents) deliver the results. */
const CHECK_OPERATIONS = new Set([
  'ListBuckets',
  'GetBucketVersioning',
  'GetBucketTagging',
  'GetBucketLifecycleConfiguration',
  'HeadBucket',
  'GetResources',
]);
// Written by the CLI process as it exits: its peak resident set (getrusage ru_maxrss, in KiB).
const RSS_HOOK =
  'data:text/javascript,import{writeFileSync}from"node:fs";' +
  'process.on("exit",()=>writeFileSync(process.env.BENCH_RSS_FILE,String(process.resourceUsage().maxRSS)))';

function startFakeProcess(
  mix: BenchMix,
): Promise<{ url: string; stats(): Promise<FakeStats>; stop(): void }> {
  const child = fork(
    join(__dirname, 'bench-fake-server.ts'),
    [JSON.stringify({ n: N, latencyMs, regions: REGIONS, mix })],
    { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
  );
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the fake AWS process exited with ${code}`)));
    child.once('message', (ready: { url: string }) => {
      child.removeAllListeners('exit');
      resolve({
        url: ready.url,
        stats: () =>
          new Promise((res) => {
            child.once('message', (s: FakeStats) => res(s));
            child.send('stats');
          }),
        stop: () => void child.kill(),
      });
    });
  });
}

async function runMix(cli: string, work: string, mix: BenchMix): Promise<string[]> {
  const fake = await startFakeProcess(mix);
  const rssFile = join(work, `rss-${mix}`);
  const args = [
    '--import',
    RSS_HOOK,
    cli,
    'check',
    '--all',
    '--json',
    '--concurrency',
    String(concurrency),
    '--account',
    ACCOUNT,
    ...(mix === 'worst'
      ? ['--scope', 'all', '--dry-run']
      : ['--topic-arn', `arn:aws:sns:eu-west-1:${ACCOUNT}:mfa-delete-guard-bench`, '--event-bus', 'default']),
  ];
  // NODE_EXTRA_CA_CERTS slows every Node start; nothing here speaks TLS.
  const { NODE_EXTRA_CA_CERTS: _ca, ...env } = process.env;
  const started = performance.now();
  const { code, bytes, stderr } = await new Promise<{ code: number | null; bytes: number; stderr: string }>(
    (resolve, reject) => {
      const child = spawn(process.execPath, args, {
        env: {
          ...env,
          AWS_ENDPOINT_URL: fake.url,
          AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
          AWS_SECRET_ACCESS_KEY: 'bench-secret-not-real',
          AWS_REGION: 'eu-west-1',
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
          BENCH_RSS_FILE: rssFile,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = 0;
      let err = '';
      child.stdout.on('data', (c: Buffer) => (out += c.length));
      child.stderr.on('data', (c: Buffer) => (err = (err + c.toString('utf8')).slice(-4_000)));
      child.once('error', reject);
      child.once('close', (exit) => resolve({ code: exit, bytes: out, stderr: err }));
    },
  );
  const wallMs = performance.now() - started;
  const stats = await fake.stats();
  fake.stop();
  if (code !== 0 && code !== 1) throw new Error(`the CLI exited ${code}: ${stderr}`);
  const peakRssMb = Number(await readFile(rssFile, 'utf8')) / 1024;

  const ops = Object.entries(stats.byOperation).sort((a, b) => b[1] - a[1]);
  const checkCalls = ops.filter(([op]) => CHECK_OPERATIONS.has(op)).reduce((sum, [, n]) => sum + n, 0);
  const perBucket = checkCalls / N;
  const idealMs = (N * perBucket * latencyMs) / concurrency;
  const fmt = (x: number, d = 0) => x.toLocaleString('en-US', { maximumFractionDigits: d });
  return [
    `mix                ${mix}: ${fmt(N)} buckets in ${REGIONS.length} Regions, ${mix === 'worst' ? 'scope all, every bucket drifting, dry run' : 'scope configured, digest and drift events published'}`,
    `wall time          ${fmt(wallMs / 1000, 2)} s (process start to exit; ${fmt(N / (wallMs / 1000))} buckets/s; ${fmt(bytes / 1024 / 1024, 1)} MB of JSON)`,
    `peak RSS           ${fmt(peakRssMb, 1)} MB (the CLI process; goal: under 200 MB)`,
    `API calls/bucket   ${fmt(perBucket, 3)} to check (${ops
      .filter(([op]) => CHECK_OPERATIONS.has(op))
      .map(([op, n]) => `${op} ${fmt(n / N, 4)}`)
      .join(', ')}); goal: at most 1.1`,
    `delivery calls     ${
      ops
        .filter(([op]) => !CHECK_OPERATIONS.has(op))
        .map(([op, n]) => `${op} ${n}`)
        .join(', ') || 'none'
    }`,
    `ideal time         ${fmt(idealMs / 1000, 2)} s = ${fmt(N)} x ${fmt(perBucket, 3)} x ${latencyMs} ms / ${concurrency} (${fmt((wallMs / idealMs - 1) * 100, 1)}% over)`,
    `peak concurrency   ${stats.peakInFlight} requests in flight at the fake`,
  ];
}

async function main(): Promise<void> {
  const cli = join(ROOT, 'dist', 'cli.cjs');
  // The CLI exactly as `npx mfa-delete-guard` runs it: built by package.json "prepare".
  execFileSync('npm', ['run', '--silent', 'prepare'], { cwd: ROOT, stdio: 'inherit' });
  const work = await mkdtemp(join(tmpdir(), 'bench-'));
  try {
    const blocks: string[] = [];
    for (const mix of mixes) blocks.push((await runMix(cli, work, mix)).join('\n'));
    process.stdout.write(
      `latency ${latencyMs} ms per request, concurrency ${concurrency}\n\n${blocks.join('\n\n')}\n`,
    );
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exitCode = 1;
});
