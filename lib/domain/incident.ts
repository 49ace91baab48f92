// The incident behind a drift alert or a failed attempt, in a few lines every channel shows before the
// caller's facts: were root credentials used, why it matters, what to check first, and where root's other
// activity is. Only our own sentences and validated names: the identity, IP and user agent stay untrusted
// facts of the caller (alertText.callerFacts), escaped by each channel.
import { isAccountId, isRegion, partitionOf } from './awsIds';
import { removesProtection } from './alertText';
import { isValidBucketName } from './bucketName';
import type { Actor, CheckResult } from './types';

export interface IncidentFrame {
  /** Our verdict on the credentials, one short line. */
  verdict: string;
  /** Why it matters, one line. */
  why: string;
  /** The first checks, one line. */
  checks: string;
  /** CloudTrail event history filtered to root activity in the account around the change. */
  rootActivity?: string;
}

const ROOT_ARN = /^arn:aws(?:-[a-z]+)*:iam::\d{12}:root$/;

/** Root credentials: CloudTrail's userIdentity.type Root, or the account's root ARN. */
export const isRootActor = (actor: Actor | undefined): boolean =>
  actor !== undefined && (actor.type === 'Root' || (actor.arn !== undefined && ROOT_ARN.test(actor.arn)));

// AWS documents no console URL format. This is the event-history form in wide public use, with the
// LookupEvents attribute name (Username; root's events carry the user name "root") and a time range:
// https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_LookupEvents.html
const HOUR = 3_600_000;
const isoSeconds = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export function rootActivityLink(r: Pick<CheckResult, 'region' | 'event' | 'checkedAt'>): string | undefined {
  // Only the commercial partition: the China and GovCloud consoles live elsewhere and were not checked.
  if (!r.region || !isRegion(r.region) || partitionOf(r.region) !== 'aws') return undefined;
  const at = Date.parse(r.event?.time ?? r.checkedAt);
  if (Number.isNaN(at)) return undefined;
  // A day before (root's sign-in or a new root key usually comes first) to an hour after.
  const start = isoSeconds(at - 24 * HOUR);
  const end = isoSeconds(at + HOUR);
  const region = encodeURIComponent(r.region);
  return `https://${r.region}.console.aws.amazon.com/cloudtrail/home?region=${region}#/events?Username=root&StartTime=${encodeURIComponent(start)}&EndTime=${encodeURIComponent(end)}`;
}

export const WHY_IT_MATTERS =
  'Turning MFA delete off or suspending versioning is a known ransomware preparation step: it lets an attacker destroy every object version next.';

function checksFor(r: CheckResult): string {
  const bucket = isValidBucketName(r.bucket, r.region) ? r.bucket : 'the bucket';
  // The event time is the caller's record: only a parsed, re-printed timestamp goes into our sentence.
  const at = Date.parse(r.event?.time ?? '');
  const since = Number.isNaN(at) ? 'in the last days' : `since ${isoSeconds(at)}`;
  const account = isAccountId(r.account) ? ` of account ${r.account}` : '';
  return `Other root activity${account} (link); DeleteObject with a versionId or PutBucketLifecycleConfiguration on ${bucket} ${since}; new access keys (CreateAccessKey), root's first.`;
}

/** The frame of a drift alert or a failed attempt; undefined for every other status. */
export function incidentFrame(r: CheckResult): IncidentFrame | undefined {
  if (r.status !== 'drift' && r.status !== 'attempt-failed') return undefined;
  const root = isRootActor(r.actor);
  const base = { why: WHY_IT_MATTERS, checks: checksFor(r), rootActivity: rootActivityLink(r) };
  if (r.status === 'attempt-failed') {
    const what = removesProtection(r) ? 'remove protection from' : 'change versioning on';
    return {
      ...base,
      verdict: root
        ? `Root credentials were used in a refused attempt to ${what} this bucket.`
        : `A refused attempt to ${what} this bucket by a non-root identity (named below): someone is probing.`,
    };
  }
  if (!r.event) {
    return {
      ...base,
      verdict: `Found by a ${r.trigger === 'sweep' ? 'sweep' : 'manual check'}, without the CloudTrail record: who changed it is in root's activity and the bucket's events.`,
    };
  }
  return {
    ...base,
    verdict: root
      ? 'Root credentials were used (CloudTrail userIdentity.type Root): treat the root user as compromised until the owner confirms.'
      : 'Root credentials were not used for the last change (only root can turn MFA delete off; anyone allowed can suspend versioning).',
  };
}
