// The contract of the alert topic: everything that can land on it, as one closed union. The guard
// publishes alerts, notices, digests and test alerts in a machine JSON form (`source: mfa-delete-guard`,
// a `kind`); the stack's CloudWatch alarms publish AWS's alarm JSON; anything else is someone else's.
// classifyTopicMessage is the one place where a raw SNS message becomes a TopicMessage, and it never
// throws: a subscriber renders every kind, and fails only when its own destination refuses.
import * as z from 'zod/mini';
import { lazySchema } from './schema';
import { looksLikeAlarm, parseAlarmNotification, type AlarmNotification } from './alarmNotification';
import { SEVERITY_RANK } from './decide';
import type { OrgCoverage } from './digest';
import { cleanText } from './text';
import type { StormInfo } from './storm';
import { SEVERITIES, STATUSES, type CheckResult, type Severity, type Status } from './types';

export const TOPIC_MESSAGE_KINDS = [
  'alert',
  'notice',
  'digest',
  'test',
  'alarm',
  'unverified',
  'unrecognised',
] as const;
export type TopicMessageKind = (typeof TOPIC_MESSAGE_KINDS)[number];

export const MESSAGE_SOURCE = 'mfa-delete-guard';

export type StatusCounts = Partial<Record<Status, number>>;

/** One sweep's digest, as its machine form carries it: only the buckets that fitted are described. */
export interface DigestMessage {
  account?: string;
  startedAt: string;
  finishedAt: string;
  /** Buckets checked. */
  total: number;
  counts: StatusCounts;
  /** The worst severity among the buckets that need a person (info when none does). */
  severity: Severity;
  /** Buckets that need a person and fitted in the message, worst first. */
  attention: CheckResult[];
  /**
   * How many of `attention`, from the first, carry their root script. The email digest carries every one;
   * the machine copy only the first few, so that a script is not paid for twice in SNS's 256 KB.
   */
  scripts: number;
  /** Buckets that need a person but were left out to stay within SNS's size limit. */
  leftOut: number;
  /** Where every bucket can be seen: commands that work where the reader is. */
  seeAll: string;
  /** An org sweep (organization mode): every account, with its counts or why it was not checked. */
  org?: OrgCoverage;
  /** Set when this is a storm's grouped alert rather than a sweep's digest: the window and the actors. */
  storm?: StormInfo;
}

/** A synthetic message that proves every channel delivers; it describes no bucket and carries no script. */
export interface TestAlert {
  id: string;
  account?: string;
  region?: string;
  sentAt: string;
  /** Who asked for it: the check function ({"test": true}) or the CLI (check --test). */
  origin: 'lambda' | 'cli';
}

/** A message we cannot vouch for: shown as text, bounded and cleaned; each channel escapes it. */
export interface ForeignMessage {
  subject?: string;
  excerpt: string;
  /** Our own words: why it is not one of ours (or why its signature failed, for `unverified`). */
  reason: string;
  /** Characters of the message left out of the excerpt. */
  omitted: number;
}

export type TopicMessage =
  | { kind: 'alert'; result: CheckResult }
  | { kind: 'notice'; result: CheckResult }
  | { kind: 'digest'; digest: DigestMessage }
  | { kind: 'test'; test: TestAlert }
  | { kind: 'alarm'; alarm: AlarmNotification }
  | { kind: 'unverified'; foreign: ForeignMessage }
  | { kind: 'unrecognised'; foreign: ForeignMessage };

// ------------------------------------------------------------------------------------- machine forms

