// The stack's HMAC signing key, made in moto's KMS (which implements GenerateMac/VerifyMac with real HMACs),
// for the packaged functions' ALERT_SIGNING_KEY_ARN; and the check a notifier makes.
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { checkAuthenticity, type Authenticity } from '../../../lib/authenticity';
import { kmsMessageMac } from '../../../lib/aws/messageMac';
import type { Moto } from '../../support/moto';
import { REGION } from './motoClients';

export interface SigningKey {
  arn: string;
  /** What a notifier holding the key says of a received machine message. */
  check(machineJson: string): Promise<Authenticity>;
}

export async function createSigningKey(moto: Moto): Promise<SigningKey> {
  const kms = new KMSClient({ endpoint: moto.url, region: REGION, maxAttempts: 2 });
  const out = await kms.send(new CreateKeyCommand({ KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' }));
  const arn = out.KeyMetadata!.Arn!;
  return {
    arn,
    check: (machineJson) =>
      checkAuthenticity(kmsMessageMac(kms, arn), JSON.parse(machineJson) as Record<string, unknown>),
  };
}
