// The README's quick start is `npm ci && npm run demo`: the demo must play every sample event to its expected
// status through the real check handler, against the loopback fake AWS it starts itself.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

describe('npm run demo', () => {
  it('brings every sample event to its expected status and exits 0', () => {
    const root = join(__dirname, '..', '..');
    const run = spawnSync(
      process.execPath,
      [join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'scripts/demo.ts'],
      {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, AWS_ENDPOINT_URL: '', NO_COLOR: '1' },
        timeout: 120_000,
      },
    );
    expect(run.stdout).not.toMatch(/^BAD /m);
    expect(run.stdout).toMatch(/All \d+ scenarios reached their expected status/);
    expect(run.status).toBe(0);
  }, 150_000);
});
