// Retry and timeout settings every AWS client of the guard shares. A module without SDK imports, so that a
// client's own module (loaded only on the path that calls it) can use them without loading any other client.
// Adaptive retry backs off on throttling across all calls of a client, which matters in a sweep.
// A hung connection must not eat the whole Lambda timeout: each attempt is cut off and retried.
// throwOnRequestTimeout: without it, @smithy/node-http-handler 4.x only logs a warning when requestTimeout passes.
const positiveMs = (value: string | undefined, fallback: number) => {
  const n = Number(value);
  return Number.isInteger(n) && n > 0 ? n : fallback;
};

/** Retry and timeout settings every AWS client of the guard shares (S3, SNS, EventBridge, KMS, DynamoDB, …). */
export const clientDefaults = {
  retryMode: 'adaptive' as const,
  maxAttempts: Number(process.env.AWS_MAX_ATTEMPTS) || 5,
  requestHandler: {
    connectionTimeout: positiveMs(process.env.AWS_CONNECTION_TIMEOUT_MS, 3_000),
    requestTimeout: positiveMs(process.env.AWS_REQUEST_TIMEOUT_MS, 10_000),
    throwOnRequestTimeout: true,
  },
};

/**
 * A client, or a function that loads and builds it on first use. The Lambda wiring passes the latter, so
 * that a check that publishes nothing never loads the SNS, EventBridge or KMS code; tests and callers that
 * already hold a client pass it as it is.
 */
export type ClientRef<T extends object> = T | (() => Promise<T>);

export const resolveClient = async <T extends object>(ref: ClientRef<T>): Promise<T> =>
  typeof ref === 'function' ? ref() : ref;
