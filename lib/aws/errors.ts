import type { DriftEventEntry } from '../domain/driftEvent';

// How an AWS error should be treated. Anything not recognised as a definite answer is transient:
// the invocation then fails and Lambda's retry (and on-failure destination) keep the event.

export type ErrorClass = 'denied' | 'not-found' | 'cannot-run' | 'transient';

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

/**
 * Errors that no bucket causes: no credentials at all, credentials AWS does not accept, or an endpoint
 * that cannot be reached. Every other bucket would fail the same way, so the run as a whole cannot go on.
 */
const CANNOT_RUN_NAMES = new Set([
  'CredentialsProviderError',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'InvalidClientTokenId',
  'ExpiredToken',
  'ExpiredTokenException',
]);
const CANNOT_RUN_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

export function cannotRun(err: unknown): boolean {
  const code = (err as { code?: unknown } | undefined)?.code;
  return CANNOT_RUN_NAMES.has(errorName(err)) || (typeof code === 'string' && CANNOT_RUN_CODES.has(code));
}

export function classifyError(err: unknown): ErrorClass {
  if (cannotRun(err)) return 'cannot-run';
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

/** No bucket can be checked (see cannotRun): a transient fault for Lambda, "could not run" (exit 4) for the CLI. */
export class CannotRunError extends TransientAwsError {
  override name = 'CannotRunError';
}

export function describeError(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  const status = httpStatus(err);
  return `${errorName(err)}${status ? ` (HTTP ${status})` : ''}: ${msg}`.slice(0, 500);
}

/** Drift events EventBridge did not accept (PutEvents answers 200 with FailedEntryCount), each one named. */
export class DriftEventError extends Error {
  override name = 'DriftEventError';
  constructor(
    message: string,
    readonly failed: Array<{ entry: DriftEventEntry; errorCode?: string; errorMessage?: string }>,
  ) {
    super(message);
  }
}
