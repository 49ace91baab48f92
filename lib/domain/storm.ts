// Storm grouping: one terraform apply or one attacker script touches versioning on hundreds of buckets
// within a minute; the team gets one grouped alert per account and window instead of one page per bucket.
//
// What "within the window" means: the check function reads CloudTrail records from a queue in batches,
// gathered for up to stormWindowSeconds (the event source mapping's MaximumBatchingWindowInSeconds). In
// one batch, the alerting results of one account are sorted by their CloudTrail eventTime and cut into
// windows: a window starts at its earliest eventTime and holds every result less than stormWindowSeconds
// later. A window with more than stormThreshold results is one grouped alert; a smaller one stays one
// alert per bucket. Records of one storm that land in two batches make two windows (so two groups, or a
// group and a few single alerts): the grouping never waits for a record it has not received.
import { createHash } from 'node:crypto';
import { deliveryEventKey } from './deliveryKey';
import { worstSeverity } from './digest';
import { WHY_IT_MATTERS, isRootActor, rootActivityLink } from './incident';
import { actorSummary, cleanText } from './text';
import type { CheckResult, Severity, Status } from './types';

export interface StormConfig {
  /** More than this many alerting results for one account in one window are grouped. */
  threshold: number;
  windowSeconds: number;
}

export const DEFAULT_STORM: StormConfig = { threshold: 5, windowSeconds: 60 };

/** Lambda's MaximumBatchingWindowInSeconds is 0 to 300, and it bounds the window a batch can show. */
export const MAX_STORM_WINDOW_SECONDS = 300;

/** STORM_THRESHOLD and STORM_WINDOW_SECONDS, checked; a bad value is a one-line error at cold start. */
export function stormConfigFromEnv(env: Record<string, string | undefined>): StormConfig {
  const read = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name]?.trim();
    if (!raw) return fallback;
    const v = Number(raw);
    if (!Number.isInteger(v) || v < min || v > max)
      throw new Error(`${name} must be a whole number from ${min} to ${max}, not ${JSON.stringify(raw)}`);
    return v;
  };
  return {
    threshold: read('STORM_THRESHOLD', DEFAULT_STORM.threshold, 1, 10_000),
    windowSeconds: read('STORM_WINDOW_SECONDS', DEFAULT_STORM.windowSeconds, 1, MAX_STORM_WINDOW_SECONDS),
  };
}

/** One actor of a storm: who, from where, how many of its buckets. Every text is the caller's: untrusted. */
export interface StormActor {
  who: string;
  root: boolean;
  sourceIps: string[];
  userAgents: string[];
  buckets: number;
}

/** What a grouped alert says beyond a digest: the window and who acted from where. */
export interface StormInfo {
  windowSeconds: number;
  firstEventAt: string;
  lastEventAt: string;
  /** Most buckets first; at most STORM_ACTORS, the rest counted. */
  actors: StormActor[];
  otherActors: number;
  /** Whether any result in the group was made with root credentials. */
  rootUsed: boolean;
}

export interface StormGroup {
  account: string;
  results: CheckResult[];
  info: StormInfo;
  severity: Severity;
  /** The de-duplication key of the grouped alert: a redelivered batch makes the same key. */
  key: string;
}

export interface DeliveryPlan {
  singles: CheckResult[];
  groups: StormGroup[];
}

export const STORM_ACTORS = 10;
const LIST_MAX = 3;

const eventMs = (r: CheckResult): number => {
  const t = Date.parse(r.event?.time ?? r.checkedAt);
  return Number.isNaN(t) ? Date.parse(r.checkedAt) : t;
};

