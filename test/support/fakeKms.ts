/**
 * KMS GenerateMac / VerifyMac for the loopback fake AWS (test/support/fakeAws.ts), with real HMACs
 * (node:crypto) over real keys, answering AWS's documented JSON 1.1 shapes
 * (https://docs.aws.amazon.com/kms/latest/APIReference/API_GenerateMac.html, API_VerifyMac.html):
 *
 *   X-Amz-Target: TrentService.GenerateMac  {KeyId, Message: base64, MacAlgorithm}
 *     → 200 {KeyId: key ARN, Mac: base64, MacAlgorithm}
 *   X-Amz-Target: TrentService.VerifyMac    {KeyId, Message, Mac, MacAlgorithm}
 *     → 200 {KeyId, MacValid: true, MacAlgorithm} | 400 {__type: "KMSInvalidMacException"}
 *
 * Errors as KMS names them: NotFoundException (unknown key), InvalidKeyUsageException (not an HMAC key, or an
 * algorithm the key does not support), ValidationException (message outside 1..4096 bytes).
 */
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

export interface FakeKmsKey {
  arn: string;
  /** 'HMAC_256' signs; 'SYMMETRIC_DEFAULT' stands for a key of the wrong usage. */
  spec: 'HMAC_256' | 'SYMMETRIC_DEFAULT';
  material: Buffer;
}

/** A success body, or an error for the fake server to render as AWS JSON 1.1 (`__type`, `message`). */
export type KmsReply = { status: 200; body: string } | { status: number; code: string; message: string };

export interface FakeKms {
  keys: Map<string, FakeKmsKey>;
  /** Create a key in the fake (random key material unless given); returns its ARN. */
  addKey(opts?: { region?: string; account?: string; spec?: FakeKmsKey['spec']; material?: Buffer }): string;
  /** HMAC that this fake's key would give, for tests that forge or check by hand. */
  hmac(keyArn: string, message: Uint8Array): Buffer;
  handle(operation: string, body: string): KmsReply;
}

const MESSAGE_MAX_BYTES = 4096;

export function createFakeKms(): FakeKms {
  const keys = new Map<string, FakeKmsKey>();
  const error = (status: number, code: string, message: string): KmsReply => ({ status, code, message });
  const findKey = (keyId: unknown): FakeKmsKey | undefined => {
    if (typeof keyId !== 'string') return undefined;
    for (const key of keys.values()) if (key.arn === keyId || key.arn.endsWith(`:key/${keyId}`)) return key;
    return undefined;
  };

  const mac = (key: FakeKmsKey, message: Buffer) =>
    createHmac('sha256', key.material).update(message).digest();

  const handle = (operation: string, body: string): KmsReply => {
    if (operation !== 'GenerateMac' && operation !== 'VerifyMac')
      return error(400, 'UnknownOperationException', `Unknown operation ${operation}`);
    let input: Record<string, unknown>;
    try {
      input = JSON.parse(body || '{}') as Record<string, unknown>;
    } catch {
      return error(400, 'SerializationException', 'Start of structure or map found where not expected.');
    }
    const key = findKey(input.KeyId);
    if (!key) return error(400, 'NotFoundException', `Key '${String(input.KeyId)}' does not exist`);
    if (key.spec !== 'HMAC_256')
      return error(
        400,
        'InvalidKeyUsageException',
        `${key.arn} key usage is ENCRYPT_DECRYPT which is not valid for ${operation}.`,
      );
    if (input.MacAlgorithm !== 'HMAC_SHA_256')
      return error(
        400,
        'InvalidKeyUsageException',
        `Algorithm ${String(input.MacAlgorithm)} is incompatible with key spec HMAC_256.`,
      );
    const message =
      typeof input.Message === 'string' ? Buffer.from(input.Message, 'base64') : Buffer.alloc(0);
    if (message.length < 1 || message.length > MESSAGE_MAX_BYTES) {
      return error(
        400,
        'ValidationException',
        `1 validation error detected: Value at 'message' failed to satisfy constraint: Member must have length between 1 and ${MESSAGE_MAX_BYTES}`,
      );
    }
    const expected = mac(key, message);
    if (operation === 'GenerateMac') {
      return {
        status: 200,
        body: JSON.stringify({
          KeyId: key.arn,
          Mac: expected.toString('base64'),
          MacAlgorithm: 'HMAC_SHA_256',
        }),
      };
    }
    const given = typeof input.Mac === 'string' ? Buffer.from(input.Mac, 'base64') : Buffer.alloc(0);
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      return error(400, 'KMSInvalidMacException', '');
    return {
      status: 200,
      body: JSON.stringify({ KeyId: key.arn, MacValid: true, MacAlgorithm: 'HMAC_SHA_256' }),
    };
  };

  return {
    keys,
    addKey({ region = 'eu-west-1', account = '111122223333', spec = 'HMAC_256', material } = {}) {
      const arn = `arn:aws:kms:${region}:${account}:key/${randomUUID()}`;
      keys.set(arn, { arn, spec, material: material ?? randomBytes(32) });
      return arn;
    },
    hmac(keyArn, message) {
      const key = keys.get(keyArn);
      if (!key) throw new Error(`no fake KMS key ${keyArn}`);
      return mac(key, Buffer.from(message));
    },
    handle,
  };
}