// Built the first time a message is classified (a notifier), never by the check, which only publishes.
const schemas = lazySchema(() => {
  const severity = z.enum(SEVERITIES);
  const status = z.enum(STATUSES);
  const count = z.int().check(z.nonnegative());
  const optionalString = z.optional(z.string());
  const requested = z.object({
    status: z.optional(z.enum(['Enabled', 'Suspended'])),
    mfaDelete: z.optional(z.enum(['Enabled', 'Disabled'])),
  });

  /** Field names mirror CheckResult (lib/domain/types.ts); the golden and notifier tests round-trip it. */
  const checkResultSchema = z.object({
    bucket: z.string(),
    account: optionalString,
    region: optionalString,
    status,
    severity,
    versioning: z.optional(
      z.object({
        status: z.enum(['Enabled', 'Suspended', 'Unversioned']),
        mfaDelete: z.enum(['Enabled', 'Disabled', 'NeverConfigured']),
      }),
    ),
    findings: z.array(z.object({ code: z.string(), message: z.string() })),
    actor: z.optional(
      z.object({
        type: z.string(),
        rawType: optionalString,
        arn: optionalString,
        principalId: optionalString,
        accountId: optionalString,
        accessKeyId: optionalString,
        userName: optionalString,
        sessionIssuerArn: optionalString,
        sessionName: optionalString,
        mfaAuthenticated: z.optional(z.boolean()),
        invokedBy: optionalString,
      }),
    ),
    event: z.optional(
      z.object({
        id: z.string(),
        time: z.string(),
        sourceIp: optionalString,
        userAgent: optionalString,
        requested,
        tagging: z.optional(
          z.object({
            call: z.enum(['PutBucketTagging', 'DeleteBucketTagging']),
            guardTag: z.discriminatedUnion('kind', [
              z.object({ kind: z.literal('set'), value: z.string() }),
              z.object({ kind: z.literal('absent') }),
            ]),
          }),
        ),
      }),
    ),
    remediation: z.optional(z.object({ script: z.string(), warnings: z.array(z.string()) })),
    alerted: z.boolean(),
    reason: optionalString,
    trigger: z.enum(['cloudtrail', 'manual', 'sweep']),
    checkedAt: z.string(),
  });

  // An alert from before `kind` existed (a message replayed from a dead-letter queue) is still an alert.
  const machineAlert = z.object({
    source: z.literal(MESSAGE_SOURCE),
    kind: z.optional(z.literal('alert')),
    result: checkResultSchema,
  });

  const shortString = (max: number) => z.string().check(z.maxLength(max));

  const machineDigest = z.object({
    source: z.literal(MESSAGE_SOURCE),
    kind: z.literal('digest'),
    account: optionalString,
    startedAt: z.string(),
    finishedAt: z.string(),
    total: count,
    counts: z.partialRecord(status, count),
    severity,
    attention: z.array(checkResultSchema),
    scripts: count,
    leftOut: count,
    seeAll: z.string(),
    org: z.optional(
      z.object({
        accounts: z.array(
          z.discriminatedUnion('covered', [
            z.object({
              account: z.string(),
              covered: z.literal(true),
              total: count,
              counts: z.partialRecord(status, count),
            }),
            z.object({ account: z.string(), covered: z.literal(false), reason: z.string() }),
          ]),
        ),
      }),
    ),
    storm: z.optional(
      z.object({
        windowSeconds: z.int().check(z.positive()),
        firstEventAt: shortString(40),
        lastEventAt: shortString(40),
        actors: z
          .array(
            z.object({
              who: shortString(400),
              root: z.boolean(),
              sourceIps: z.array(shortString(100)).check(z.maxLength(10)),
              userAgents: z.array(shortString(300)).check(z.maxLength(10)),
              buckets: z.int().check(z.positive()),
            }),
          )
          .check(z.maxLength(50)),
        otherActors: count,
        rootUsed: z.boolean(),
      }),
    ),
  });

  const machineTest = z.object({
    source: z.literal(MESSAGE_SOURCE),
    kind: z.literal('test'),
    id: shortString(200),
    account: optionalString,
    region: optionalString,
    sentAt: shortString(40),
    origin: z.enum(['lambda', 'cli']),
  });

  return { machineAlert, machineDigest, machineTest };
});

/** The machine JSON of a digest (the `default` key of its SNS publish). */
export const machineDigestOf = (d: DigestMessage) => ({
  source: MESSAGE_SOURCE,
  kind: 'digest' as const,
  ...d,
});
/** The machine JSON of a test alert. */
export const machineTestOf = (t: TestAlert) => ({ source: MESSAGE_SOURCE, kind: 'test' as const, ...t });

/** restored and attempt-failed are notices, not incidents: a few lines, no runbook. */
export const isNoticeStatus = (s: Status): boolean => s === 'restored' || s === 'attempt-failed';

/** An alert or notice for one result, by its status. */
export const resultMessage = (result: CheckResult): TopicMessage =>
  isNoticeStatus(result.status) ? { kind: 'notice', result } : { kind: 'alert', result };

// ------------------------------------------------------------------------------------ classification

export const SUBJECT_EXCERPT_MAX = 100;
export const MESSAGE_EXCERPT_MAX = 500;

