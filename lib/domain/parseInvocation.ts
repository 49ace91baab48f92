import * as z from 'zod/mini';
import { lazySchema } from './schema';
import { isRegion } from './awsIds';
import { describe } from './bucketName';
import { CLI_FROM_CHECKOUT, sweepInvokeCommand } from './seeAll';
import { looksLikeEventBridgeEvent, parseS3Event } from './parseVersioningEvent';
import { untrustedReason, type TrustPolicy } from './trust';
import type { TagChangeRecord, VersioningChangeRecord } from './types';

/** The most buckets one manual invocation may name when no smaller cap is given (the CLI's limit). */
export const MAX_MANUAL_BUCKETS = 1000;
/** The Lambda's cap: each bucket in drift is its own alert, so a call may page at most this many times. */
export const DEFAULT_INVOKE_MAX_BUCKETS = 25;

export interface InvocationOptions {
  /** Believe a CloudTrail record only from these accounts and Regions; unset: any (the CLI, tests). */
  trust?: TrustPolicy;
  /** Cap on the buckets of one manual invocation (at most MAX_MANUAL_BUCKETS). */
  maxBuckets?: number;
  /**
   * Where sweeps run. `here`: a schedule or {"all": true} sweeps. Otherwise the name of the function that
   * does: both are refused with `invalid-input` that names it (a schedule sent here is a wrong input, not
   * a fault: throwing would hold the error alarm in ALARM and hide the next real failure).
   */
  sweep?: 'here' | { elsewhere?: string; region?: string };
}

export type Invocation =
  | { kind: 'event'; record: VersioningChangeRecord }
  | { kind: 'tagging'; record: TagChangeRecord }
  | { kind: 'manual'; buckets: string[]; region?: string; dryRun: boolean }
  | { kind: 'sweep'; dryRun: boolean; scheduled: boolean }
  | { kind: 'test'; origin: 'lambda' | 'cli' }
  | { kind: 'ignored'; reason: string }
  | { kind: 'invalid'; reason: string; bucket?: string; account?: string; region?: string };

const Manual = lazySchema(() =>
  z.strictObject({
    bucket: z.optional(z.string().check(z.maxLength(1024))),
    buckets: z.optional(z.array(z.string().check(z.maxLength(1024))).check(z.maxLength(MAX_MANUAL_BUCKETS))),
    region: z.optional(z.string().check(z.maxLength(64))),
    all: z.optional(z.boolean()),
    dryRun: z.optional(z.boolean()),
    test: z.optional(z.literal(true)),
  }),
);

const USAGE =
  'expected a CloudTrail PutBucketVersioning event from EventBridge, {"bucket": "name"}, {"buckets": ["a", "b"]}, {"all": true} or {"test": true}, optionally with "dryRun": true and "region"';

/**
 * Tell what the handler was invoked with. Bucket names are not validated here: each one becomes its own
 * result, so one bad name in a list does not hide the others.
 */
export function parseInvocation(input: unknown, opts: InvocationOptions = {}): Invocation {
  const sweepRefused = (what: string): Invocation | undefined => {
    if (!opts.sweep || opts.sweep === 'here') return undefined;
    // Only a name that is safe in a command becomes one; the package is not on npm, so never `npx`.
    const command = sweepInvokeCommand({
      functionName: opts.sweep.elsewhere,
      region: opts.sweep.region,
      dryRun: false,
    });
    return {
      kind: 'invalid',
      reason: `${what}: this function does not sweep (its role may not list buckets); ${command ? `invoke the sweep function: ${command}` : `invoke the sweep function of this stack with {"all": true}, or ${CLI_FROM_CHECKOUT}`}`,
      ...(opts.trust && { account: opts.trust.account }),
    };
  };
  if (looksLikeEventBridgeEvent(input)) {
    const e = input as Record<string, unknown>;
    if (e.source === 'aws.events' && e['detail-type'] === 'Scheduled Event')
      return sweepRefused('a scheduled event') ?? { kind: 'sweep', dryRun: false, scheduled: true };
    const parsed = parseS3Event(input);
    if (parsed.kind !== 'record' && parsed.kind !== 'tagging') return parsed;
    const distrust = opts.trust && untrustedReason(parsed.record, opts.trust);
    if (distrust) {
      const { bucket, account, region } = parsed.record;
      return { kind: 'invalid', reason: distrust, bucket, account, region };
    }
    return parsed.kind === 'record'
      ? { kind: 'event', record: parsed.record }
      : { kind: 'tagging', record: parsed.record };
  }
  const manual = Manual().safeParse(input);
  if (!manual.success) {
    const first = manual.error.issues[0];
    const where = first?.path.length ? `${first.path.join('.')}: ` : '';
    // Zod quotes unknown keys verbatim; the caller chose them, so escape them like any other untrusted text.
    const message =
      first?.code === 'unrecognized_keys'
        ? `unknown key${first.keys.length > 1 ? 's' : ''} ${first.keys.slice(0, 5).map(describe).join(', ')}`
        : (first?.message ?? 'invalid input');
    return { kind: 'invalid', reason: `${where}${message}; ${USAGE}` };
  }
  const m = manual.data;
  // A test alert proves the channels: it is asked for alone, so that it cannot be mistaken for a check.
  if (m.test) {
    const others = Object.keys(m).filter((k) => k !== 'test');
    return others.length
      ? {
          kind: 'invalid',
          reason: `"test" cannot be combined with ${others.map((k) => `"${k}"`).join(', ')}; ${USAGE}`,
        }
      : { kind: 'test', origin: 'lambda' };
  }
  const dryRun = m.dryRun ?? false;
  const named = [...(m.bucket !== undefined ? [m.bucket] : []), ...(m.buckets ?? [])];
  if (m.region !== undefined && !isRegion(m.region)) {
    return {
      kind: 'invalid',
      reason: `region ${describe(m.region)} is not an AWS Region`,
    };
  }
  if (m.all) {
    if (named.length)
      return { kind: 'invalid', reason: `"all" cannot be combined with "bucket" or "buckets"; ${USAGE}` };
    return sweepRefused('{"all": true}') ?? { kind: 'sweep', dryRun, scheduled: false };
  }
  if (!named.length) return { kind: 'invalid', reason: `no bucket named; ${USAGE}` };
  const buckets = [...new Set(named)];
  // "bucket" plus a full "buckets" list would otherwise make one more than the limit.
  const cap = Math.min(opts.maxBuckets ?? MAX_MANUAL_BUCKETS, MAX_MANUAL_BUCKETS);
  if (buckets.length > cap) {
    return {
      kind: 'invalid',
      reason: `at most ${cap} buckets per invocation (this one named ${buckets.length}): split the list, or sweep every bucket with {"all": true}`,
    };
  }
  return { kind: 'manual', buckets, region: m.region, dryRun };
}
