// In-process signing for tests that are not about KMS: the same HMAC-SHA-256 over the same digest as KMS
// GenerateMac computes (test/integration/messageMac.test.ts proves the KMS path against the loopback fake).
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { MessageMac } from '../../lib/aws/messageMac';
import { signingDigest, withMachineCopy, withSignature } from '../../lib/domain/signedMessage';

export interface TestMac extends MessageMac {
  /** The machine JSON text, signed. */
  signJson(machineJson: string): string;
  /** A per-protocol SNS message with its machine copies signed. */
  signPublication(perProtocol: string): string;
}

export function testMac(key: Buffer = randomBytes(32)): TestMac {
  const hmac = (digest: Uint8Array) => new Uint8Array(createHmac('sha256', key).update(digest).digest());
  const signJson = (machineJson: string) => {
    const machine = JSON.parse(machineJson) as Record<string, unknown>;
    return JSON.stringify(withSignature(machine, hmac(signingDigest(machine))));
  };
  return {
    generate: async (digest) => hmac(digest),
    verify: async (digest, mac) => {
      const expected = hmac(digest);
      return mac.length === expected.length && timingSafeEqual(mac, expected);
    },
    signJson,
    signPublication(perProtocol) {
      const outer = JSON.parse(perProtocol) as { default: string };
      return withMachineCopy(perProtocol, JSON.parse(signJson(outer.default)) as Record<string, unknown>);
    },
  };
}
