// The one alert a sweep sends: counts per status, then every bucket that needs a person, worst first,
// each drift with its root-user script, cut to fit SNS's message limit and saying what was left out.
import { SEVERITY_RANK } from './decide';
import { headline, type ChatbotNotification } from './renderAlert';
import { SNS_MESSAGE_BUDGET, chatPlain, snsSubject } from './snsMessage';
import { cleanText } from './text';
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
}

export interface RenderedDigest {
  subject: string;
  /** Per-protocol messages for SNS `MessageStructure: "json"`: `default` (email and the rest) and `https` (Chatbot). */
  message: string;
  messageStructure: 'json';
  text: string;
  /** Buckets described in the message, and buckets left out to stay within the size limit. */
  included: number;
  leftOut: number;
  /** UTF-8 bytes of `message`, the figure SNS limits. */
  bytes: number;
}

export { SNS_MESSAGE_MAX_BYTES } from './snsMessage';
const CHAT_BUCKETS = 10;

export const DEFAULT_SEE_ALL =
  'run `npx mfa-delete-guard check --all` with credentials for this account, or read the "bucket checked" lines in the function\'s logs; each bucket in drift also has its own event on the EventBridge bus';

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
  return (Object.keys(STATUS_ORDER) as Status[])
    .sort((a, b) => STATUS_ORDER[a] - STATUS_ORDER[b])
    .filter((s) => (counts[s] ?? 0) > 0)
    .map((s) => `  ${s.padEnd(15)} ${n(counts[s] ?? 0).padStart(9)}`);
}

function verdict(s: SweepSummary): string {
  const drift = s.counts.drift ?? 0;
  const unverified = s.counts.unverified ?? 0;
  if (!drift && !unverified) return `all ${n(s.total)} buckets OK`;
  return [drift && `${n(drift)} in drift`, unverified && `${n(unverified)} unverified`]
    .filter(Boolean)
    .join(', ');
}

export function digestSubject(s: SweepSummary): string {
  const severity = worstSeverity(s.attention).toUpperCase();
  return snsSubject(`[${severity}] S3 MFA delete sweep: ${verdict(s)}${s.account ? ` (${s.account})` : ''}`);
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

function chatbotDigest(s: SweepSummary, sorted: CheckResult[], subject: string): ChatbotNotification {
  const top = sorted
    .slice(0, CHAT_BUCKETS)
    .map((r) => `- ${chatPlain(cleanText(headline(r), 120))} (${r.region ?? '?'})`);
  const more = sorted.length > CHAT_BUCKETS ? [`…and ${n(sorted.length - CHAT_BUCKETS)} more`] : [];
  const counts = (Object.keys(STATUS_ORDER) as Status[])
    .filter((st) => (s.counts[st] ?? 0) > 0)
    .map((st) => `${st} ${n(s.counts[st] ?? 0)}`)
    .join(' · ');
  return {
    version: '1.0',
    source: 'custom',
    id: `mfa-delete-guard-sweep-${s.account ?? 'unknown'}-${s.finishedAt}`,
    content: {
      textType: 'client-markdown',
      title: `${sorted.length ? ':rotating_light:' : ':large_green_circle:'} ${chatPlain(subject)}`,
      description: [`*Swept:* ${n(s.total)} buckets  *Counts:* ${counts || 'none'}`, ...top, ...more].join(
        '\n',
      ),
      nextSteps: sorted.length
        ? [
            'The email digest carries the root-user script for each bucket in drift.',
            `To see every bucket: ${s.seeAll ?? DEFAULT_SEE_ALL}.`,
          ]
        : [],
      keywords: ['s3', 'mfa-delete', 'sweep', s.account ?? 'unknown'],
    },
    metadata: {
      threadId: `mfa-delete-guard-sweep-${s.account ?? 'unknown'}`,
      summary: subject,
      eventType: 'S3MfaDelete-sweep',
      relatedResources: sorted.slice(0, CHAT_BUCKETS).map((r) => `arn:aws:s3:::${r.bucket}`),
      additionalContext: { account: s.account ?? '', total: String(s.total) },
    },
  };
}

/** Bytes a string adds once it is a JSON string value (escapes included, quotes not). */
const jsonBytes = (s: string) => Buffer.byteLength(JSON.stringify(s), 'utf8') - 2;

/**
 * Render the digest. The email text is the `default` key (SNS sends it to every protocol without its
 * own key, email included), so the text is paid for once; Chatbot gets a short `https` version. Buckets
 * are added worst first while the whole JSON-encoded Message stays under the budget.
 */
export function renderDigest(s: SweepSummary, opts: { maxBytes?: number } = {}): RenderedDigest {
  const budget = opts.maxBytes ?? SNS_MESSAGE_BUDGET;
  const sorted = [...s.attention].sort(worstFirst);
  const subject = digestSubject(s);
  const https = JSON.stringify(chatbotDigest(s, sorted, subject));
  const head = [
    subject,
    '',
    `Swept ${n(s.total)} buckets${s.account ? ` of account ${s.account}` : ''} from ${s.startedAt} to ${s.finishedAt}.`,
    '',
    'COUNTS',
    ...countLines(s.counts),
    '',
    '',
  ].join('\n');
  // A time-based code is accepted once: each block asks for its own, so buckets are fixed one by one.
  const howTo = sorted.some((r) => r.remediation)
    ? 'Fix the buckets one at a time: for each block, export MFA_CODE=<a fresh code from the root MFA device>, then paste that block alone (in a terminal you may paste it without MFA_CODE and type the code when asked).\n\n'
    : '';
  const heading = (left: number) =>
    sorted.length === 0
      ? 'Nothing needs a person.\n'
      : `NEEDS A PERSON, WORST FIRST (${n(sorted.length)}${left ? `; ${n(left)} left out to fit the 256 KB message limit: to see them all, ${s.seeAll ?? DEFAULT_SEE_ALL}` : ''})\n\n${howTo}`;
  const build = (body: string, left: number) => `${head}${heading(left)}${body}`;
  const message = (text: string) => JSON.stringify({ default: text, https });

  // The heading's length depends on the count left out: reserve its longest form.
  let used = Buffer.byteLength(message(build('', sorted.length)), 'utf8');
  const sections: string[] = [];
  for (const r of sorted) {
    const section = bucketSection(r, sections.length + 1);
    const cost = jsonBytes(section);
    if (used + cost > budget) break;
    used += cost;
    sections.push(section);
  }
  let text = build(sections.join(''), sorted.length - sections.length);
  let msg = message(text);
  // The estimate is exact up to the heading; trim should it ever be off.
  while (Buffer.byteLength(msg, 'utf8') > budget && sections.length) {
    sections.pop();
    text = build(sections.join(''), sorted.length - sections.length);
    msg = message(text);
  }
  return {
    subject,
    message: msg,
    messageStructure: 'json',
    text,
    included: sections.length,
    leftOut: sorted.length - sections.length,
    bytes: Buffer.byteLength(msg, 'utf8'),
  };
}
