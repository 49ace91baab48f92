// npx tsx scripts/bench-custodian.ts --custodian <cloud-custodian source tree> [--buckets 1000 --rounds 3 --warmup 1]
//
// Side by side with Cloud Custodian, the tool a user would pick instead: the same moto_server, the same
// buckets (half versioning Enabled, a quarter Suspended, a quarter never versioned), every request through
// one counting proxy, runs interleaved. Ours: `check --all --json --dry-run --scope all` (the packaged CLI,
// dist/cli.cjs). Custodian: its leanest S3 policy (`augment-keys: detect`, filter Versioning.MFADelete
// absent), run from source with this machine's Python. moto does not model MFA delete (its
// GetBucketVersioning returns only Status): both tools see every bucket without it, which is fine for
// counting calls and timing. A maintainer's script: CI does not need Custodian.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CreateBucketCommand, PutBucketVersioningCommand, S3Client } from '@aws-sdk/client-s3';
import {
  GetResourcesCommand,
  ResourceGroupsTaggingAPIClient,
} from '@aws-sdk/client-resource-groups-tagging-api';
import { startMoto } from '../test/support/moto';

const { values } = parseArgs({
  options: {
    custodian: { type: 'string', default: process.env.CUSTODIAN_SRC },
    buckets: { type: 'string', default: '1000' },
    rounds: { type: 'string', default: '3' },
    warmup: { type: 'string', default: '1' },
  },
});
const N = Number(values.buckets);
const ROUNDS = Number(values.rounds);
const WARMUP = Number(values.warmup);
const REGION = 'us-east-1';
const ACCOUNT = '123456789012'; // moto's default account
const ROOT = join(__dirname, '..');

const HOW_TO = `usage: npx tsx scripts/bench-custodian.ts --custodian <dir> [--buckets 1000] [--rounds 3] [--warmup 1]

<dir> is a Cloud Custodian source tree (its c7n/ package at the top). To make one:
  git clone --depth 1 https://github.com/cloud-custodian/cloud-custodian <dir>
  python3 -m pip install --user argcomplete tabulate     # boto3 and the rest come with moto
moto_server must be on PATH (python3 -m pip install "moto[server]").`;

/** The AWS operation a request names: X-Amz-Target, a query Action, or S3's REST method, path and query. */
function operationOf(req: http.IncomingMessage, body: string): string {
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string') return target.slice(target.indexOf('.') + 1);
  const url = new URL(req.url ?? '/', 'http://proxy');
  const action = url.searchParams.get('Action') ?? new URLSearchParams(body).get('Action');
  if (action) return action;
  const segments = url.pathname.split('/').filter(Boolean);
  if (segments.length === 0) return req.method === 'GET' ? 'ListBuckets' : `${req.method} /`;
  if (req.method === 'HEAD' && segments.length === 1) return 'HeadBucket';
  const verb = req.method === 'GET' ? 'Get' : req.method === 'PUT' ? 'Put' : (req.method ?? '');
  for (const [key, name] of [
    ['versioning', 'BucketVersioning'],
    ['tagging', 'BucketTagging'],
    ['location', 'BucketLocation'],
    ['lifecycle', 'BucketLifecycleConfiguration'],
    ['policy', 'BucketPolicy'],
    ['acl', 'BucketAcl'],
    ['encryption', 'BucketEncryption'],
    ['logging', 'BucketLogging'],
  ] as const)
    if (url.searchParams.has(key)) return `${verb}${name}`;
  return `${req.method} ${segments.length === 1 ? 'bucket' : 'object'}`;
}

/** A forwarding proxy in front of moto that counts requests by operation. */
async function countingProxy(upstream: string) {
  let counts: Record<string, number> = {};
  const target = new URL(upstream);
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const op = operationOf(req, body.toString('utf8'));
      counts[op] = (counts[op] ?? 0) + 1;
      const out = http.request(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: target.host },
        },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      out.on('error', () => res.destroy());
      out.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    take(): Record<string, number> {
      const taken = counts;
      counts = {};
      return taken;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

interface Run {
  wallMs: number;
  counts: Record<string, number>;
  checked: number;
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, cwd = ROOT) {
  return new Promise<{ code: number | null; stdout: string; stderr: string; wallMs: number }>(
    (resolve, reject) => {
      const started = performance.now();
      const child = spawn(cmd, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
      child.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString('utf8')).slice(-4_000)));
      child.once('error', reject);
      child.once('close', (code) => resolve({ code, stdout, stderr, wallMs: performance.now() - started }));
    },
  );
}

