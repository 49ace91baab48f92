// The Slack webhook URL is a credential, and whoever can write the parameter that holds it receives every
// alert. It lives in SSM Parameter Store and is read at run time, cached (WEBHOOK_CACHE_SECONDS) so that a warm
// function does not call SSM on every message, and it is never logged. It is believed only when the parameter
// is a SecureString (a plain String can be written without the KMS key) and the URL points at Slack's webhook
// service: https://hooks.slack.com/services/..., unless the deployment allow-lists another host.
import { GetParameterCommand, SSMClient, type SSMClientConfig } from '@aws-sdk/client-ssm';

export const newSsmClient = (config: SSMClientConfig) => new SSMClient(config);

export class WebhookSecretError extends Error {
  override name = 'WebhookSecretError';
}

/** Seconds a fetched URL is reused; a rotated webhook is picked up within this time. */
export const WEBHOOK_CACHE_SECONDS = 300;

/** Slack's incoming-webhook host and path (https://api.slack.com/messaging/webhooks). */
export const SLACK_WEBHOOK_HOST = 'hooks.slack.com';
const SLACK_WEBHOOK_PATH = '/services/';

export type WebhookUrlSource = () => Promise<URL>;

export interface WebhookUrlOptions {
  /** Hosts allowed besides hooks.slack.com (a proxy, Slack GovSlack, a loopback server in tests). */
  allowedHosts?: readonly string[];
  now?: () => number;
}

/** Read, decrypt, check and cache the webhook URL stored in `parameterName`. */
export function ssmWebhookUrl(
  ssm: SSMClient,
  parameterName: string,
  opts: WebhookUrlOptions = {},
): WebhookUrlSource {
  const now = opts.now ?? Date.now;
  let cached: { url: URL; until: number } | undefined;
  return async () => {
    if (cached && now() < cached.until) return cached.url;
    const { Parameter } = await ssm.send(
      new GetParameterCommand({ Name: parameterName, WithDecryption: true }),
    );
    if (Parameter?.Type !== 'SecureString') {
      throw new WebhookSecretError(
        `SSM parameter ${parameterName} must be a SecureString, not ${Parameter?.Type ?? 'missing'}`,
      );
    }
    const value = Parameter.Value?.trim();
    if (!value) throw new WebhookSecretError(`SSM parameter ${parameterName} is empty`);
    const url = checkedWebhookUrl(value, parameterName, opts.allowedHosts);
    cached = { url, until: now() + WEBHOOK_CACHE_SECONDS * 1000 };
    return url;
  };
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * https://hooks.slack.com/services/… only, or https to an allow-listed host (plain http only to an allow-listed
 * loopback host, for local runs). The error never quotes the value: its path is the credential.
 */
export function checkedWebhookUrl(
  value: string,
  parameterName: string,
  allowedHosts: readonly string[] = [],
): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new WebhookSecretError(`SSM parameter ${parameterName} does not hold a URL`);
  }
  if (url.username || url.password) {
    throw new WebhookSecretError(`SSM parameter ${parameterName} holds a URL with credentials`);
  }
  const slack =
    url.protocol === 'https:' &&
    url.hostname === SLACK_WEBHOOK_HOST &&
    url.port === '' &&
    url.pathname.startsWith(SLACK_WEBHOOK_PATH);
  const listed = allowedHosts.includes(url.host) || allowedHosts.includes(url.hostname);
  const allowed =
    slack ||
    (listed && url.protocol === 'https:') ||
    (listed && url.protocol === 'http:' && LOOPBACK.has(url.hostname));
  if (allowed) return url;
  throw new WebhookSecretError(
    `SSM parameter ${parameterName} must hold an https://${SLACK_WEBHOOK_HOST}/services/... webhook URL` +
      (allowedHosts.length ? ` or an https URL on ${allowedHosts.join(', ')}` : ''),
  );
}

/** SLACK_WEBHOOK_ALLOWED_HOSTS: comma-separated extra hosts (host or host:port). */
export function allowedHostsFromEnv(env: Record<string, string | undefined>): string[] {
  return (env.SLACK_WEBHOOK_ALLOWED_HOSTS ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
}
