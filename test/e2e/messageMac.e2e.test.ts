/**
 * The KMS MAC adapter against moto_server's KMS, a second implementation besides the loopback fake:
 * an HMAC_256 key made with CreateKey, messages signed with GenerateMac and checked with VerifyMac, a MAC
 * from another key refused with KMSInvalidMacException, a key of the wrong usage refused.
 */
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkAuthenticity, signMachine } from '../../lib/authenticity';
import { kmsMessageMac } from '../../lib/aws/messageMac';
import { startMoto, type Moto } from '../support/moto';

let moto: Moto;
let kms: KMSClient;

async function hmacKey(): Promise<string> {
  const out = await kms.send(new CreateKeyCommand({ KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' }));
  return out.KeyMetadata!.Arn!;
}

beforeAll(async () => {
  moto = await startMoto();
  kms = new KMSClient({ endpoint: moto.url, region: 'eu-west-1', maxAttempts: 1 });
});
afterAll(() => moto.stop());

const machine = { source: 'mfa-delete-guard', result: { bucket: 'example-bucket', status: 'drift' } };

describe('message signing against moto KMS', () => {
  it('a message signed with the key verifies; a changed one does not', async () => {
    const mac = kmsMessageMac(kms, await hmacKey());
    const signed = JSON.parse(JSON.stringify(await signMachine(mac, machine))) as Record<string, unknown>;
    await expect(checkAuthenticity(mac, signed)).resolves.toEqual({ verdict: 'genuine' });
    const changed = { ...signed, result: { bucket: 'other-bucket', status: 'drift' } };
    await expect(checkAuthenticity(mac, changed)).resolves.toEqual({
      verdict: 'unverified',
      reason: 'mac-mismatch',
    });
  });

  it('a MAC made with another HMAC key is a mismatch', async () => {
    const forged = await signMachine(kmsMessageMac(kms, await hmacKey()), machine);
    await expect(checkAuthenticity(kmsMessageMac(kms, await hmacKey()), forged)).resolves.toEqual({
      verdict: 'unverified',
      reason: 'mac-mismatch',
    });
  });

  it('a key that is not an HMAC key cannot sign', async () => {
    const out = await kms.send(
      new CreateKeyCommand({ KeySpec: 'SYMMETRIC_DEFAULT', KeyUsage: 'ENCRYPT_DECRYPT' }),
    );
    await expect(signMachine(kmsMessageMac(kms, out.KeyMetadata!.Arn!), machine)).rejects.toMatchObject({
      name: 'InvalidKeyUsageException',
    });
  });
});
