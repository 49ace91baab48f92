// The identity of one CloudTrail-triggered alert for de-duplication. The caller chooses the eventID of a
// record it invokes the function with, so the eventID alone would let a crafted copy, sent first,
// suppress the real alert for the de-duplication window. The key is the eventID plus a digest of what
// the alert says: a redelivery of the same record has the same key; a crafted copy that differs in any
// reported fact (caller, bucket, request, time) has another and cannot suppress the real one.
import { createHash } from 'node:crypto';
import type { CheckResult } from './types';

export function contentDigest(r: CheckResult): string {
  const facts = [r.bucket, r.account, r.region, r.actor ?? null, r.event ?? null];
  return createHash('sha256').update(JSON.stringify(facts)).digest('base64url').slice(0, 32);
}

/** `eventID#digest`, or undefined for a result without a CloudTrail event (never de-duplicated). */
export function deliveryEventKey(r: CheckResult): string | undefined {
  if (r.trigger !== 'cloudtrail' || !r.event?.id) return undefined;
  return `${r.event.id}#${contentDigest(r)}`;
}
