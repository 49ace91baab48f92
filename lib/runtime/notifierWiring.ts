// What only the notifiers use (the Slack webhook notifier): the webhook URL from SSM, and the MAC they verify
// with, which must be there. Apart from wiring.ts, so that the notifier's bundle holds none of the publishing
// functions' chunks, and theirs none of its own (wiring.ts, header).
import type { WebhookUrlSource } from '../aws/webhookSecret';
import { lazy, type Env } from './lazy';
import { messageMacFromEnv as macFromEnv } from './signing';

/** The MAC the notifier verifies with (signing.ts); KMS's module is loaded on the first message verified. */
export const messageMacFromEnv = (env: Env) => macFromEnv(env, () => import('../aws/messageMac'));

/** The Slack notifier's webhook URL source: SLACK_WEBHOOK_PARAMETER names the SSM parameter. */
export function webhookUrlFromEnv(env: Env): WebhookUrlSource {
  const parameterName = env.SLACK_WEBHOOK_PARAMETER;
  if (!parameterName) throw new Error('SLACK_WEBHOOK_PARAMETER is not set');
  const source = lazy(async () => {
    const { allowedHostsFromEnv, newSsmClient, ssmWebhookUrl } = await import('../aws/webhookSecret');
    return ssmWebhookUrl(newSsmClient({ maxAttempts: Number(env.AWS_MAX_ATTEMPTS) || 3 }), parameterName, {
      allowedHosts: allowedHostsFromEnv(env),
    });
  });
  return async () => (await source())();
}
