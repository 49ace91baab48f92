// Malformed manual input, through the handler, the CLI's main() and the built bin: a clear message and a
// non-zero exit (or an invalid-input report), never a stack trace, never an AWS call for a bad name.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../lib/cli/main';
import type { Report } from '../../lib/domain/types';
import { startFakeAws, type FakeAws } from '../support/fakeAws';
import { loadCheckHandler, type CheckHandler } from '../support/checkHandler';
import { lambdaContext } from '../support/lambdaContext';
import { EVENTS_DIR, resetToSampleBuckets } from '../support/scenarios';

const execFileP = promisify(execFile);
const ROOT = join(__dirname, '..', '..');
const STACK_FRAME = /\n\s+at .+[:(]\d+/;

let fake: FakeAws;
let dir: string;
let handler: CheckHandler;

beforeAll(async () => {
  fake = await startFakeAws();
  handler = await loadCheckHandler(fake, {
    ALERT_TOPIC_ARN: 'arn:aws:sns:eu-west-1:111122223333:mfa-delete-guard-manual',
  });
  dir = mkdtempSync(join(tmpdir(), 'manual-input-'));
  writeFileSync(join(dir, 'not-json.json'), '{"detail-type": "AWS API Call via CloudTrail", "detail": {');
  writeFileSync(join(dir, 'empty.json'), '');
  writeFileSync(join(dir, 'manual.json'), '{"bucket": "example-bucket"}');
  writeFileSync(join(dir, 'array.json'), '[1, 2, 3]');
  writeFileSync(join(dir, 'binary.json'), Buffer.from([0xff, 0xfe, 0x00, 0x1b, 0x5b, 0x33, 0x31, 0x6d]));
  const sample = readFileSync(join(EVENTS_DIR, 'cloudtrail-mfa-delete-disabled.json'), 'utf8');
  writeFileSync(
    join(dir, 'bad-bucket.json'),
    sample.replace('"bucketName": "example-bucket"', '"bucketName": "x;touch /tmp/pwned"'),
  );
  mkdirSync(join(dir, 'a-directory.json'));
  // The built bin, exactly as npm installs it.
  await execFileP('npm', ['run', '--silent', 'prepare'], { cwd: ROOT, timeout: 120_000 });
}, 180_000);

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await fake.close();
});

beforeEach(() => {
  resetToSampleBuckets(fake);
});

describe('malformed manual invocations of the handler', () => {
  const cases: Array<[string, unknown, RegExp]> = [
    ['an empty object', {}, /no bucket named/],
    ['null', null, /expected/i],
    ['a string', 'example-bucket', /expected/i],
    ['an array', ['example-bucket'], /expected/i],
    ['a number as bucket', { bucket: 42 }, /^bucket: .*string/i],
    ['a string as buckets', { buckets: 'a,b' }, /^buckets: /],
    ['an unknown key', { bucket: 'example-bucket', bukcet: 'x' }, /unknown key "bukcet"/],
    ['a non-boolean dryRun', { bucket: 'example-bucket', dryRun: 'yes' }, /^dryRun: /],
    ['all with a bucket', { all: true, bucket: 'example-bucket' }, /"all" cannot be combined/],
    [
      'a bad region',
      { bucket: 'example-bucket', region: 'mars-1;ls' },
      /region "mars-1;ls" is not an AWS Region/,
    ],
    ['too many buckets', { buckets: Array.from({ length: 1001 }, (_, i) => `b-${i}`) }, /1000/],
  ];

  it.each(cases)(
    '%s: invalid-input with a clear reason, nothing called, nothing published',
    async (_n, input, reason) => {
      const report = await handler(input, lambdaContext());
      expect(report.results).toHaveLength(1);
      expect(report.results[0]).toMatchObject({ status: 'invalid-input', alerted: false });
      expect(report.results[0]?.reason).toMatch(reason);
      expect(fake.requests).toHaveLength(0);
    },
  );

  it('a hostile bucket name in a list is its own invalid-input result; the others are still checked', async () => {
    const report = await handler(
      { buckets: ['x;touch /tmp/pwned', 'example-vault'], region: 'eu-west-1' },
      lambdaContext(),
    );
    expect(report.results.map((r) => r.status)).toEqual(['invalid-input', 'compliant']);
    expect(report.results[0]?.reason).toContain("may contain only lowercase letters, digits, '.' and '-'");
    expect(fake.requests.every((r) => !r.path.includes('touch'))).toBe(true);
  });
});

async function cli(args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(
    args,
    { AWS_ENDPOINT_URL: fake.url, AWS_REGION: 'eu-west-1', AWS_ACCOUNT_ID: '111122223333' },
    { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), isTTY: false },
  );
  return { code, stdout, stderr };
}

