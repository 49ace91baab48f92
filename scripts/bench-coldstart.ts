// npx tsx scripts/bench-coldstart.ts [--runs 21]
//
// Cold start of each packaged function against a bundle that holds only the S3 client: `serverless package`
// builds the functions as they deploy; the baseline is built by esbuild with the very options serverless
// reads (`custom.esbuild`, printed by `serverless print`, its plugins included) and zipped as a packaged
// function ends up (serverless-esbuild's zip, rewritten by scripts/recompress-zips.cjs). Two references sit
// between them: the baseline in the check's thin handler (middy, the Powertools logger), then with its input
// parsing. Each bundle is imported in a fresh Node process (import(), as Lambda loads an ES module handler),
// all of them interleaved run after run, and the medians are compared, in wall time and in the process's CPU
// time (user + system), which the machine's other load disturbs less. Prints zip sizes, the bytes a cold
// import loads (the handler file and the chunks it imports statically; the rest is loaded by import() on the
// paths that need it), import times and ratios, and the same functions rebuilt with the other source-map
// setting (imported with --enable-source-maps when they carry maps), so that the cost of readable stack
// traces in CloudWatch is measured too. NODE_EXTRA_CA_CERTS is unset for every timed process.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { zip } from 'serverless-esbuild/dist/utils';
import { ROOT, cleanEnv, customEsbuild, esbuildOptions, linksSourceMaps, serverless } from './esbuildOptions';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '21' }, stage: { type: 'string', default: 'prod' } },
});
const RUNS = Number(values.runs);
const STAGE = values.stage as string;

const S3_ONLY = `import { GetBucketVersioningCommand, S3Client } from '@aws-sdk/client-s3';
let s3: S3Client | undefined;
export const handler = async (event: { Bucket: string }) =>
  (s3 ??= new S3Client({})).send(new GetBucketVersioningCommand({ Bucket: event.Bucket }));
`;

// Two references between the baseline and the check function, for where its start goes: the baseline in the
// check's thin handler (@middy/core with the Powertools logger), then with the check's input parsing (zod).
const S3_MIDDY_LOGGER = `import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { GetBucketVersioningCommand, S3Client } from '@aws-sdk/client-s3';
import { logger } from '../../lib/runtime/logger';
let s3: S3Client | undefined;
export const handler = middy(async (event: { Bucket: string }) =>
  (s3 ??= new S3Client({})).send(new GetBucketVersioningCommand({ Bucket: event.Bucket })),
).use(injectLambdaContext(logger, { resetKeys: true }));
`;
const S3_MIDDY_LOGGER_PARSE = `import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { GetBucketVersioningCommand, S3Client } from '@aws-sdk/client-s3';
import { parseInvocation } from '../../lib/domain/parseInvocation';
import { logger } from '../../lib/runtime/logger';
let s3: S3Client | undefined;
export const handler = middy(async (event: { bucket: string }) => {
  const inv = parseInvocation(event);
  return inv.kind === 'manual'
    ? (s3 ??= new S3Client({})).send(new GetBucketVersioningCommand({ Bucket: event.bucket }))
    : inv;
}).use(injectLambdaContext(logger, { resetKeys: true }));
`;

interface Bundle {
  label: string;
  /** The handler file. */
  file: string;
  zipBytes: number;
  jsBytes: number;
  /** What a cold import reads: the handler file and every file it imports statically, transitively. */
  startBytes: number;
  /** Node options the bundle is imported with (--enable-source-maps for a bundle with maps). */
  nodeOptions: string;
}

async function filesUnder(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true, withFileTypes: true }))
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name));
}

/**
 * Zipped as a packaged function ends up: by serverless-esbuild, then rewritten by scripts/recompress-zips.cjs;
 * source maps only when the bundle links them (external ones stay out of the zips, serverless.yml).
 */
async function zipSize(dir: string, zipPath: string, withMaps: boolean): Promise<number> {
  const files = (await filesUnder(dir))
    .filter((f) => withMaps || !f.endsWith('.map'))
    .map((rootPath) => ({ rootPath, localPath: relative(dir, rootPath) }));
  await zip(zipPath, files, false);
  const plugin = (await import(pathToFileURL(join(ROOT, 'scripts', 'recompress-zips.cjs')).href)) as {
    default: { recompress: (path: string) => Promise<void> };
  };
  await plugin.default.recompress(zipPath);
  return (await stat(zipPath)).size;
}

async function jsBytes(dir: string): Promise<number> {
  let total = 0;
  for (const f of await filesUnder(dir)) if (/\.[cm]?js$/.test(f)) total += (await stat(f)).size;
  return total;
}

/** Bytes of `file` and of every file it imports statically (`import … from "./x.js"`, not `import("./x.js")`). */
async function startBytes(file: string, seen = new Set<string>()): Promise<number> {
  if (seen.has(file)) return 0;
  seen.add(file);
  const text = await readFile(file, 'utf8');
  let total = Buffer.byteLength(text);
  for (const m of text.matchAll(/(?:\bfrom|\bimport)\s*["'](\.{1,2}\/[^"']+)["']/g))
    total += await startBytes(join(dirname(file), m[1] as string), seen);
  return total;
}

