import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it, expect } from 'vitest';
import { MAX_MANUAL_BUCKETS, parseInvocation, type Invocation } from '../../lib/domain/parseInvocation';

const EVENTS_DIR = fileURLToPath(new URL('../../events/', import.meta.url));
const load = (file: string): unknown => JSON.parse(readFileSync(`${EVENTS_DIR}${file}`, 'utf8'));

function invalidReason(inv: Invocation): string {
  if (inv.kind !== 'invalid') throw new Error(`expected invalid, got ${JSON.stringify(inv)}`);
  expect(inv.reason.length).toBeGreaterThan(0);
  return inv.reason;
}

describe('manual invocations', () => {
  it('{bucket}', () => {
    expect(parseInvocation({ bucket: 'example-bucket' })).toEqual({
      kind: 'manual',
      buckets: ['example-bucket'],
      region: undefined,
      dryRun: false,
    });
    expect(parseInvocation(load('manual-bucket.json'))).toEqual(
      parseInvocation({ bucket: 'example-bucket' }),
    );
  });

  it('{buckets}, deduplicated in order', () => {
    expect(parseInvocation({ buckets: ['b-one', 'a-two', 'b-one', 'c-three', 'a-two'] })).toEqual({
      kind: 'manual',
      buckets: ['b-one', 'a-two', 'c-three'],
      region: undefined,
      dryRun: false,
    });
  });

  it('{bucket, buckets} together, deduplicated', () => {
    expect(parseInvocation({ bucket: 'a-two', buckets: ['b-one', 'a-two'] })).toMatchObject({
      kind: 'manual',
      buckets: ['a-two', 'b-one'],
    });
  });

  it('dryRun from the sample file', () => {
    expect(parseInvocation(load('manual-buckets-dry-run.json'))).toEqual({
      kind: 'manual',
      buckets: ['example-bucket', 'example-archive', 'example-guarded'],
      region: undefined,
      dryRun: true,
    });
  });

  it('dryRun false and true', () => {
    expect(parseInvocation({ bucket: 'x-bucket', dryRun: false })).toMatchObject({ dryRun: false });
    expect(parseInvocation({ bucket: 'x-bucket', dryRun: true })).toMatchObject({ dryRun: true });
  });

  it('a valid region is kept', () => {
    expect(parseInvocation({ bucket: 'x-bucket', region: 'us-gov-west-1' })).toMatchObject({
      kind: 'manual',
      region: 'us-gov-west-1',
    });
  });

  it.each(['eu-west', 'EU-WEST-1', 'eu-west-1; id', '', 'x'.repeat(64)])(
    'rejects the region %j',
    (region) => {
      expect(invalidReason(parseInvocation({ bucket: 'x-bucket', region }))).toMatch(/is not an AWS Region/);
    },
  );

  it('rejects a region longer than 64 characters', () => {
    expect(invalidReason(parseInvocation({ bucket: 'x-bucket', region: 'r'.repeat(65) }))).toMatch(/region/);
  });

  it('escapes a bidi character in a bad region', () => {
    const reason = invalidReason(parseInvocation({ bucket: 'x-bucket', region: 'eu-west-1\u202e' }));
    expect(reason).not.toContain('\u202e');
    expect(reason).toContain('\\u202e');
  });

  it('does not validate bucket names: each becomes its own result later', () => {
    expect(parseInvocation({ buckets: ['ok-bucket', 'BAD;name'] })).toMatchObject({
      kind: 'manual',
      buckets: ['ok-bucket', 'BAD;name'],
    });
  });

  it(`accepts ${MAX_MANUAL_BUCKETS} buckets and rejects more`, () => {
    expect(MAX_MANUAL_BUCKETS).toBe(1000);
    const names = Array.from({ length: 1000 }, (_, i) => `bucket-${i}`);
    const ok = parseInvocation({ buckets: names });
    expect(ok.kind).toBe('manual');
    if (ok.kind === 'manual') expect(ok.buckets).toHaveLength(1000);
    expect(invalidReason(parseInvocation({ buckets: [...names, 'bucket-1000'] }))).toMatch(/buckets/);
  });

  it('rejects 1000 buckets plus one more in "bucket"', () => {
    const names = Array.from({ length: 1000 }, (_, i) => `bucket-${i}`);
    expect(invalidReason(parseInvocation({ bucket: 'bucket-extra', buckets: names }))).toMatch(
      /at most 1000/,
    );
    // Duplicates do not count twice.
    expect(parseInvocation({ bucket: 'bucket-0', buckets: names }).kind).toBe('manual');
  });

  it('rejects an over-long bucket string', () => {
    expect(parseInvocation({ bucket: 'b'.repeat(1025) }).kind).toBe('invalid');
  });
});