function actorsOf(results: CheckResult[]): { actors: StormActor[]; others: number } {
  const by = new Map<string, StormActor>();
  for (const r of results) {
    const who = cleanText(actorSummary(r.actor), 300);
    const a = by.get(who) ?? { who, root: isRootActor(r.actor), sourceIps: [], userAgents: [], buckets: 0 };
    a.buckets++;
    const ip = r.event?.sourceIp && cleanText(r.event.sourceIp, 64);
    if (ip && !a.sourceIps.includes(ip) && a.sourceIps.length < LIST_MAX) a.sourceIps.push(ip);
    const ua = r.event?.userAgent && cleanText(r.event.userAgent, 200);
    if (ua && !a.userAgents.includes(ua) && a.userAgents.length < LIST_MAX) a.userAgents.push(ua);
    by.set(who, a);
  }
  const all = [...by.values()].sort((x, y) => y.buckets - x.buckets || (x.who < y.who ? -1 : 1));
  return { actors: all.slice(0, STORM_ACTORS), others: all.length - Math.min(all.length, STORM_ACTORS) };
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The key of a group: its account and every member's own delivery key, in order. */
function groupKey(account: string, results: CheckResult[]): string {
  const members = results.map((r) => deliveryEventKey(r) ?? `${r.bucket}#${r.checkedAt}`).sort();
  return `storm#${account}#${createHash('sha256').update(JSON.stringify(members)).digest('base64url').slice(0, 32)}`;
}

/** Split one batch's alerting results into grouped alerts (per account and window) and single alerts. */
export function planStorms(alerting: CheckResult[], cfg: StormConfig = DEFAULT_STORM): DeliveryPlan {
  const plan: DeliveryPlan = { singles: [], groups: [] };
  const byAccount = new Map<string, CheckResult[]>();
  for (const r of alerting) {
    // Without a known account there is nothing to group by: such a result is alerted on its own.
    if (!r.account) plan.singles.push(r);
    else byAccount.set(r.account, [...(byAccount.get(r.account) ?? []), r]);
  }
  for (const [account, results] of byAccount) {
    const sorted = [...results].sort((a, b) => eventMs(a) - eventMs(b) || (a.bucket < b.bucket ? -1 : 1));
    let i = 0;
    while (i < sorted.length) {
      const start = eventMs(sorted[i]!);
      let j = i;
      while (j < sorted.length && eventMs(sorted[j]!) - start < cfg.windowSeconds * 1000) j++;
      const window = sorted.slice(i, j);
      if (window.length > cfg.threshold) {
        const { actors, others } = actorsOf(window);
        plan.groups.push({
          account,
          results: window,
          severity: worstSeverity(window),
          key: groupKey(account, window),
          info: {
            windowSeconds: cfg.windowSeconds,
            firstEventAt: iso(start),
            lastEventAt: iso(eventMs(window[window.length - 1]!)),
            actors,
            otherActors: others,
            rootUsed: window.some((r) => isRootActor(r.actor)),
          },
        });
      } else {
        plan.singles.push(...window);
      }
      i = j;
    }
  }
  return plan;
}

/** The counts of a group's statuses, for the digest form it is published in. */
export function statusCounts(results: CheckResult[]): Partial<Record<Status, number>> {
  const counts: Partial<Record<Status, number>> = {};
  for (const r of results) counts[r.status] = (counts[r.status] ?? 0) + 1;
  return counts;
}

// ------------------------------------------------------------------------------- what channels say

const n = (x: number) => x.toLocaleString('en-US');

/** "300 buckets changed in account 111122223333 within 60 s" */
export function stormHeadline(total: number, account: string | undefined, info: StormInfo): string {
  return `Storm: ${n(total)} buckets changed${account ? ` in account ${account}` : ''} within ${info.windowSeconds} s`;
}

/** The incident frame of a storm: our sentences only; the actors are the caller's text (untrusted). */
export function stormFrame(
  info: StormInfo,
  first: Pick<CheckResult, 'region' | 'checkedAt'> | undefined,
): { verdict: string; why: string; checks: string; rootActivity?: string } {
  const rootActivity =
    first && rootActivityLink({ ...first, event: undefined, checkedAt: info.firstEventAt });
  return {
    verdict: info.rootUsed
      ? 'Root credentials were used for at least one of these changes (CloudTrail userIdentity.type Root): treat the root user as compromised until the owner confirms.'
      : 'Root credentials were not used for these changes: the identities below made them.',
    why: WHY_IT_MATTERS,
    checks: `Other root activity (link); DeleteObject with a versionId or PutBucketLifecycleConfiguration on these buckets since ${info.firstEventAt}; new access keys (CreateAccessKey), root's first.`,
    ...(rootActivity && { rootActivity }),
  };
}

/** One actor in one line: who, how many buckets, from which IPs and user agents (all cleaned, bounded). */
export function actorLine(a: StormActor): string {
  return `${a.who}: ${n(a.buckets)} bucket${a.buckets === 1 ? '' : 's'}; from ${a.sourceIps.join(', ') || 'unknown IP'}; user agent ${a.userAgents.join(' | ') || 'unknown'}`;
}
