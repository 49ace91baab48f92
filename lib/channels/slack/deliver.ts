// POST one Block Kit message to a Slack incoming webhook. Success is HTTP 200; 429 is retried after
// Retry-After (bounded, and only if the Lambda has the time); every other answer throws, so that the
// invocation fails and SNS's retry policy, then the dead-letter queue, keep the message.
import type { SlackMessage } from './blockKit';

export class SlackWebhookError extends Error {
  override name = 'SlackWebhookError';
  constructor(
    message: string,
    readonly status?: number,
    /** Slack's short error string, e.g. invalid_blocks or no_service. */
    readonly slackError?: string,
  ) {
    super(message);
  }
}

export interface PostSlackOptions {
  /** Milliseconds the invocation has left (context.getRemainingTimeInMillis). */
  remainingMs: () => number;
  /** Attempts in all, the first included. */
  maxAttempts?: number;
  /** Longest Retry-After honoured, in seconds; Slack asks for about one second per message. */
  maxRetryAfterSeconds?: number;
  /** Time kept back for the request after the wait and for Lambda to finish. */
  safetyMarginMs?: number;
  sleep?: (ms: number) => Promise<void>;
  fetch?: typeof fetch;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Retry-After in seconds (Slack sends an integer); a missing or odd value means one second. */
export function retryAfterSeconds(header: string | null): number {
  const seconds = header === null ? NaN : Number(header.trim());
  return Number.isFinite(seconds) && seconds >= 0 ? Math.ceil(seconds) : 1;
}

/** Slack's error bodies are short strings; keep them short and printable (they are not secrets). */
const errorText = (body: string) => body.replace(/[^\x20-\x7e]/g, '?').slice(0, 100);

/** Returns the number of attempts made. Never puts the URL in an error or a log line. */
export async function postSlack(url: URL, message: SlackMessage, options: PostSlackOptions): Promise<number> {
  const maxAttempts = options.maxAttempts ?? 3;
  const maxRetryAfter = options.maxRetryAfterSeconds ?? 30;
  const margin = options.safetyMarginMs ?? 3_000;
  const sleep = options.sleep ?? defaultSleep;
  const doFetch = options.fetch ?? fetch;
  const body = JSON.stringify(message);
  for (let attempt = 1; ; attempt++) {
    const timeoutMs = Math.max(1_000, Math.min(10_000, options.remainingMs() - margin));
    let response: Response;
    try {
      response = await doFetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      // undici's errors carry the host, not the path that holds the token; name only the cause.
      const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name;
      throw new SlackWebhookError(`Slack webhook request failed (${cause})`);
    }
    const text = await response.text();
    if (response.status === 200) return attempt;
    if (response.status === 429) {
      const waitSeconds = retryAfterSeconds(response.headers.get('retry-after'));
      const waitMs = waitSeconds * 1_000;
      if (attempt >= maxAttempts)
        throw new SlackWebhookError(
          `Slack rate limit: still 429 after ${attempt} attempts`,
          429,
          'rate_limited',
        );
      if (waitSeconds > maxRetryAfter || waitMs + margin > options.remainingMs())
        throw new SlackWebhookError(
          `Slack rate limit: Retry-After ${waitSeconds}s does not fit in the time left; SNS will retry`,
          429,
          'rate_limited',
        );
      await sleep(waitMs);
      continue;
    }
    const slackError = errorText(text.trim()) || undefined;
    throw new SlackWebhookError(
      `Slack webhook answered ${response.status}${slackError ? ` ${slackError}` : ''}`,
      response.status,
      slackError,
    );
  }
}
