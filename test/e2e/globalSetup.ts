// Package the service once for the whole e2e run, into a temporary folder that is removed afterwards.
// The suite never reuses a `.serverless/` left by someone else: it tests the artefact it built itself.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { packageService } from './support/package';
import { missingTools } from './support/tools';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Folder with the packaged template, the zip, and the unzipped function under `code/`. */
    packageDir: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const missing = missingTools();
  if (missing.length) {
    // One line per tool, no stack trace: the message is the whole diagnosis.
    process.stderr.write(missing.map((m) => `e2e: ${m}\n`).join(''));
    process.exit(1);
  }
  const dir = await mkdtemp(join(tmpdir(), 'mfa-delete-guard-e2e-package-'));
  const started = Date.now();
  try {
    await packageService(dir);
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  console.log(`e2e: serverless package --stage prod in ${Date.now() - started} ms -> ${dir}`);
  project.provide('packageDir', dir);
  return async () => {
    await rm(dir, { recursive: true, force: true });
  };
}
