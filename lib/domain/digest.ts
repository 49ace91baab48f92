// What every channel's rendering of the sweep digest shares: the order of statuses and buckets, the
// counts, the subject and one bucket's text section. The renderings are in lib/channels/<name>/digest.ts;
// lib/channels/publish.ts fits the digest into one SNS message.
import { SEVERITY_RANK } from './decide';
import { headline } from './alertText';
import { snsSubject } from './snsMessage';
import { cleanText } from './text';
import type { AccountOutcome } from './org';
import { stormHeadline, type StormInfo } from './storm';
import type { CheckResult, Severity, Status } from './types';

/** Display order of the counts; a Record so that a new status cannot be forgotten here. */
const STATUS_ORDER: Record<Status, number> = {
  drift: 0,
  unverified: 1,
  'scope-change': 2,
  'attempt-failed': 3,
  restored: 4,
  compliant: 5,
  exempt: 6,
  'not-required': 7,
  gone: 8,
  'no-such-bucket': 9,
  'invalid-input': 10,
  ignored: 11,
};

export type StatusCounts = Partial<Record<Status, number>>;

export interface SweepSummary {
  account?: string;
  startedAt: string;
  finishedAt: string;
  /** Buckets checked. */
  total: number;
  counts: StatusCounts;
  /** The buckets that need a person (drift, unverified), in any order. */
  attention: CheckResult[];
  /** Where the full list can be seen, for the "left out" note. */
  seeAll?: string;
  /** An org sweep (organization mode): every account, checked or named with why not (lib/domain/org.ts). */
  org?: OrgCoverage;
  /** A storm's grouped alert (lib/domain/storm.ts) is published as a digest with this set. */
  storm?: StormInfo;
}

/** An org sweep's coverage, as the digest carries it. */
export interface OrgCoverage {
  accounts: AccountOutcome[];
}

/** How many accounts an org sweep could not check. */
export const notCoveredCount = (org: OrgCoverage | undefined): number =>
  org ? org.accounts.filter((a) => !a.covered).length : 0;

/** An account nobody checked is at least as worrying as a bucket nobody could read (medium). */
export function digestSeverity(worst: Severity, org: OrgCoverage | undefined): Severity {
  return notCoveredCount(org) && SEVERITY_RANK[worst] < SEVERITY_RANK.medium ? 'medium' : worst;
}

/** Drift before unverified, then most severe first, then by name so the order is stable. */
export function worstFirst(a: CheckResult, b: CheckResult): number {
  return (
    STATUS_ORDER[a.status] - STATUS_ORDER[b.status] ||
    SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
    (a.bucket < b.bucket ? -1 : a.bucket > b.bucket ? 1 : 0)
  );
}

export function worstSeverity(results: CheckResult[]): Severity {
  let worst: Severity = 'info';
  for (const r of results) if (SEVERITY_RANK[r.severity] > SEVERITY_RANK[worst]) worst = r.severity;
  return worst;
}

const n = (x: number) => x.toLocaleString('en-US');

export function countLines(counts: StatusCounts): string[] {
  return countedStatuses(counts).map((s) => `  ${s.padEnd(15)} ${n(counts[s] ?? 0).padStart(9)}`);
}

/** The statuses with a count, in display order. */
export const countedStatuses = (counts: StatusCounts): Status[] =>
  (Object.keys(STATUS_ORDER) as Status[])
    .sort((a, b) => STATUS_ORDER[a] - STATUS_ORDER[b])
    .filter((s) => (counts[s] ?? 0) > 0);

/** "2 in drift, 1 unverified" or "all 42 buckets OK"; an org sweep adds "3 accounts not covered". */
export function verdict(s: Pick<SweepSummary, 'counts' | 'total' | 'org'>): string {
  const drift = s.counts.drift ?? 0;
  const unverified = s.counts.unverified ?? 0;
  const missing = notCoveredCount(s.org);
  const accounts = missing ? `, ${n(missing)} account${missing > 1 ? 's' : ''} not covered` : '';
  if (!drift && !unverified) return `all ${n(s.total)} buckets OK${accounts}`;
  return [drift && `${n(drift)} in drift`, unverified && `${n(unverified)} unverified`]
    .filter(Boolean)
    .join(', ')
    .concat(accounts);
}

/** "sweep", or "org sweep" for organization mode's. */
export const sweepName = (s: Pick<SweepSummary, 'org'>): string => (s.org ? 'org sweep' : 'sweep');

export function digestSubject(
  s: Pick<SweepSummary, 'account' | 'counts' | 'total' | 'org' | 'storm'> & { severity: Severity },
): string {
  if (s.storm)
    return snsSubject(`[${s.severity.toUpperCase()}] S3 ${stormHeadline(s.total, s.account, s.storm)}`);
  return snsSubject(
    `[${s.severity.toUpperCase()}] S3 MFA delete ${sweepName(s)}: ${verdict(s)}${s.account ? ` (${s.account})` : ''}`,
  );
}

/** One bucket's part of the email: its headline, then for drift the warnings and the script. */
export function bucketSection(r: CheckResult, index: number): string {
  const where = `${r.region ?? 'unknown Region'}${r.account ? `, account ${r.account}` : ''}`;
  const lines = [`${index}. [${r.severity.toUpperCase()}] ${cleanText(headline(r), 120)} (${where})`];
  if (r.status !== 'drift') {
    lines.push(`   ${cleanText(r.reason ?? r.findings[0]?.message ?? 'the live check was refused', 300)}`);
  } else if (r.remediation) {
    lines.push(
      ...r.remediation.warnings.map((w) => `   ! ${w}`),
      '   ----- paste from here -----',
      r.remediation.script.trimEnd(),
      '   ----- to here -----',
    );
  } else {
    lines.push(`   No script: ${cleanText(r.reason ?? 'the account ID is unknown', 300)}`);
  }
  return `${lines.join('\n')}\n\n`;
}
