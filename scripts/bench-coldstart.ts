// npx tsx scripts/bench-coldstart.ts [--runs 15]
//
// Cold start of each packaged function against a bundle that holds only the S3 client: `serverless package`
// builds the functions as they deploy; the baseline is built by esbuild with the very options serverless
// reads (`custom.esbuild`, printed by `serverless print`). Each bundle is then imported in a fresh Node
// process, all of them interleaved run after run, and the medians are compared. Prints zip sizes, bundle
// sizes, import times and ratios, and the same functions rebuilt with the other source-map setting
// (imported with --enable-source-maps when they carry maps), so that the cost of readable stack traces
// in CloudWatch is measured too. NODE_EXTRA_CA_CERTS is unset for every timed process.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { build, type BuildOptions } from 'esbuild';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '15' }, stage: { type: 'string', default: 'prod' } },
});
const RUNS = Number(values.runs);
const ROOT = join(__dirname, '..');
const SERVERLESS = join(ROOT, 'node_modules', '.bin', 'serverless');

const S3_ONLY = `import { GetBucketVersioningCommand, S3Client } from '@aws-sdk/client-s3';
let s3: S3Client | undefined;
export const handler = async (event: { Bucket: string }) =>
  (s3 ??= new S3Client({})).send(new GetBucketVersioningCommand({ Bucket: event.Bucket }));
`;

interface Bundle {
  label: string;
  file: string;
  zipBytes: number;
  jsBytes: number;
  /** Node options the bundle is imported with (--enable-source-maps for a bundle with maps). */
  nodeOptions: string;
}

const env = (() => {
  const { NODE_EXTRA_CA_CERTS: _ca, NODE_OPTIONS: _no, ...rest } = process.env;
  return { ...rest, AWS_REGION: 'us-east-1', SLS_TELEMETRY_DISABLED: '1' };
})();

