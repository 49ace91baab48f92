import { z } from 'zod';
import { isRegion } from './awsIds';
import { describe } from './bucketName';
import { looksLikeEventBridgeEvent, parseVersioningEvent } from './parseVersioningEvent';
import type { VersioningChangeRecord } from './types';

export const MAX_MANUAL_BUCKETS = 1000;

export type Invocation =
  | { kind: 'event'; record: VersioningChangeRecord }
  | { kind: 'manual'; buckets: string[]; region?: string; dryRun: boolean }
  | { kind: 'sweep'; dryRun: boolean; scheduled: boolean }
  | { kind: 'ignored'; reason: string }
  | { kind: 'invalid'; reason: string; bucket?: string; account?: string; region?: string };

const Manual = z.strictObject({
  bucket: z.string().max(1024).optional(),
  buckets: z.array(z.string().max(1024)).max(MAX_MANUAL_BUCKETS).optional(),
  region: z.string().max(64).optional(),
  all: z.boolean().optional(),
  dryRun: z.boolean().optional(),
});

const USAGE =
  'expected a CloudTrail PutBucketVersioning event from EventBridge, {"bucket": "name"}, {"buckets": ["a", "b"]} or {"all": true}, optionally with "dryRun": true and "region"';

/**
 * Tell what the handler was invoked with. Bucket names are not validated here: each one becomes its own
 * result, so one bad name in a list does not hide the others.
 */
export function parseInvocation(input: unknown): Invocation {
  if (looksLikeEventBridgeEvent(input)) {
    const e = input as Record<string, unknown>;
    if (e.source === 'aws.events' && e['detail-type'] === 'Scheduled Event')
      return { kind: 'sweep', dryRun: false, scheduled: true };
    const parsed = parseVersioningEvent(input);
    return parsed.kind === 'record' ? { kind: 'event', record: parsed.record } : parsed;
  }
  const manual = Manual.safeParse(input);
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
    return { kind: 'sweep', dryRun, scheduled: false };
  }
  if (!named.length) return { kind: 'invalid', reason: `no bucket named; ${USAGE}` };
  const buckets = [...new Set(named)];
  // "bucket" plus a full "buckets" list would otherwise make one more than the limit.
  if (buckets.length > MAX_MANUAL_BUCKETS) {
    return { kind: 'invalid', reason: `at most ${MAX_MANUAL_BUCKETS} buckets per invocation; ${USAGE}` };
  }
  return { kind: 'manual', buckets, region: m.region, dryRun };
}
