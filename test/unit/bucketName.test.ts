import { describe, it, expect } from 'vitest';
import { checkBucketName, describe as describeText, isValidBucketName } from '../../lib/domain/bucketName';

const reasonOf = (name: unknown, region?: string): string => {
  const check = checkBucketName(name, region);
  if (check.valid) throw new Error(`expected ${String(name)} to be invalid`);
  return check.reason;
};

describe('checkBucketName', () => {
  it.each([
    'example-bucket',
    'abc',
    'a.b.c',
    '123',
    'my-bucket-2026',
    'logs.example.com',
    '1-2-3-4',
    'a'.repeat(63),
    'xn-single-dash',
    'x--ol-s3-not-at-end',
    'three.dots.in.a.row.but.single',
  ])('accepts %j', (name) => {
    expect(checkBucketName(name)).toEqual({ valid: true });
    expect(isValidBucketName(name)).toBe(true);
  });

  it('accepts exactly 63 characters and rejects 64', () => {
    expect(isValidBucketName('b'.repeat(63))).toBe(true);
    expect(reasonOf('b'.repeat(64))).toMatch(/3 to 63 characters/);
  });

  it.each(['', 'a', 'ab'])('rejects the too-short name %j', (name) => {
    expect(reasonOf(name)).toMatch(/3 to 63 characters/);
  });

  it.each([
    ['Upper', /lowercase letters/],
    ['under_score', /lowercase letters/],
    ['space here', /lowercase letters/],
    ['semi;colon', /lowercase letters/],
    ['dollar$(id)', /lowercase letters/],
    ['back`tick`', /lowercase letters/],
    ["quote'd", /lowercase letters/],
    ['new\nline', /lowercase letters/],
    ['uni\u00e9code', /lowercase letters/],
  ])('rejects the character set of %j', (name, reason) => {
    expect(reasonOf(name)).toMatch(reason);
  });

  it.each(['-abc', 'abc-', '.abc', 'abc.'])('rejects %j, which does not begin and end with alnum', (name) => {
    expect(reasonOf(name)).toMatch(/begin and end with a letter or digit/);
  });

  it('rejects two adjacent periods', () => {
    expect(reasonOf('my..bucket')).toMatch(/'\.\.'/);
  });

  it.each(['192.168.5.4', '10.0.0.1', '999.999.999.999'])('rejects the IP-formatted %j', (name) => {
    expect(reasonOf(name)).toMatch(/IP address/);
  });

  it('accepts a dotted name that is not four numeric labels', () => {
    expect(isValidBucketName('192.168.5.4.5')).toBe(true);
    expect(isValidBucketName('192.168.5')).toBe(true);
    expect(isValidBucketName('192.168.5.a')).toBe(true);
  });

  it.each(['xn--', 'sthree-', 'amzn-s3-demo-'])('rejects the reserved prefix %j', (prefix) => {
    const reason = reasonOf(`${prefix}bucket`);
    expect(reason).toMatch(/reserved prefix/);
    expect(reason).toContain(`'${prefix}'`);
  });

  it('rejects sthree-configurator (covered by the sthree- prefix)', () => {
    expect(reasonOf('sthree-configurator-x')).toMatch(/reserved prefix 'sthree-'/);
  });

  it.each(['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3'])(
    'rejects the reserved suffix %j',
    (suffix) => {
      const reason = reasonOf(`bucket${suffix}`);
      expect(reason).toMatch(/reserved suffix/);
      expect(reason).toContain(`'${suffix}'`);
    },
  );

  describe('legacy us-east-1 names', () => {
    it.each(['Legacy_Bucket', 'UPPER', 'with_underscore', 'Mixed.Case-Name'])(
      'accepts %j in us-east-1 only',
      (name) => {
        expect(isValidBucketName(name, 'us-east-1')).toBe(true);
        expect(isValidBucketName(name, 'eu-west-1')).toBe(false);
        expect(isValidBucketName(name)).toBe(false);
      },
    );

    it('accepts a legacy name up to 255 characters in us-east-1, not 256', () => {
      expect(isValidBucketName('a'.repeat(255), 'us-east-1')).toBe(true);
      expect(isValidBucketName('a'.repeat(256), 'us-east-1')).toBe(false);
      expect(isValidBucketName('a'.repeat(64), 'us-west-2')).toBe(false);
    });

    it.each(['bad;name', 'sp ace', 'dollar$x', '_leading', 'trailing_', 'x'])(
      'still rejects %j in us-east-1',
      (name) => {
        expect(isValidBucketName(name, 'us-east-1')).toBe(false);
      },
    );
  });

  it.each([undefined, null, 42, {}, ['example-bucket'], true])('rejects the non-string %j', (name) => {
    expect(checkBucketName(name)).toEqual({ valid: false, reason: 'bucket name is not a string' });
    expect(isValidBucketName(name)).toBe(false);
  });

  it('quotes the name in the reason, JSON-escaped and bounded', () => {
    const reason = reasonOf(`a\nb${'c'.repeat(200)}`);
    expect(reason).not.toContain('\n');
    expect(reason).toContain('"a\\nb');
    expect(reason.length).toBeLessThan(200);
  });
});

describe('describe', () => {
  it('JSON-quotes short text unchanged', () => {
    expect(describeText('example')).toBe('"example"');
  });

  it('cuts text longer than 80 characters', () => {
    const out = describeText('x'.repeat(200));
    expect(out).toBe(`"${'x'.repeat(80)}…"`);
  });

  it('escapes C0 controls', () => {
    expect(describeText('a\u0000b\u001bc')).toBe('"a\\u0000b\\u001bc"');
  });

  it.each([
    ['\u202e', '\\u202e'],
    ['\u2066', '\\u2066'],
    ['\u200b', '\\u200b'],
    ['\u061c', '\\u061c'],
    ['\u009b', '\\u009b'],
    ['\u007f', '\\u007f'],
    ['\u2028', '\\u2028'],
    ['\ufeff', '\\ufeff'],
  ])('escapes the invisible or bidi character %j', (ch, escaped) => {
    const out = describeText(`a${ch}b`);
    expect(out).toBe(`"a${escaped}b"`);
    expect(out).not.toContain(ch);
  });

  it('leaves ordinary non-ASCII letters alone', () => {
    expect(describeText('café')).toBe('"café"');
  });
});
