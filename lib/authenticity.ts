// Signing what the guard publishes and checking what a notifier receives (lib/domain/signedMessage.ts says
// what is signed and how; the MAC itself comes from KMS through lib/aws/messageMac.ts).
import type { SnsMessage } from './aws/publishAlert';
import type { MessageMac } from './aws/messageMac';
import {
  machineCopyOf,
  readSignature,
  signingDigest,
  withMachineCopy,
  withSignature,
} from './domain/signedMessage';

/** Why a message on the alert topic is not believed. */
export type UnverifiedReason = 'unsigned' | 'malformed-signature' | 'mac-mismatch';

export type Authenticity =
  { verdict: 'genuine' } | { verdict: 'unverified'; reason: UnverifiedReason; detail?: string };

/** Sign a machine-readable message: the same message with its `signature`. KMS faults propagate. */
export async function signMachine<T extends Record<string, unknown>>(mac: MessageMac, machine: T) {
  return withSignature(machine, await mac.generate(signingDigest(machine)));
}

/** The SNS publication with its machine copy signed, in every protocol that carries it. */
export async function signPublication(mac: MessageMac, publication: SnsMessage): Promise<SnsMessage> {
  const signed = await signMachine(mac, machineCopyOf(publication.message));
  return { ...publication, message: withMachineCopy(publication.message, signed) };
}

/**
 * Whether a received machine message is the guard's. Absent, malformed or mismatching signatures make it
 * unverified; a KMS that cannot answer (throttled, down, access denied) throws, so that Lambda retries
 * and the message ends in the dead-letter queue rather than being shown as forged.
 */
export async function checkAuthenticity(
  mac: MessageMac,
  machine: Record<string, unknown>,
): Promise<Authenticity> {
  const reading = readSignature(machine);
  if (reading.kind === 'absent') return { verdict: 'unverified', reason: 'unsigned' };
  if (reading.kind === 'malformed')
    return { verdict: 'unverified', reason: 'malformed-signature', detail: reading.reason };
  return (await mac.verify(reading.digest, reading.mac))
    ? { verdict: 'genuine' }
    : { verdict: 'unverified', reason: 'mac-mismatch' };
}
