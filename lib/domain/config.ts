import { isMfaSerial, isProfileName, isRegion } from './awsIds';
import { DEFAULT_INVOKE_MAX_BUCKETS, MAX_MANUAL_BUCKETS } from './parseInvocation';
import type { GuardConfig, Scope } from './types';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

/** Read the guard's settings from the environment; a bad value stops the function at start-up, loudly. */
export function guardConfigFromEnv(env: Env): GuardConfig {
  const scope = (env.GUARD_SCOPE?.trim() || 'configured') as Scope;
  if (scope !== 'configured' && scope !== 'all') {
    throw new ConfigError(
      `GUARD_SCOPE must be "configured" or "all", not ${JSON.stringify(env.GUARD_SCOPE)}`,
    );
  }
  const exemptPatterns = (env.EXEMPT_BUCKET_PATTERNS ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  for (const p of exemptPatterns) {
    if (!/^[A-Za-z0-9._*-]{1,255}$/.test(p)) {
      throw new ConfigError(
        `EXEMPT_BUCKET_PATTERNS entry ${JSON.stringify(p)} may hold only bucket-name characters and '*'`,
      );
    }
  }
  const rootMfaSerial = env.ROOT_MFA_SERIAL?.trim() || undefined;
  if (rootMfaSerial !== undefined && !isMfaSerial(rootMfaSerial)) {
    throw new ConfigError(
      `ROOT_MFA_SERIAL ${JSON.stringify(rootMfaSerial)} is not an IAM MFA serial number or device ARN`,
    );
  }
  const rootProfile = env.ROOT_PROFILE?.trim() || 'root_user';
  if (!isProfileName(rootProfile)) {
    throw new ConfigError(
      `ROOT_PROFILE ${JSON.stringify(rootProfile)} may hold only letters, digits and . _ @ + -`,
    );
  }
  return { scope, exemptPatterns, rootMfaSerial, rootProfile };
}

export interface PublishConfig {
  /** No topic: alerts are rendered and returned, not published. */
  topicArn?: string;
  /** No bus: drift events are not emitted. */
  eventBusName?: string;
  eventSource: string;
}

export function publishConfigFromEnv(env: Env): PublishConfig {
  const topicArn = env.ALERT_TOPIC_ARN?.trim() || undefined;
  if (topicArn !== undefined && !/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[\w-]{1,256}$/.test(topicArn)) {
    throw new ConfigError(`ALERT_TOPIC_ARN ${JSON.stringify(topicArn)} is not an SNS topic ARN`);
  }
  const eventSource = env.DRIFT_EVENT_SOURCE?.trim() || 'mfa-delete-guard';
  // EventBridge reserves the aws.* sources for AWS services.
  if (eventSource.startsWith('aws.') || !/^[\w.-]{1,256}$/.test(eventSource)) {
    throw new ConfigError(
      `DRIFT_EVENT_SOURCE ${JSON.stringify(eventSource)} must be a custom source (not aws.*)`,
    );
  }
  const eventBusName = env.EVENT_BUS_NAME?.trim() || undefined;
  if (
    eventBusName !== undefined &&
    !/^(arn:aws[a-z-]*:events:[a-z0-9-]+:\d{12}:event-bus\/)?[\w./-]{1,256}$/.test(eventBusName)
  ) {
    throw new ConfigError(`EVENT_BUS_NAME ${JSON.stringify(eventBusName)} is not an event bus name or ARN`);
  }
  return { topicArn, eventBusName, eventSource };
}

/**
 * The Regions whose CloudTrail records the function believes: SERVED_REGIONS (comma-separated), else the
 * function's own Region, the only one whose rule can deliver to it unless records are forwarded.
 */
export function servedRegionsFromEnv(env: Env, ownRegion: string): string[] {
  const listed = (env.SERVED_REGIONS ?? '')
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean);
  for (const r of listed) {
    if (!isRegion(r)) throw new ConfigError(`SERVED_REGIONS entry ${JSON.stringify(r)} is not an AWS Region`);
  }
  return listed.length ? listed : [ownRegion];
}

/** MANUAL_MAX_BUCKETS: the cap on buckets per manual invocation (default DEFAULT_INVOKE_MAX_BUCKETS). */
export function manualMaxBucketsFromEnv(env: Env): number {
  const raw = env.MANUAL_MAX_BUCKETS?.trim();
  if (!raw) return DEFAULT_INVOKE_MAX_BUCKETS;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > MAX_MANUAL_BUCKETS) {
    throw new ConfigError(
      `MANUAL_MAX_BUCKETS must be a whole number from 1 to ${MAX_MANUAL_BUCKETS}, not ${JSON.stringify(raw)}`,
    );
  }
  return n;
}
