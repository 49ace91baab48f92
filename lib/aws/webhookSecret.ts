// The Slack webhook URL is a credential: anyone holding it can post to the channel. It lives in SSM
// Parameter Store as a SecureString and is read at run time through Powertools Parameters, which caches
// it (maxAge) so that a warm function does not call SSM on every message. It is never logged.
import type { SSMClient } from '@aws-sdk/client-ssm';
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';

export class WebhookSecretError extends Error {
  override name = 'WebhookSecretError';
}

/** Seconds a fetched URL is reused; a rotated webhook is picked up within this time. */
export const WEBHOOK_CACHE_SECONDS = 300;

export type WebhookUrlSource = () => Promise<URL>;

/** Read, decrypt, cache and check the webhook URL stored in `parameterName`. */
export function ssmWebhookUrl(ssm: SSMClient, parameterName: string): WebhookUrlSource {
  const provider = new SSMProvider({ awsSdkV3Client: ssm });
  return async () => {
    const value = await provider.get(parameterName, { decrypt: true, maxAge: WEBHOOK_CACHE_SECONDS });
    if (typeof value !== 'string' || !value.trim())
      throw new WebhookSecretError(`SSM parameter ${parameterName} is empty`);
    return checkedWebhookUrl(value.trim(), parameterName);
  };
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** https only (plain http to loopback is allowed for local runs). The error never quotes the value. */
export function checkedWebhookUrl(value: string, parameterName: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new WebhookSecretError(`SSM parameter ${parameterName} does not hold a URL`);
  }
  if (url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname))) return url;
  throw new WebhookSecretError(`SSM parameter ${parameterName} must hold an https:// webhook URL`);
}