/** A bounded, cleaned excerpt of a message we do not trust; channels escape it for their markup. */
export function foreignMessage(
  subject: string | null | undefined,
  message: string,
  reason: string,
): ForeignMessage {
  const cleaned = cleanText(message, Number.MAX_SAFE_INTEGER);
  const excerpt = cleanText(cleaned, MESSAGE_EXCERPT_MAX);
  const s = subject ? cleanText(subject, SUBJECT_EXCERPT_MAX) : '';
  return {
    ...(s && { subject: s }),
    excerpt: excerpt || '(empty message)',
    reason,
    // cleanText ends a cut excerpt with one '…' in place of the characters from there on.
    omitted: cleaned.length > MESSAGE_EXCERPT_MAX ? cleaned.length - (excerpt.length - 1) : 0,
  };
}

/** A synthetic test alert; its ID says where and when, so that two tests are told apart. */
export function newTestAlert(opts: {
  account?: string;
  region?: string;
  now: Date;
  origin: TestAlert['origin'];
}): TestAlert {
  const sentAt = opts.now.toISOString();
  return {
    id: `mfa-delete-guard-test-${opts.account ?? 'unknown'}-${sentAt.replace(/[-:.]/g, '')}`,
    ...(opts.account && { account: opts.account }),
    ...(opts.region && { region: opts.region }),
    sentAt,
    origin: opts.origin,
  };
}

/** For a subscriber that checks signatures: the message whose signature did not verify. */
export const unverifiedMessage = (
  subject: string | null | undefined,
  message: string,
  reason: string,
): TopicMessage => ({ kind: 'unverified', foreign: foreignMessage(subject, message, reason) });

const unrecognised = (subject: string | null | undefined, message: string, reason: string): TopicMessage => ({
  kind: 'unrecognised',
  foreign: foreignMessage(subject, message, reason),
});

const firstIssue = (error: z.core.$ZodError) => {
  const issue = error.issues[0];
  return `${issue?.path.join('.') || 'root'}: ${issue?.code ?? 'invalid'}`;
};

/**
 * The one place a raw SNS message (the Subject and the Message a subscriber receives) becomes a
 * TopicMessage. Never throws: what is not ours, or not in our format, is `unrecognised`.
 */
export function classifyTopicMessage(subject: string | null | undefined, message: string): TopicMessage {
  let json: unknown;
  try {
    json = JSON.parse(message);
  } catch {
    return unrecognised(subject, message, 'plain text, not a message from mfa-delete-guard');
  }
  if (typeof json === 'object' && json !== null && (json as { source?: unknown }).source === MESSAGE_SOURCE) {
    const kind = (json as { kind?: unknown }).kind;
    if (kind === 'digest') {
      const parsed = schemas().machineDigest.safeParse(json);
      if (parsed.success) {
        const { source: _s, kind: _k, ...digest } = parsed.data;
        return { kind: 'digest', digest: digest as DigestMessage };
      }
      return unrecognised(
        subject,
        message,
        `a digest not in this version's format (${firstIssue(parsed.error)})`,
      );
    }
    if (kind === 'test') {
      const parsed = schemas().machineTest.safeParse(json);
      if (parsed.success) {
        const { source: _s, kind: _k, ...test } = parsed.data;
        return { kind: 'test', test };
      }
      return unrecognised(
        subject,
        message,
        `a test alert not in this version's format (${firstIssue(parsed.error)})`,
      );
    }
    const parsed = schemas().machineAlert.safeParse(json);
    if (parsed.success) return resultMessage(parsed.data.result as CheckResult);
    return unrecognised(
      subject,
      message,
      `an mfa-delete-guard message not in this version's format (${firstIssue(parsed.error)})`,
    );
  }
  if (looksLikeAlarm(json)) {
    const alarm = parseAlarmNotification(json);
    if (alarm.ok) return { kind: 'alarm', alarm: alarm.alarm };
    return unrecognised(subject, message, alarm.reason);
  }
  return unrecognised(subject, message, 'JSON from another source, not a message from mfa-delete-guard');
}

// ---------------------------------------------------------------------------------------- filtering

/** The severity a minimum-severity filter compares; undefined: always delivered (the guard's own health, tests, strangers). */
export function severityOf(m: TopicMessage): Severity | undefined {
  switch (m.kind) {
    case 'alert':
    case 'notice':
      return m.result.severity;
    case 'digest':
      return m.digest.severity;
    case 'test':
    case 'alarm':
    case 'unverified':
    case 'unrecognised':
      return undefined;
  }
}

export const passesMinSeverity = (m: TopicMessage, min: Severity): boolean => {
  const s = severityOf(m);
  return s === undefined || SEVERITY_RANK[s] >= SEVERITY_RANK[min];
};