async function main(): Promise<void> {
  const custodian = values.custodian;
  if (!custodian) {
    process.stderr.write(`${HOW_TO}\n`);
    process.exitCode = 2;
    return;
  }
  const entries = await readdir(custodian).catch(() => [] as string[]);
  if (!entries.includes('c7n')) {
    process.stderr.write(`${custodian} holds no c7n/ package.\n\n${HOW_TO}\n`);
    process.exitCode = 2;
    return;
  }

  // The CLI exactly as `npx mfa-delete-guard` runs it (package.json "prepare").
  const cli = join(ROOT, 'dist', 'cli.cjs');
  // The CLI exactly as `npx mfa-delete-guard` runs it: built by package.json "prepare".
  execFileSync('npm', ['run', '--silent', 'prepare'], { cwd: ROOT, stdio: 'inherit' });

  const moto = await startMoto({ account: ACCOUNT });
  const proxy = await countingProxy(moto.url);
  const work = await mkdtemp(join(tmpdir(), 'bench-custodian-'));
  try {
    const credentials = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'bench-secret-not-real' };
    const s3 = new S3Client({ endpoint: moto.url, region: REGION, credentials, forcePathStyle: true });
    for (let i = 0; i < N; i += 50) {
      await Promise.all(
        Array.from({ length: Math.min(50, N - i) }, async (_, j) => {
          const k = i + j;
          const Bucket = `bench-${String(k).padStart(5, '0')}`;
          await s3.send(new CreateBucketCommand({ Bucket }));
          // Half Enabled, a quarter Suspended, a quarter never versioned.
          const Status = k % 4 < 2 ? 'Enabled' : k % 4 === 2 ? 'Suspended' : undefined;
          if (Status)
            await s3.send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status } }));
        }),
      );
    }
    s3.destroy();
    // moto imports every service backend on its first Resource Groups Tagging API call (seconds, once per
    // moto process); a real endpoint has no such start-up. Warm it here, outside the timed runs.
    const tagging = new ResourceGroupsTaggingAPIClient({ endpoint: moto.url, region: REGION, credentials });
    await tagging.send(new GetResourcesCommand({ ResourceTypeFilters: ['s3'] }));
    tagging.destroy();

    const policy = join(work, 'policy.yml');
    await writeFile(
      policy,
      [
        'policies:',
        '  - name: s3-mfa-delete-absent',
        '    resource: aws.s3',
        '    query:',
        '      - augment-keys: detect',
        '    filters:',
        '      - type: value',
        '        key: Versioning.MFADelete',
        '        value: absent',
        '',
      ].join('\n'),
    );
    // Unset: NODE_EXTRA_CA_CERTS slows every Node start, and no proxy may stand between the tools and moto.
    const { NODE_EXTRA_CA_CERTS: _ca, HTTP_PROXY: _hp, HTTPS_PROXY: _hsp, ...base } = process.env;
    const env = {
      ...base,
      AWS_ENDPOINT_URL: proxy.url,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_REGION: REGION,
      AWS_DEFAULT_REGION: REGION,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };
    const ours = async (): Promise<Run> => {
      proxy.take();
      const r = await run(
        process.execPath,
        [cli, 'check', '--all', '--json', '--dry-run', '--scope', 'all', '--account', ACCOUNT],
        env,
      );
      const counts = proxy.take();
      if (r.code !== 1 && r.code !== 0) throw new Error(`mfa-delete-guard exited ${r.code}: ${r.stderr}`);
      const report = JSON.parse(r.stdout) as { sweep: { total: number } };
      return { wallMs: r.wallMs, counts, checked: report.sweep.total };
    };
    const theirs = async (round: number): Promise<Run> => {
      proxy.take();
      const out = join(work, `out-${round}`);
      const r = await run(
        'python3',
        ['-m', 'c7n.cli', 'run', '-s', out, '--cache-period', '0', policy],
        { ...env, PYTHONPATH: custodian },
        work,
      );
      const counts = proxy.take();
      if (r.code !== 0) throw new Error(`custodian exited ${r.code}: ${r.stderr}`);
      const resources = JSON.parse(
        await readFile(join(out, 's3-mfa-delete-absent', 'resources.json'), 'utf8'),
      ) as unknown[];
      return { wallMs: r.wallMs, counts, checked: resources.length };
    };

    // Untimed rounds first: moto_server warms up on the first requests of each kind (Python imports and
    // caches), which would otherwise count against whichever tool happens to go first.
    for (let round = 1; round <= WARMUP; round++) {
      await ours();
      await theirs(-round);
    }
    const oursRuns: Run[] = [];
    const theirRuns: Run[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      // Interleaved, alternating who goes first, so that neither tool always meets a warmer moto.
      if (round % 2) {
        oursRuns.push(await ours());
        theirRuns.push(await theirs(round));
      } else {
        theirRuns.push(await theirs(round));
        oursRuns.push(await ours());
      }
      const o = oursRuns.at(-1) as Run;
      const t = theirRuns.at(-1) as Run;
      process.stdout.write(
        `round ${round}: mfa-delete-guard ${(o.wallMs / 1000).toFixed(2)} s (${o.checked} buckets), custodian ${(t.wallMs / 1000).toFixed(2)} s (${t.checked} buckets)\n`,
      );
    }

    const median = (xs: number[]) => {
      const s = [...xs].sort((a, b) => a - b);
      const m = s.length >> 1;
      return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
    };
    const perBucket = (r: Run) => {
      const total = Object.values(r.counts).reduce((a, b) => a + b, 0);
      const ops = Object.entries(r.counts)
        .sort((a, b) => b[1] - a[1])
        .map(([op, n]) => `${op} ${(n / N).toFixed(3)}`)
        .join(', ');
      return `${(total / N).toFixed(3)} (${ops})`;
    };
    const oursWall = median(oursRuns.map((r) => r.wallMs));
    const theirWall = median(theirRuns.map((r) => r.wallMs));
    process.stdout.write(
      [
        '',
        `buckets              ${N} on moto_server (half versioning Enabled, a quarter Suspended, a quarter never)`,
        `mfa-delete-guard     median ${(oursWall / 1000).toFixed(2)} s of ${ROUNDS}; calls/bucket ${perBucket(oursRuns.at(-1) as Run)}`,
        `cloud custodian      median ${(theirWall / 1000).toFixed(2)} s of ${ROUNDS}; calls/bucket ${perBucket(theirRuns.at(-1) as Run)}`,
        `ratio                ${(theirWall / oursWall).toFixed(2)}x (custodian wall / mfa-delete-guard wall; goal >= 3)`,
        '',
      ].join('\n'),
    );
  } finally {
    await proxy.close();
    await moto.stop();
    await rm(work, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench-custodian failed: ${(err as Error)?.message ?? String(err)}\n`);
  process.exitCode = 1;
});
