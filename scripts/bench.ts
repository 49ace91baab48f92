// npm run bench [-- --buckets 10000 --concurrency 64 --latency 20]: sweep N generated buckets against the
// loopback fake AWS, which holds every response for a fixed latency, and compare with the ideal time.
// The fake runs in its own process, so that its CPU work and memory are not counted as the sweep's.
import { parseArgs } from 'node:util';
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { S3ClientPool, newEventBridgeClient, newSnsClient } from '../lib/aws/clients';
import { DEFAULT_CONCURRENCY, runSweep } from '../lib/sweep';

interface FakeReady {
  url: string;
}
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
  },
});
const N = Number(values.buckets);
const concurrency = Number(values.concurrency);
const latencyMs = Number(values.latency);
const REGIONS = ['us-east-1', 'eu-west-1', 'eu-central-1', 'ap-southeast-2'];
const CHECK_OPERATIONS = ['GetBucketVersioning', 'GetBucketTagging', 'GetBucketLifecycleConfiguration'];

function startFakeProcess(): Promise<{ url: string; stats(): Promise<FakeStats>; stop(): void }> {
  const child = fork(
    join(__dirname, 'bench-fake-server.ts'),
    [JSON.stringify({ n: N, latencyMs, regions: REGIONS })],
    {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the fake AWS process exited with ${code}`)));
    child.once('message', (ready: FakeReady) => {
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

async function main(): Promise<void> {
  const fake = await startFakeProcess();
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: fake.url,
    AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'bench-secret-not-real',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  });
  const baselineRss = process.memoryUsage().rss;
  let peakRss = baselineRss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
  const deps = {
    s3: new S3ClientPool({ maxSockets: concurrency }),
    sns: newSnsClient('eu-west-1'),
    eventBridge: newEventBridgeClient('eu-west-1'),
    config: { scope: 'configured' as const, exemptPatterns: [], rootProfile: 'root_user' },
    publish: {
      topicArn: 'arn:aws:sns:eu-west-1:111122223333:mfa-delete-guard-bench',
      eventBusName: 'default',
      eventSource: 'mfa-delete-guard',
    },
    homeRegion: 'eu-west-1',
    account: '111122223333',
  };
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const report = await runSweep({ kind: 'sweep', dryRun: false, scheduled: true }, deps, {
    concurrency,
    keep: 'attention',
  });
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  const stats = await fake.stats();
  fake.stop();

  const checkCalls = CHECK_OPERATIONS.reduce((sum, op) => sum + (stats.byOperation[op] ?? 0), 0);
  const callsPerBucket = checkCalls / N;
  const idealMs = (N * callsPerBucket * latencyMs) / concurrency;
  const fmt = (x: number, d = 0) => x.toLocaleString('en-US', { maximumFractionDigits: d });
  const lines = [
    `buckets            ${fmt(N)} in ${REGIONS.length} Regions (statuses: ${JSON.stringify(report.sweep.counts)})`,
    `latency            ${latencyMs} ms per request (fake AWS in its own process)`,
    `concurrency        ${concurrency}`,
    `wall time          ${fmt(wallMs / 1000, 2)} s (listing, checks, digest, ${fmt(report.sweep.driftEvents)} drift events)`,
    `buckets/s          ${fmt(N / (wallMs / 1000))}`,
    `peak concurrency   ${stats.peakInFlight} requests in flight at the fake`,
    `API calls/bucket   ${fmt(callsPerBucket, 3)} (check calls ${fmt(checkCalls)}; all requests ${fmt(stats.requests)}: ${JSON.stringify(stats.byOperation)})`,
    `ideal time         ${fmt(idealMs / 1000, 2)} s = ${fmt(N)} x ${fmt(callsPerBucket, 3)} x ${latencyMs} ms / ${concurrency}`,
    `vs ideal           ${fmt((wallMs / idealMs - 1) * 100, 1)}% over (goal: within 20%)`,
    `peak RSS           ${fmt(peakRss / 1024 / 1024, 1)} MB (this process, ${fmt(baselineRss / 1024 / 1024, 1)} MB before the sweep; goal: under 200 MB)`,
    `sweep CPU          ${fmt(cpuMs / 1000, 2)} s (${fmt((cpuMs / wallMs) * 100)}% of one core; ${fmt((cpuMs * 1000) / stats.requests)} us per request)`,
    `digest             ${report.sweep.digest.bytes} bytes, ${report.sweep.digest.included} buckets described, ${report.sweep.digest.leftOut} left out`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exitCode = 1;
});
