// `npm run fake-aws` as a person runs it: a bad or taken port is one line and exit 2, never a stack trace.
import { spawn, spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The script under Node with tsx's loader, as `npm run fake-aws` runs it (without npx in between, so that
// SIGTERM reaches the script itself).
const ARGV = ['--import', 'tsx', 'scripts/fake-aws.ts'];
const script = (args: string[]) =>
  spawnSync(process.execPath, [...ARGV, ...args], { encoding: 'utf8', timeout: 60_000 });

let taken: Server;
let takenPort: number;
beforeAll(async () => {
  taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  takenPort = (taken.address() as AddressInfo).port;
});
afterAll(() => new Promise((resolve) => taken.close(resolve)));

describe('scripts/fake-aws.ts', () => {
  it.each([
    [['--port', 'abc'], /^fake-aws: --port must be a whole number from 1 to 65535, not "abc"\n$/],
    [['--port', '70000'], /^fake-aws: --port must be a whole number from 1 to 65535, not "70000"\n$/],
    [['--port'], /^fake-aws: --port must be a whole number from 1 to 65535, not ""\n$/],
    [['--prot', '1'], /^fake-aws: unknown argument "--prot" \(usage: npm run fake-aws -- --port N\)\n$/],
  ])('%j: one line, exit 2', (args, message) => {
    const { status, stdout, stderr } = script(args);
    expect(status).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
  });

  it('a taken port (EADDRINUSE): one line naming the port, exit 2', () => {
    const { status, stderr } = script(['--port', String(takenPort)]);
    expect(status).toBe(2);
    expect(stderr).toBe(
      `fake-aws: port ${takenPort} is already in use (another fake AWS or LocalStack?); choose one with --port N\n`,
    );
  });

  it('a free port: serves the sample buckets there and stops cleanly on SIGTERM', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const child = spawn(process.execPath, [...ARGV, `--port=${port}`], { stdio: 'pipe' });
    let stdout = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (c: Buffer) => {
        stdout += c.toString();
        if (stdout.includes('\n')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`exited early with ${code}`)));
    });
    expect(stdout).toMatch(
      new RegExp(`^fake AWS on http://127\\.0\\.0\\.1:${port} with \\d+ sample buckets`),
    );
    const listing = await fetch(`http://127.0.0.1:${port}/`, {
      headers: {
        authorization: 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/eu-west-1/s3/aws4_request',
      },
    });
    expect(await listing.text()).toContain('<ListAllMyBucketsResult');
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
