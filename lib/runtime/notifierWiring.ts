// What only the notifiers use (the Slack webhook notifier): the webhook URL from SSM, and a MAC that must
// be there. Apart from wiring.ts, so that the other functions' bundles hold none of it (wiring.ts, header).
import type { MessageMac } from '../aws/messageMac';
import type { WebhookUrlSource } from '../aws/webhookSecret';
import { lazy, optionalMessageMacFromEnv, type Env } from './wiring';

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

/** The guard's message MAC (optionalMessageMacFromEnv), required: a notifier that cannot verify must not run (its messages would all look forged). */
export function messageMacFromEnv(env: Env): MessageMac {
  const mac = optionalMessageMacFromEnv(env);
  if (!mac) throw new Error('ALERT_SIGNING_KEY_ARN is not set');
  return mac;
}
