// Authenticity of what the guard publishes. The machine-readable copy of every message it puts on the alert
// topic carries a `signature`: an HMAC that KMS computes (GenerateMac) with a key only the guard's publishing
// roles may use, over the SHA-256 digest of a canonical form of the rest of that copy. GenerateMac takes at
// most 4,096 bytes of message while an SNS message may be 256 KB, hence the digest
// (https://docs.aws.amazon.com/kms/latest/APIReference/API_GenerateMac.html).
//
// Pure: canonical form, digest, and reading a signature off a message. KMS calls live in lib/aws/messageMac.ts.
import { createHash } from 'node:crypto';
import { SNS_MESSAGE_MAX_BYTES } from './snsMessage';

export const SIGNATURE_FIELD = 'signature';
/** The only MAC algorithm an HMAC_256 KMS key supports. */
export const MAC_ALGORITHM = 'HMAC_SHA_256';
/** HMAC-SHA-256 tags are 32 bytes. */
export const MAC_BYTES = 32;
/**
 * Domain separation: the digest of a signed message can never be mistaken for the digest of anything else
 * the key might one day sign. A new version of the canonical form gets a new string.
 */
const SIGNING_CONTEXT = 'mfa-delete-guard signed message v1\n';

export interface MessageSignature {
  version: 1;
  algorithm: typeof MAC_ALGORITHM;
  /** What was MACed: the SHA-256 digest of SIGNING_CONTEXT + canonical JSON of the message. */
  digest: 'SHA-256';
  /** Base64 of the 32-byte HMAC. */
  mac: string;
}

export class CanonicalFormError extends Error {
  override name = 'CanonicalFormError';
}

/**
 * JSON with object keys sorted (UTF-16 code unit order) at every level and no whitespace: the same value
 * always has one text, whichever order its keys were written or parsed in. Only what JSON can carry is
 * accepted; `undefined` object members are left out, as JSON.stringify does, so that a message and its
 * JSON.parse(JSON.stringify()) round trip have the same canonical form.
 */
export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new CanonicalFormError(`not a JSON number: ${String(value)}`);
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) {
        return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
      }
      const entries = Object.keys(value)
        .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
        .sort()
        .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
      return `{${entries.join(',')}}`;
    }
    default:
      throw new CanonicalFormError(`not a JSON value: ${typeof value}`);
  }
}

export const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The message without its signature field: what the signature covers. */
export function unsignedPart(message: Record<string, unknown>): Record<string, unknown> {
  const { [SIGNATURE_FIELD]: _signature, ...rest } = message;
  return rest;
}

/** The 32 bytes KMS MACs for a message: SHA-256 of the signing context and the canonical unsigned part. */
export function signingDigest(message: Record<string, unknown>): Uint8Array {
  const hash = createHash('sha256');
  hash.update(SIGNING_CONTEXT, 'utf8');
  hash.update(canonicalJson(unsignedPart(message)), 'utf8');
  return new Uint8Array(hash.digest());
}

export function signatureOf(mac: Uint8Array): MessageSignature {
  if (mac.length !== MAC_BYTES)
    throw new CanonicalFormError(`a MAC must be ${MAC_BYTES} bytes, not ${mac.length}`);
  return {
    version: 1,
    algorithm: MAC_ALGORITHM,
    digest: 'SHA-256',
    mac: Buffer.from(mac).toString('base64'),
  };
}

/** The message with its signature set (replacing any it had). */
export function withSignature<T extends Record<string, unknown>>(
  message: T,
  mac: Uint8Array,
): T & { signature: MessageSignature } {
  return { ...unsignedPart(message), [SIGNATURE_FIELD]: signatureOf(mac) } as T & {
    signature: MessageSignature;
  };
}

/** What a received message says about its own signature, before anyone asks KMS. */
export type SignatureReading =
  | { kind: 'present'; digest: Uint8Array; mac: Uint8Array }
  | { kind: 'absent' }
  | { kind: 'malformed'; reason: string };

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * Read the signature of a received machine message. Shape problems are decided here (a MAC of the wrong
 * length or an unknown version is not genuine, whatever KMS would say); only a well-formed MAC is worth
 * a VerifyMac call.
 */
export function readSignature(message: Record<string, unknown>): SignatureReading {
  if (!(SIGNATURE_FIELD in message)) return { kind: 'absent' };
  const sig = message[SIGNATURE_FIELD];
  if (!isPlainObject(sig)) return { kind: 'malformed', reason: 'signature is not an object' };
  if (sig.version !== 1) return { kind: 'malformed', reason: 'unknown signature version' };
  if (sig.algorithm !== MAC_ALGORITHM) return { kind: 'malformed', reason: 'unknown MAC algorithm' };
  if (sig.digest !== 'SHA-256') return { kind: 'malformed', reason: 'unknown digest' };
  if (typeof sig.mac !== 'string' || !BASE64.test(sig.mac))
    return { kind: 'malformed', reason: 'MAC is not base64' };
  const mac = new Uint8Array(Buffer.from(sig.mac, 'base64'));
  if (mac.length !== MAC_BYTES || Buffer.from(mac).toString('base64') !== sig.mac) {
    return { kind: 'malformed', reason: `MAC is not ${MAC_BYTES} bytes of canonical base64` };
  }
  let digest: Uint8Array;
  try {
    digest = signingDigest(message);
  } catch (err) {
    return { kind: 'malformed', reason: (err as Error).message };
  }
  return { kind: 'present', digest, mac };
}

// ------------------------------------------------------------------- the per-protocol SNS message

export class PublicationShapeError extends Error {
  override name = 'PublicationShapeError';
}

/**
 * The machine copy of a per-protocol SNS message (MessageStructure "json"): the object in its `default`,
 * which every protocol without its own key receives.
 */
export function machineCopyOf(perProtocol: string): Record<string, unknown> {
  let outer: unknown;
  try {
    outer = JSON.parse(perProtocol);
  } catch {
    throw new PublicationShapeError('the SNS message is not a per-protocol JSON object');
  }
  if (!isPlainObject(outer) || typeof outer.default !== 'string')
    throw new PublicationShapeError('the SNS message has no default (machine) copy');
  let machine: unknown;
  try {
    machine = JSON.parse(outer.default);
  } catch {
    throw new PublicationShapeError('the machine copy is not JSON');
  }
  if (!isPlainObject(machine)) throw new PublicationShapeError('the machine copy is not a JSON object');
  return machine;
}

/** Whether a per-protocol SNS message carries a machine copy (a JSON object in `default`). */
export function hasMachineCopy(perProtocol: string): boolean {
  try {
    machineCopyOf(perProtocol);
    return true;
  } catch {
    return false;
  }
}

/**
 * The per-protocol message with its machine copy replaced by `machine` wherever the old copy stood
 * (`default` and the protocols given their own copy: lambda, sqs, http, email-json). Should the longer
 * copy push the message past SNS's limit, the extra copies go and those protocols fall back to `default`,
 * which is the same text.
 */
export function withMachineCopy(perProtocol: string, machine: Record<string, unknown>): string {
  const outer = JSON.parse(perProtocol) as Record<string, string>;
  const old = outer.default;
  const next = JSON.stringify(machine);
  const copies = Object.keys(outer).filter((k) => outer[k] === old);
  for (const key of copies) outer[key] = next;
  let message = JSON.stringify(outer);
  if (Buffer.byteLength(message, 'utf8') > SNS_MESSAGE_MAX_BYTES) {
    for (const key of copies) if (key !== 'default') delete outer[key];
    message = JSON.stringify(outer);
  }
  return message;
}