function sls(args: string[]): string {
  return execFileSync(SERVERLESS, [...args, '--stage', values.stage as string], {
    cwd: ROOT,
    env,
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
}

/** serverless-esbuild's options as esbuild takes them (its `exclude` is esbuild's `external`). */
function esbuildOptions(custom: Record<string, unknown>): BuildOptions {
  const { exclude, config: _config, ...rest } = custom as { exclude?: string[]; config?: unknown };
  return { ...(rest as BuildOptions), external: exclude ?? [], logLevel: 'error' };
}

async function zipSize(dir: string, zip: string): Promise<number> {
  execFileSync('python3', ['-m', 'zipfile', '-c', zip, ...(await readdir(dir)).map((f) => join(dir, f))]);
  return (await stat(zip)).size;
}

async function jsBytes(dir: string): Promise<number> {
  let total = 0;
  for (const f of await readdir(dir, { recursive: true })) {
    if (String(f).endsWith('.js')) total += (await stat(join(dir, String(f)))).size;
  }
  return total;
}

/** Milliseconds to require `file` in a fresh process (the module's own evaluation, not Node's start). */
function importMs(b: Bundle): number {
  const out = execFileSync(
    process.execPath,
    [
      ...(b.nodeOptions ? [b.nodeOptions] : []),
      '-e',
      'const t=process.hrtime.bigint();require(process.argv[1]);process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))',
      b.file,
    ],
    { env, encoding: 'utf8' },
  );
  return Number(out);
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

async function main(): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'bench-coldstart-'));
  try {
    const pkg = join(work, 'package');
    sls(['package', '--package', pkg]);
    const custom = JSON.parse(sls(['print', '--format', 'json', '--path', 'custom.esbuild'])) as Record<
      string,
      unknown
    >;
    const options = esbuildOptions(custom);
    const template = JSON.parse(
      await readFile(join(pkg, 'cloudformation-template-update-stack.json'), 'utf8'),
    ) as {
      Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
    };
    const functions = Object.entries(template.Resources)
      .filter(([, r]) => r.Type === 'AWS::Lambda::Function')
      .map(([id, r]) => ({
        name: id.replace(/LambdaFunction$/, ''),
        handler: String(r.Properties?.Handler),
        zip: String((r.Properties?.Code as { S3Key?: string }).S3Key)
          .split('/')
          .pop() as string,
      }))
      .filter((f) => f.handler.startsWith('functions/'));

    const bundles: Bundle[] = [];
    const packagedMaps = options.sourcemap !== undefined && options.sourcemap !== false;
    // The baseline: only the S3 client, with the same esbuild options.
    const baseDir = join(work, 'baseline');
    await mkdir(baseDir, { recursive: true });
    await build({
      ...options,
      stdin: { contents: S3_ONLY, resolveDir: ROOT, loader: 'ts', sourcefile: 's3only.ts' },
      outfile: join(baseDir, 's3only.js'),
    });
    bundles.push({
      label: 'S3-only baseline',
      file: join(baseDir, 's3only.js'),
      zipBytes: await zipSize(baseDir, join(work, 's3only.zip')),
      jsBytes: await jsBytes(baseDir),
      nodeOptions: packagedMaps ? '--enable-source-maps' : '',
    });
    for (const f of functions) {
      const code = join(work, 'code', f.name);
      execFileSync('python3', ['-m', 'zipfile', '-e', join(pkg, f.zip), code]);
      bundles.push({
        label: `${f.name} (packaged)`,
        file: join(code, `${f.handler.replace(/\.[^.]+$/, '')}.js`),
        zipBytes: (await stat(join(pkg, f.zip))).size,
        jsBytes: await jsBytes(code),
        nodeOptions: packagedMaps ? '--enable-source-maps' : '',
      });
    }
    // The same functions with the other source-map setting, built with the same options otherwise.
    const otherMaps = packagedMaps ? false : 'linked';
    for (const f of functions) {
      const dir = join(work, 'other', f.name);
      const entry = join(ROOT, `${f.handler.replace(/\.[^.]+$/, '')}.ts`);
      await build({
        ...options,
        sourcemap: otherMaps,
        entryPoints: [entry],
        outfile: join(dir, 'handler.js'),
      });
      bundles.push({
        label: `${f.name} (${otherMaps ? 'with source maps' : 'without source maps'})`,
        file: join(dir, 'handler.js'),
        zipBytes: await zipSize(dir, join(work, `${f.name}-other.zip`)),
        jsBytes: await jsBytes(dir),
        nodeOptions: otherMaps ? '--enable-source-maps' : '',
      });
    }

    const times = new Map<Bundle, number[]>(bundles.map((b) => [b, []]));
    for (let run = 0; run < RUNS; run++) for (const b of bundles) times.get(b)?.push(importMs(b));
    const base = median(times.get(bundles[0] as Bundle) ?? []);
    const kb = (n: number) => `${(n / 1024).toFixed(0)} KB`;
    const lines = [
      `esbuild options (serverless print custom.esbuild): ${JSON.stringify(custom)}`,
      `import time: median of ${RUNS} fresh processes each, interleaved; ratio against the S3-only baseline`,
      '',
      `${'bundle'.padEnd(34)} ${'zip'.padStart(8)} ${'js'.padStart(9)} ${'import'.padStart(9)}  ratio`,
      ...bundles.map((b) => {
        const ms = median(times.get(b) ?? []);
        return `${b.label.padEnd(34)} ${kb(b.zipBytes).padStart(8)} ${kb(b.jsBytes).padStart(9)} ${`${ms.toFixed(1)} ms`.padStart(9)}  ${(ms / base).toFixed(2)}x${b.nodeOptions ? ` (${b.nodeOptions})` : ''}`;
      }),
      '',
      'goals: the check function zip <= 250 KB; its import <= 1.1x the baseline',
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench-coldstart failed: ${(err as Error)?.message ?? String(err)}\n`);
  process.exitCode = 1;
});
