// How an AWS error should be treated. Anything not recognised as a definite answer is transient:
// the invocation then fails and Lambda's retry (and on-failure destination) keep the event.

export type ErrorClass = 'denied' | 'not-found' | 'transient';

interface AwsLikeError {
  name?: string;
  Code?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
  $response?: { statusCode?: number; headers?: Record<string, string | undefined> };
}

export function errorName(err: unknown): string {
  const e = (err ?? {}) as AwsLikeError;
  return String(e.name ?? e.Code ?? e.code ?? 'UnknownError');
}

export function httpStatus(err: unknown): number | undefined {
  const e = (err ?? {}) as AwsLikeError;
  return e.$metadata?.httpStatusCode ?? e.$response?.statusCode;
}

const DENIED = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'AllAccessDisabled',
  'Forbidden',
  'InvalidAccessKeyId',
  'AccountProblem',
]);
const NOT_FOUND = new Set(['NoSuchBucket', 'NotFound']);

export function classifyError(err: unknown): ErrorClass {
  const name = errorName(err);
  if (DENIED.has(name)) return 'denied';
  if (NOT_FOUND.has(name)) return 'not-found';
  const status = httpStatus(err);
  if (status === 403) return 'denied';
  return 'transient';
}

/** Raised when AWS kept failing after the SDK's own retries; the caller should let the invocation fail. */
export class TransientAwsError extends Error {
  override name = 'TransientAwsError';
  constructor(
    message: string,
    override readonly cause: unknown,
  ) {
    super(message);
  }
}

export function describeError(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  const status = httpStatus(err);
  return `${errorName(err)}${status ? ` (HTTP ${status})` : ''}: ${msg}`.slice(0, 500);
}