describe('{all: true}', () => {
  it('is a manual sweep', () => {
    expect(parseInvocation({ all: true })).toEqual({ kind: 'sweep', dryRun: false, scheduled: false });
    expect(parseInvocation(load('manual-all.json'))).toEqual({
      kind: 'sweep',
      dryRun: false,
      scheduled: false,
    });
    expect(parseInvocation({ all: true, dryRun: true })).toEqual({
      kind: 'sweep',
      dryRun: true,
      scheduled: false,
    });
  });

  it('cannot be combined with bucket or buckets', () => {
    expect(invalidReason(parseInvocation({ all: true, bucket: 'x-bucket' }))).toMatch(
      /"all" cannot be combined/,
    );
    expect(invalidReason(parseInvocation({ all: true, buckets: ['x-bucket'] }))).toMatch(
      /"all" cannot be combined/,
    );
  });

  it('still checks the region', () => {
    expect(parseInvocation({ all: true, region: 'nowhere' }).kind).toBe('invalid');
  });

  it('{all: false} alone names no bucket', () => {
    expect(invalidReason(parseInvocation({ all: false }))).toMatch(/no bucket named/);
  });
});

describe('invalid manual input', () => {
  it.each([
    ['null', null],
    ['undefined', undefined],
    ['a number', 42],
    ['a string', 'example-bucket'],
    ['an array', ['example-bucket']],
    ['a boolean', true],
  ])('%s', (_name, input) => {
    expect(() => parseInvocation(input)).not.toThrow();
    expect(invalidReason(parseInvocation(input))).toMatch(/expected a CloudTrail PutBucketVersioning event/);
  });

  it('an empty object names no bucket', () => {
    expect(invalidReason(parseInvocation({}))).toMatch(/^no bucket named/);
    expect(invalidReason(parseInvocation({ buckets: [] }))).toMatch(/^no bucket named/);
  });

  it('rejects unknown keys, and names them', () => {
    const reason = invalidReason(parseInvocation({ bucket: 'x-bucket', Bucket: 'y' }));
    expect(reason).toContain('"Bucket"');
    expect(reason).toMatch(/unknown key/);
    expect(invalidReason(parseInvocation({ bucket: 'x-bucket', dry_run: true }))).toContain('"dry_run"');
  });

  it('escapes caller-chosen key names', () => {
    const reason = invalidReason(parseInvocation({ bucket: 'x-bucket', 'k\u202e\u001b[2J': 1 }));
    // eslint-disable-next-line no-control-regex -- looking for control characters is the point
    expect(reason).not.toMatch(/[\u001b\u202e]/);
  });

  it.each([
    ['bucket a number', { bucket: 5 }, /bucket/],
    ['buckets a string', { buckets: 'example-bucket' }, /buckets/],
    ['a bucket in buckets a number', { buckets: ['ok', 7] }, /buckets\.1/],
    ['all a string', { all: 'true' }, /all/],
    ['dryRun a string', { bucket: 'x-bucket', dryRun: 'yes' }, /dryRun/],
    ['region a number', { bucket: 'x-bucket', region: 1 }, /region/],
  ])('rejects %s', (_name, input, where) => {
    expect(invalidReason(parseInvocation(input))).toMatch(where);
  });
});

describe('EventBridge events', () => {
  it('a scheduled event is a sweep', () => {
    expect(parseInvocation(load('scheduled-sweep.json'))).toEqual({
      kind: 'sweep',
      dryRun: false,
      scheduled: true,
    });
  });

  it('a scheduled event from another source is not a sweep', () => {
    const event = load('scheduled-sweep.json') as Record<string, unknown>;
    expect(parseInvocation({ ...event, source: 'com.example' }).kind).toBe('ignored');
  });

  it('a CloudTrail PutBucketVersioning event becomes an event invocation', () => {
    const inv = parseInvocation(load('cloudtrail-mfa-delete-disabled.json'));
    expect(inv.kind).toBe('event');
    if (inv.kind === 'event') {
      expect(inv.record.bucket).toBe('example-bucket');
      expect(inv.record.requested).toEqual({ status: 'Enabled', mfaDelete: 'Disabled' });
    }
  });

  it('passes through ignored and invalid CloudTrail events', () => {
    expect(parseInvocation(load('cloudtrail-not-versioning.json')).kind).toBe('ignored');
    const invalid = parseInvocation(load('cloudtrail-invalid-bucket.json'));
    expect(invalid).toMatchObject({ kind: 'invalid', account: '111122223333', region: 'eu-west-1' });
  });

  it('an event-shaped object without detail is invalid, not manual', () => {
    const inv = parseInvocation({ source: 'aws.s3', 'detail-type': 'AWS API Call via CloudTrail' });
    expect(inv.kind).toBe('invalid');
  });
});