/** Wall and CPU milliseconds to import `file` in a fresh process (the module's own loading, not Node's start). */
function importMs(b: Bundle): { wall: number; cpu: number } {
  const out = execFileSync(
    process.execPath,
    [
      ...(b.nodeOptions ? [b.nodeOptions] : []),
      '-e',
      'const t=process.hrtime.bigint(),c=process.cpuUsage();' +
        'import(require("node:url").pathToFileURL(process.argv[1]).href).then(()=>{const d=process.cpuUsage(c);' +
        'process.stdout.write(JSON.stringify({wall:Number(process.hrtime.bigint()-t)/1e6,cpu:(d.user+d.system)/1e3}))})',
      b.file,
    ],
    { env: cleanEnv, encoding: 'utf8' },
  );
  return JSON.parse(out) as { wall: number; cpu: number };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

/** A bundle unzipped (or built) in `dir`; zipped next to it unless its packaged zip's size is given. */
async function bundleOf(
  label: string,
  dir: string,
  file: string,
  nodeOptions: string,
  zipBytes?: number,
): Promise<Bundle> {
  return {
    label,
    file,
    zipBytes: zipBytes ?? (await zipSize(dir, `${dirname(dir)}.zip`, nodeOptions !== '')),
    jsBytes: await jsBytes(dir),
    startBytes: await startBytes(file),
    nodeOptions,
  };
}

async function main(): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'bench-coldstart-'));
  try {
    const pkg = join(work, 'package');
    serverless(['package', '--package', pkg], STAGE);
    const custom = customEsbuild(STAGE);
    const options = await esbuildOptions(custom);
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
    const moduleOf = (handler: string) => handler.replace(/\.[^.]+$/, '');

    const bundles: Bundle[] = [];
    // Maps Node can find (a sourceMappingURL): external maps are not in the zip (serverless.yml).
    const packagedMaps = linksSourceMaps(options.sourcemap);
    const mapsOption = packagedMaps ? '--enable-source-maps' : '';
    // The baseline, only the S3 client, and the two references, each with the same esbuild options (entry
    // files, so that chunk naming and splitting work as for a function).
    const baseSrc = join(ROOT, '.bench', 'coldstart');
    await mkdir(baseSrc, { recursive: true });
    const references = [
      ['S3-only baseline', 's3only', S3_ONLY],
      ['S3 + middy + logger', 's3MiddyLogger', S3_MIDDY_LOGGER],
      ['S3 + middy + logger + parsing', 's3MiddyLoggerParse', S3_MIDDY_LOGGER_PARSE],
    ] as const;
    for (const [label, name, source] of references) {
      await writeFile(join(baseSrc, `${name}.ts`), source);
      const dir = join(work, name, 'functions');
      await build({ ...options, entryPoints: [join(baseSrc, `${name}.ts`)], outdir: dir });
      bundles.push(await bundleOf(label, dir, join(dir, `${name}.js`), mapsOption));
    }
    for (const f of functions) {
      const code = join(work, 'code', f.name);
      execFileSync('python3', ['-m', 'zipfile', '-e', join(pkg, f.zip), code]);
      const file = join(code, `${moduleOf(f.handler)}.js`);
      const zipBytes = (await stat(join(pkg, f.zip))).size;
      bundles.push(await bundleOf(`${f.name} (packaged)`, code, file, mapsOption, zipBytes));
    }
    // The same functions with the other source-map setting, built with the same options otherwise.
    const otherMaps = packagedMaps ? false : 'linked';
    for (const f of functions) {
      const dir = join(work, 'other', f.name, 'functions');
      const entry = join(ROOT, `${moduleOf(f.handler)}.ts`);
      await build({ ...options, sourcemap: otherMaps, entryPoints: [entry], outdir: dir });
      const file = join(dir, `${moduleOf(f.handler).split('/').pop()}.js`);
      const label = `${f.name} (${otherMaps ? 'with source maps' : 'without source maps'})`;
      bundles.push(await bundleOf(label, dir, file, otherMaps ? '--enable-source-maps' : ''));
    }

    const times = new Map<Bundle, { wall: number[]; cpu: number[] }>(
      bundles.map((b) => [b, { wall: [], cpu: [] }]),
    );
    const load = loadavg();
    for (let run = 0; run < RUNS; run++)
      for (const b of bundles) {
        const t = importMs(b);
        times.get(b)?.wall.push(t.wall);
        times.get(b)?.cpu.push(t.cpu);
      }
    const med = (b: Bundle, k: 'wall' | 'cpu') => median(times.get(b)?.[k] ?? []);
    const base = bundles[0] as Bundle;
    const kb = (n: number, digits = 0) => `${(n / 1024).toFixed(digits)} KiB`;
    const lines = [
      `esbuild options (serverless print custom.esbuild): ${JSON.stringify(custom)}`,
      `import: median of ${RUNS} fresh processes each, interleaved; ratios against the S3-only baseline`,
      `load average ${load.map((l) => l.toFixed(2)).join(' ')} at the start, ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')} at the end; node ${process.version}`,
      '',
      `${'bundle'.padEnd(34)} ${'zip'.padStart(11)} ${'js'.padStart(9)} ${'at start'.padStart(9)} ${'wall'.padStart(9)}  ratio ${'cpu'.padStart(9)}  ratio`,
      ...bundles.map((b) => {
        const [w, c] = [med(b, 'wall'), med(b, 'cpu')];
        return `${b.label.padEnd(34)} ${kb(b.zipBytes, 1).padStart(11)} ${kb(b.jsBytes).padStart(9)} ${kb(b.startBytes).padStart(9)} ${`${w.toFixed(1)} ms`.padStart(9)}  ${(w / med(base, 'wall')).toFixed(2)}x ${`${c.toFixed(1)} ms`.padStart(9)}  ${(c / med(base, 'cpu')).toFixed(2)}x${b.nodeOptions ? ` (${b.nodeOptions})` : ''}`;
      }),
      '',
      `zip bytes: ${bundles
        .filter((b) => b === base || b.label.endsWith('(packaged)'))
        .map((b) => `${b.label.replace(/ \(.*/, '')} ${b.zipBytes}`)
        .join(', ')}`,
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
