// KMS GenerateMac / VerifyMac with the guard's HMAC key (KeySpec HMAC_256, KeyUsage GENERATE_VERIFY_MAC).
// The publishing roles may only generate, the notifier roles may only verify (key policy, resources/).
// https://docs.aws.amazon.com/kms/latest/APIReference/API_GenerateMac.html
// https://docs.aws.amazon.com/kms/latest/APIReference/API_VerifyMac.html
import { GenerateMacCommand, KMSClient, VerifyMacCommand } from '@aws-sdk/client-kms';
import { clientDefaults } from './clientDefaults';
import {
  MAC_ALGORITHM,
  MAC_BYTES,
  hasMachineCopy,
  machineCopyOf,
  signingDigest,
  withMachineCopy,
  withSignature,
} from '../domain/signedMessage';
import type { SnsMessage } from './publishAlert';

/** MACs a 32-byte digest; answers whether a MAC is KMS's for that digest. */
export interface MessageMac {
  generate(digest: Uint8Array): Promise<Uint8Array>;
  /** false only when KMS says the MAC does not match; every other failure throws (a fault, not a forgery). */
  verify(digest: Uint8Array, mac: Uint8Array): Promise<boolean>;
}

export class MessageMacError extends Error {
  override name = 'MessageMacError';
}

export function kmsMessageMac(kms: KMSClient, keyId: string): MessageMac {
  return {
    async generate(digest) {
      const out = await kms.send(
        new GenerateMacCommand({ KeyId: keyId, Message: digest, MacAlgorithm: MAC_ALGORITHM }),
      );
      if (!out.Mac || out.Mac.length !== MAC_BYTES)
        throw new MessageMacError(`KMS GenerateMac returned no ${MAC_BYTES}-byte MAC`);
      return out.Mac;
    },
    async verify(digest, mac) {
      try {
        const out = await kms.send(
          new VerifyMacCommand({ KeyId: keyId, Message: digest, Mac: mac, MacAlgorithm: MAC_ALGORITHM }),
        );
        // KMS answers a mismatch with KMSInvalidMacException, never MacValid: false; accept only true.
        return out.MacValid === true;
      } catch (err) {
        if ((err as Error)?.name === 'KMSInvalidMacException') return false;
        throw err;
      }
    },
  };
}

/** KMS client with the guard's shared retry and timeout settings, in the key's own Region. */
export function newKmsClient(keyArn: string): KMSClient {
  const region = /^arn:[\w-]+:kms:([a-z0-9-]+):/.exec(keyArn)?.[1];
  return new KMSClient({ ...(region && { region }), ...clientDefaults });
}

/** Sign a machine-readable message: the same message with its `signature`. KMS faults propagate. */
export async function signMachine<T extends Record<string, unknown>>(mac: MessageMac, machine: T) {
  return withSignature(machine, await mac.generate(signingDigest(machine)));
}

/**
 * The SNS publication with its machine copy signed, in every protocol that carries it. A publication whose
 * `default` is text, not a machine copy, has nothing a notifier could verify and goes out as it is.
 */
export async function signPublication(mac: MessageMac, publication: SnsMessage): Promise<SnsMessage> {
  if (!hasMachineCopy(publication.message)) return publication;
  const signed = await signMachine(mac, machineCopyOf(publication.message));
  return { ...publication, message: withMachineCopy(publication.message, signed) };
}
