// npm run trace -- <function> [trace.txt]      (the trace on standard input when no file is given)
//
// Maps a stack trace that a packaged function logged in CloudWatch back to the TypeScript. The zips carry no
// source maps (serverless.yml, custom.esbuild.sourcemap): this builds the function from this checkout with
// the very options serverless packages it with, source maps written next to the bundle, and rewrites each
// frame in one of its files (`/var/task/functions/check.chunk-XXXXXXXX.js:1:2345`) with the original file,
// line and column. esbuild's output depends only on its input, so run it on the deployed commit with the same
// dependencies (npm ci): a frame in a file this build does not produce is left as it is, and said so.
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { SourceMap, type SourceMapPayload } from 'node:module';
import { join, relative, resolve } from 'node:path';
import { text as readAll } from 'node:stream/consumers';
import { build } from 'esbuild';
import { ROOT, customEsbuild, esbuildOptions } from './esbuildOptions';

/** `functions/<name>.js:LINE:COLUMN` as Lambda prints it in a frame (file:///var/task/…, /var/task/…). */
const FRAME = /(?:file:\/\/)?[^\s()]*?functions\/([\w.-]+\.js):(\d+):(\d+)/g;

export interface MappedTrace {
  text: string;
  /** Files named in the trace that this build did not produce (another commit, other dependencies). */
  unknownFiles: string[];
}

/** The trace with every frame of the function's bundle mapped to its TypeScript source. */
export async function mapTrace(trace: string, fn: string, stage = 'prod'): Promise<MappedTrace> {
  if (!/^[A-Za-z][\w-]*$/.test(fn)) throw new Error(`not a function name: ${JSON.stringify(fn)}`);
  const custom = customEsbuild(stage);
  if (custom.sourcemap !== 'external')
    throw new Error(
      `custom.esbuild.sourcemap is ${JSON.stringify(custom.sourcemap)}: this maps external maps only`,
    );
  const options = await esbuildOptions(custom);
  // serverless-esbuild builds into .esbuild/.build/functions; a folder as deep under the checkout gives the
  // maps the same relative source paths, and so the chunks the same content hashes, hence the same names.
  await mkdir(join(ROOT, '.bench'), { recursive: true });
  const work = await mkdtemp(join(ROOT, '.bench', 'trace-'));
  try {
    const outdir = join(work, 'functions');
    await build({ ...options, absWorkingDir: ROOT, entryPoints: [`functions/${fn}.ts`], outdir });
    const maps = new Map<string, SourceMap | undefined>();
    const mapOf = async (file: string) => {
      if (!maps.has(file)) {
        const payload = await readFile(join(outdir, `${file}.map`), 'utf8').then(
          (text) => JSON.parse(text) as SourceMapPayload,
          () => undefined,
        );
        maps.set(file, payload && new SourceMap(payload));
      }
      return maps.get(file);
    };
    const unknownFiles = new Set<string>();
    let text = trace;
    for (const m of [...trace.matchAll(FRAME)].reverse()) {
      const [whole, file, line, column] = m as unknown as [string, string, string, string];
      const map = await mapOf(file);
      const origin = map?.findOrigin(Number(line), Number(column));
      if (!origin || !('fileName' in origin)) {
        if (!map) unknownFiles.add(file);
        continue;
      }
      const source = relative(ROOT, resolve(outdir, origin.fileName));
      const at = m.index as number;
      text = `${text.slice(0, at)}${source}:${origin.lineNumber}:${origin.columnNumber}${text.slice(at + whole.length)}`;
    }
    return { text, unknownFiles: [...unknownFiles] };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const [fn, file] = process.argv.slice(2);
  if (!fn)
    throw new Error(
      'usage: npm run trace -- <function: check | sweep | sweepPage | slackNotifier> [trace.txt]',
    );
  const trace = file ? await readFile(file, 'utf8') : await readAll(process.stdin);
  const { text, unknownFiles } = await mapTrace(trace, fn);
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  if (unknownFiles.length)
    process.stderr.write(
      `trace: not built from this checkout: ${unknownFiles.join(', ')} (check out the deployed commit and run npm ci)\n`,
    );
}

if (require.main === module)
  main().catch((err: unknown) => {
    process.stderr.write(`trace: ${(err as Error)?.message ?? String(err)}\n`);
    process.exitCode = 1;
  });
