// The guard's message MAC from the environment: the publishers sign with it (lib/runtime/wiring.ts), the
// notifiers verify with it (lib/runtime/notifierWiring.ts). KMS and its module are loaded on the first message
// signed or verified.
import type { MessageMac } from '../aws/messageMac';
import { lazy, type Env } from './lazy';

/**
 * The guard's message MAC (KMS GenerateMac/VerifyMac) with the key ALERT_SIGNING_KEY_ARN names; undefined when
 * unset (the CLI, the local stage). The KMS client is built on first use.
 */
export function optionalMessageMacFromEnv(env: Env): MessageMac | undefined {
  const keyArn = env.ALERT_SIGNING_KEY_ARN?.trim();
  if (!keyArn) return undefined;
  const mac = lazy(async () => {
    const { kmsMessageMac, newKmsClient } = await import('../aws/messageMac');
    return kmsMessageMac(newKmsClient(keyArn), keyArn);
  });
  return {
    generate: async (digest) => (await mac()).generate(digest),
    verify: async (digest, m) => (await mac()).verify(digest, m),
  };
}

/** The same, required: a notifier that cannot verify must not run (its messages would all look forged). */
export function messageMacFromEnv(env: Env): MessageMac {
  const mac = optionalMessageMacFromEnv(env);
  if (!mac) throw new Error('ALERT_SIGNING_KEY_ARN is not set');
  return mac;
}
