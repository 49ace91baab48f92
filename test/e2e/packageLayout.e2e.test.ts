/**
 * What each function's zip holds, as `serverless package` built it: its own handler and chunks, and nothing of
 * another function (scripts/esbuild-plugins.cjs names each build's chunks after its handler); ES modules by
 * their package.json; no source maps (npm run trace rebuilds them); and the check function within the size
 * issue 11 set for it (250 KB). Every handler file imports: its static chunks are all there.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, inject, it } from 'vitest';
import { codeDir, loadTemplate } from './support/package';

const run = promisify(execFile);

const functionsOf = (packageDir: string) =>
  Object.entries(loadTemplate(packageDir).Resources)
    .filter(([, r]) => r.Type === 'AWS::Lambda::Function')
    .map(([, r]) => {
      const handler = String(r.Properties?.Handler);
      const zip = String((r.Properties?.Code as { S3Key: string }).S3Key)
        .split('/')
        .pop() as string;
      return { handler, zip, module: handler.replace(/\.[^.]+$/, '') };
    })
    .filter((f) => f.handler.startsWith('functions/'));

describe('the packaged zips', () => {
  const packageDir = inject('packageDir');
  const functions = functionsOf(packageDir);

  it('hold each function its own files only, as ES modules, without source maps', () => {
    expect(functions.map((f) => f.module).sort()).toEqual(
      ['functions/check', 'functions/slackNotifier', 'functions/sweep', 'functions/sweepPage'].sort(),
    );
    for (const f of functions) {
      const dir = join(codeDir(packageDir, f.zip), 'functions');
      const files = readdirSync(dir);
      const name = f.module.split('/').pop() as string;
      expect(files).toContain(`${name}.js`);
      expect(files.filter((file) => file !== 'package.json' && !file.startsWith(`${name}.`))).toEqual([]);
      expect(files.filter((file) => file.endsWith('.map'))).toEqual([]);
      expect(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))).toEqual({ type: 'module' });
    }
  });

  it('keep the check function within 250 KB', () => {
    const check = functions.find((f) => f.module === 'functions/check');
    expect(statSync(join(packageDir, check!.zip)).size).toBeLessThanOrEqual(250_000);
  });

  it('load every handler with its static chunks, in a fresh process', async () => {
    for (const f of functions) {
      const file = join(codeDir(packageDir, f.zip), `${f.module}.js`);
      const { stdout } = await run(process.execPath, [
        '--input-type=module',
        '-e',
        `const m = await import(${JSON.stringify(pathToFileURL(file).href)}); process.stdout.write(typeof m.handler)`,
      ]);
      expect(stdout).toBe('function');
    }
  });
});
