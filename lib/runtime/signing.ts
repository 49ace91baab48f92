// The guard's message MAC from the environment: the publishers sign with it (lib/runtime/wiring.ts), the
// notifiers verify with it (lib/runtime/notifierWiring.ts). KMS and its module are loaded on the first message
// signed or verified, through the loader each side gives: the publishers' alerting module already holds it,
// so that their bundles do not carry a second entry for it.
import type { MessageMac, kmsMessageMac, newKmsClient } from '../aws/messageMac';
import { lazy, type Env } from './lazy';

/** A module that holds the KMS MAC (lib/aws/messageMac.ts, or one that re-exports it). */
export type KmsMacLoader = () => Promise<{
  kmsMessageMac: typeof kmsMessageMac;
  newKmsClient: typeof newKmsClient;
}>;

/**
 * The guard's message MAC (KMS GenerateMac/VerifyMac) with the key ALERT_SIGNING_KEY_ARN names; undefined when
 * unset (the CLI, the local stage). The KMS client is built on first use.
 */
export function optionalMessageMacFromEnv(env: Env, load: KmsMacLoader): MessageMac | undefined {
  const keyArn = env.ALERT_SIGNING_KEY_ARN?.trim();
  if (!keyArn) return undefined;
  const mac = lazy(async () => {
    const { kmsMessageMac, newKmsClient } = await load();
    return kmsMessageMac(newKmsClient(keyArn), keyArn);
  });
  return {
    generate: async (digest) => (await mac()).generate(digest),
    verify: async (digest, m) => (await mac()).verify(digest, m),
  };
}

/** The same, required: a notifier that cannot verify must not run (its messages would all look forged). */
export function messageMacFromEnv(env: Env, load: KmsMacLoader): MessageMac {
  const mac = optionalMessageMacFromEnv(env, load);
  if (!mac) throw new Error('ALERT_SIGNING_KEY_ARN is not set');
  return mac;
}
