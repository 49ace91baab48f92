// Signing what the guard publishes and checking what a notifier receives (lib/domain/signedMessage.ts says
// what is signed and how; the MAC itself comes from KMS through lib/aws/messageMac.ts).
import type { SNSEventRecord } from 'aws-lambda';
import type { MessageMac } from './aws/messageMac';
import { classifyTopicMessage, unverifiedMessage, type TopicMessage } from './domain/topicMessage';
import { isPlainObject, readSignature } from './domain/signedMessage';

export { signMachine, signPublication } from './aws/messageMac';

/** Why a message on the alert topic is not believed. */
export type UnverifiedReason = 'unsigned' | 'malformed-signature' | 'mac-mismatch';

export type Authenticity =
  { verdict: 'genuine' } | { verdict: 'unverified'; reason: UnverifiedReason; detail?: string };

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

/** What a notifier may believe of a raw SNS message before it classifies it. */
export type Screened =
  /** Not JSON from mfa-delete-guard (a CloudWatch alarm, anything else): classified on its own terms. */
  | { kind: 'not-ours' }
  /** Claims to be the guard's and its signature verifies. */
  | { kind: 'genuine'; machine: Record<string, unknown> }
  /** Claims to be the guard's and its signature does not verify: shown as unverified, never as sent. */
  | { kind: 'unverified'; reason: UnverifiedReason; detail?: string; claims: string };

export const GUARD_SOURCE = 'mfa-delete-guard';

/**
 * The one check a notifier makes where the raw SNS message becomes a topic message: every message that says
 * it comes from mfa-delete-guard, whatever its kind, must carry a signature that KMS verifies. KMS faults throw.
 */
export async function screenTopicMessage(mac: MessageMac, message: string): Promise<Screened> {
  let json: unknown;
  try {
    json = JSON.parse(message);
  } catch {
    return { kind: 'not-ours' };
  }
  if (!isPlainObject(json) || json.source !== GUARD_SOURCE) return { kind: 'not-ours' };
  const verdict = await checkAuthenticity(mac, json);
  if (verdict.verdict === 'genuine') return { kind: 'genuine', machine: json };
  return {
    kind: 'unverified',
    reason: verdict.reason,
    ...(verdict.detail && { detail: verdict.detail }),
    claims: claimsOf(json),
  };
}

/** The few fields of an unverified message a responder needs to know what it targeted, as `name value`. */
const CLAIMED_FIELDS: Array<[string, (m: Record<string, unknown>) => unknown]> = [
  ['kind', (m) => m.kind ?? 'alert'],
  ['status', (m) => (isPlainObject(m.result) ? m.result.status : undefined)],
  ['bucket', (m) => (isPlainObject(m.result) ? m.result.bucket : undefined)],
  ['account', (m) => (isPlainObject(m.result) ? m.result.account : m.account)],
  ['Region', (m) => (isPlainObject(m.result) ? m.result.region : m.region)],
];

/**
 * What an unverified message claims to be, from a few of its fields and nothing else: no script, no
 * finding, no free text it carries. Still its sender's words: channels show it as untrusted text.
 */
export function claimsOf(message: Record<string, unknown>): string {
  const parts = CLAIMED_FIELDS.flatMap(([name, get]) => {
    const value = get(message);
    return typeof value === 'string' && value !== '' ? [`${name} ${value.slice(0, 100)}`] : [];
  });
  return `claims to be from mfa-delete-guard: ${parts.join(', ') || 'nothing more'} (the rest is not shown)`;
}

/** Our words for why a message is unverified, for the channels to show. */
export function unverifiedReasonText(s: Extract<Screened, { kind: 'unverified' }>): string {
  switch (s.reason) {
    case 'unsigned':
      return 'it carries no signature';
    case 'malformed-signature':
      return `its signature is malformed${s.detail ? `: ${s.detail}` : ''}`;
    case 'mac-mismatch':
      return 'its signature does not match its content (KMS VerifyMac refused it)';
  }
}

/**
 * The notifiers' reading of a raw SNS record: the one place where it becomes a TopicMessage. A message that
 * says it is the guard's is classified only once its signature verifies; one that does not verify becomes the
 * `unverified` kind, described by what it claims and never by its content (no script reaches a channel).
 * A CloudWatch alarm or any other message is classified on its own terms (alarm, unrecognised).
 */
export function verifiedTopicReader(mac: MessageMac) {
  return async (record: SNSEventRecord): Promise<TopicMessage> => {
    const screened = await screenTopicMessage(mac, record.Sns.Message);
    if (screened.kind === 'unverified')
      return unverifiedMessage(record.Sns.Subject, screened.claims, unverifiedReasonText(screened));
    return classifyTopicMessage(record.Sns.Subject, record.Sns.Message);
  };
}
