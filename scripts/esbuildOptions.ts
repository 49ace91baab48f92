// The esbuild options serverless-esbuild builds each function with: `custom.esbuild` as `serverless print`
// resolves it, less serverless-esbuild's own keys, with the plugins file it names loaded. For the scripts that
// rebuild a function as it was packaged (bench-coldstart.ts, trace.ts).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BuildOptions, Plugin } from 'esbuild';

export const ROOT = join(__dirname, '..');
const SERVERLESS = join(ROOT, 'node_modules', '.bin', 'serverless');

/** Environment for serverless and for timed processes: no extra CA bundle, no NODE_OPTIONS, no telemetry. */
export const cleanEnv = (() => {
  const { NODE_EXTRA_CA_CERTS: _ca, NODE_OPTIONS: _no, ...rest } = process.env;
  return { ...rest, AWS_REGION: rest.AWS_REGION ?? 'us-east-1', SLS_TELEMETRY_DISABLED: '1' };
})();

export function serverless(args: string[], stage: string): string {
  return execFileSync(SERVERLESS, [...args, '--stage', stage], {
    cwd: ROOT,
    env: cleanEnv,
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
}

// serverless-esbuild's own options, which esbuild does not take (its `exclude` is esbuild's `external`).
const PLUGIN_ONLY = new Set([
  'concurrency',
  'zipConcurrency',
  'exclude',
  'nativeZip',
  'packager',
  'packagePath',
  'watch',
  'keepOutputDirectory',
  'packagerOptions',
  'installExtraArgs',
  'outputFileExtension',
  'outputBuildFolder',
  'outputWorkFolder',
  'nodeExternals',
  'skipBuild',
  'skipRebuild',
  'skipBuildExcludeFns',
  'stripEntryResolveExtensions',
  'disposeContext',
  'config',
  'plugins',
]);

/** `custom.esbuild` as serverless resolves it for `stage`. */
export function customEsbuild(stage: string): Record<string, unknown> {
  return JSON.parse(serverless(['print', '--format', 'json', '--path', 'custom.esbuild'], stage)) as Record<
    string,
    unknown
  >;
}

/** serverless-esbuild's options as esbuild takes them. */
export async function esbuildOptions(custom: Record<string, unknown>): Promise<BuildOptions> {
  const options = Object.fromEntries(Object.entries(custom).filter(([k]) => !PLUGIN_ONLY.has(k)));
  const plugins =
    typeof custom.plugins === 'string'
      ? ((await import(pathToFileURL(join(ROOT, custom.plugins)).href)) as { default: Plugin[] }).default
      : undefined;
  return {
    ...(options as BuildOptions),
    external: (custom.exclude as string[] | undefined) ?? [],
    ...(plugins && { plugins }),
    logLevel: 'error',
  };
}

/** Whether a bundle built with these options points Node at its source maps (a sourceMappingURL comment). */
export const linksSourceMaps = (sourcemap: BuildOptions['sourcemap']) =>
  sourcemap === true || sourcemap === 'linked' || sourcemap === 'inline' || sourcemap === 'both';