const CLI_CASES: Array<[string, string[], RegExp]> = [
  ['an unknown command', ['chek'], /unknown command "chek"/],
  ['an unknown option', ['check', '--buckt', 'x'], /Unknown option '--buckt'/],
  ['no source', ['check'], /give exactly one of --bucket, --event, --all or --test/],
  ['two sources', ['check', '--all', '--bucket', 'a-b-c'], /give exactly one of/],
  ['a missing option value', ['check', '--bucket'], /argument missing/],
  ['a bad scope', ['check', '--all', '--scope', 'everything'], /--scope must be "configured" or "all"/],
  ['a bad concurrency', ['check', '--all', '--concurrency', '0'], /--concurrency must be a whole number/],
  ['a bad account', ['check', '--bucket', 'a-b-c', '--account', '12345'], /--account must be a 12-digit/],
  ['a bad region', ['check', '--bucket', 'a-b-c', '--region', 'eu west 1'], /is not an AWS Region/],
  ['a positional argument', ['check', '--bucket', 'a-b-c', 'extra'], /positional/i],
];

const EVENT_FILE_CASES: Array<[string, string, RegExp]> = [
  ['a missing file', 'does-not-exist.json', /cannot read --event .*ENOENT/],
  ['a directory', 'a-directory.json', /cannot read --event .*EISDIR/],
  ['truncated JSON', 'not-json.json', /is not JSON/],
  ['an empty file', 'empty.json', /is not JSON/],
  ['binary junk', 'binary.json', /is not JSON/],
  ['a manual invocation', 'manual.json', /is not a CloudTrail PutBucketVersioning event/],
  ['a JSON array', 'array.json', /expected|not a CloudTrail/i],
  ['a hostile bucket name', 'bad-bucket.json', /bucket name "x;touch \/tmp\/pwned" may contain only/],
];

describe('malformed CLI input through main()', () => {
  it.each(CLI_CASES)('%s: exit 2, a clear message, no stack trace', async (_n, args, message) => {
    const { code, stdout, stderr } = await cli(args);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr).toMatch(/^mfa-delete-guard: /);
    expect(stderr).not.toMatch(STACK_FRAME);
    expect(stdout).toBe('');
    expect(fake.requests).toHaveLength(0);
  });

  it.each(EVENT_FILE_CASES)(
    '--event with %s: exit 2, a clear message, no stack trace',
    async (_n, name, message) => {
      const { code, stderr } = await cli(['check', '--event', join(dir, name)]);
      expect(code).toBe(2);
      expect(stderr).toMatch(message);
      expect(stderr).not.toMatch(STACK_FRAME);
      expect(fake.requests).toHaveLength(0);
    },
  );

  it('a hostile --bucket is reported invalid (exit 2) and never sent to S3', async () => {
    const { code, stdout, stderr } = await cli([
      'check',
      '--bucket',
      '$(touch /tmp/pwned)',
      '--region',
      'eu-west-1',
    ]);
    expect(code).toBe(2);
    expect(stdout + stderr).toContain('invalid-input');
    expect(stdout + stderr).not.toMatch(STACK_FRAME);
    expect(fake.requests).toHaveLength(0);
  });
});

describe('malformed CLI input through the built bin (node dist/cli.cjs)', () => {
  async function bin(args: string[]) {
    try {
      const { stdout, stderr } = await execFileP('node', [join(ROOT, 'dist', 'cli.cjs'), ...args], {
        env: {
          PATH: process.env.PATH,
          AWS_ENDPOINT_URL: fake.url,
          AWS_REGION: 'eu-west-1',
          AWS_ACCOUNT_ID: '111122223333',
          AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
          AWS_SECRET_ACCESS_KEY: 'fake',
        },
        timeout: 30_000,
      });
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  }

  it.each([...CLI_CASES.slice(0, 4), CLI_CASES[6] as (typeof CLI_CASES)[number]])(
    '%s: exit 2 and a message',
    async (_n, args, message) => {
      const { code, stderr } = await bin(args);
      expect(code).toBe(2);
      expect(stderr).toMatch(message);
      expect(stderr).not.toMatch(STACK_FRAME);
    },
  );

  it.each(EVENT_FILE_CASES.slice(0, 5))(
    '--event with %s: exit 2 and a message',
    async (_n, name, message) => {
      const { code, stderr } = await bin(['check', '--event', join(dir, name)]);
      expect(code).toBe(2);
      expect(stderr).toMatch(message);
      expect(stderr).not.toMatch(STACK_FRAME);
    },
  );

  it('a good event still works through the same bin (the failures above are not a broken build)', async () => {
    const { code, stdout } = await bin([
      'check',
      '--event',
      join(EVENTS_DIR, 'cloudtrail-mfa-delete-disabled.json'),
      '--json',
    ]);
    expect(code).toBe(1);
    expect((JSON.parse(stdout) as Report).results[0]?.status).toBe('drift');
  });
});
