// The vocabulary of mfa-delete-guard. Every status, severity and finding is a closed union,
// so the decision code reads like the spec and the compiler catches a case we forgot.

export const STATUSES = [
  'drift',
  'compliant',
  'restored',
  'attempt-failed',
  'unverified',
  'exempt',
  'not-required',
  'gone',
  'no-such-bucket',
  'ignored',
  'invalid-input',
  'scope-change',
] as const;
export type Status = (typeof STATUSES)[number];

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Versioning status as S3 reports it; `Unversioned` is the empty element of a never-versioned bucket. */
export type VersioningStatus = 'Enabled' | 'Suspended' | 'Unversioned';

/** MFA delete as S3 reports it; `NeverConfigured` is its absence (S3 omits the element then). */
export type MfaDeleteState = 'Enabled' | 'Disabled' | 'NeverConfigured';

export interface VersioningState {
  status: VersioningStatus;
  mfaDelete: MfaDeleteState;
}

export type GuardTag = 'required' | 'exempt';

export type FindingCode =
  | 'mfa-delete-disabled'
  | 'mfa-delete-never-configured'
  | 'versioning-suspended'
  | 'versioning-never-enabled'
  | 'lifecycle-blocks-remediation'
  | 'lifecycle-unknown'
  | 'tagged-required'
  | 'tagged-exempt'
  | 'excluded-by-pattern'
  | 'in-scope-all'
  | 'turned-off-by-event'
  | 'turned-on-by-event'
  | 'event-superseded'
  | 'failed-attempt'
  | 'live-check-denied'
  | 'bucket-gone'
  | 'no-such-bucket'
  | 'exemption-overridden'
  | 'guard-tag-set'
  | 'guard-tag-removed';

export interface Finding {
  code: FindingCode;
  message: string;
}

export type ActorType =
  | 'Root'
  | 'IAMUser'
  | 'AssumedRole'
  | 'FederatedUser'
  | 'IdentityCenterUser'
  | 'AWSService'
  | 'AWSAccount'
  | 'Unknown';

export interface Actor {
  type: ActorType;
  /** The type string CloudTrail gave, kept when it is not one we know. */
  rawType?: string;
  arn?: string;
  principalId?: string;
  accountId?: string;
  accessKeyId?: string;
  userName?: string;
  /** For assumed roles: the role that issued the session. */
  sessionIssuerArn?: string;
  sessionName?: string;
  mfaAuthenticated?: boolean;
  invokedBy?: string;
}

/** What a PutBucketVersioning call asked for (CloudTrail spells the key `MfaDelete`). */
export interface RequestedVersioning {
  status?: 'Enabled' | 'Suspended';
  mfaDelete?: 'Enabled' | 'Disabled';
}

/** The facts every parsed CloudTrail S3 record carries. */
export interface CloudTrailCall {
  bucket: string;
  account: string;
  region: string;
  eventId: string;
  eventTime: string;
  actor: Actor;
  sourceIp?: string;
  userAgent?: string;
  error?: { code: string; message?: string };
}

/** A CloudTrail PutBucketVersioning record, parsed and validated. */
export interface VersioningChangeRecord extends CloudTrailCall {
  requested: RequestedVersioning;
}

export const GUARD_TAG_KEY = 'mfa-delete-guard';

/** The S3 calls that change the guard's tag, and so a bucket's scope. */
export type TaggingCall = 'PutBucketTagging' | 'DeleteBucketTagging';

/**
 * What a tagging call did to the guard's tag. PutBucketTagging replaces the whole tag set and
 * DeleteBucketTagging removes it, so a call without the key leaves the bucket with no guard tag;
 * CloudTrail does not record what was there before.
 */
export type GuardTagChange = { kind: 'set'; value: string } | { kind: 'absent' };

/** A CloudTrail PutBucketTagging / DeleteBucketTagging record, parsed and validated. */
export interface TagChangeRecord extends CloudTrailCall {
  call: TaggingCall;
  guardTag: GuardTagChange;
}

export type Scope = 'configured' | 'all';

export interface GuardConfig {
  scope: Scope;
  /** Glob patterns (`*` wildcard) of bucket names that are exempt. */
  exemptPatterns: string[];
  /** Root MFA device serial; when unset, the legacy root virtual device ARN of the account. */
  rootMfaSerial?: string;
  rootProfile: string;
}

/** The bucket as S3 answered when asked live. */
export type LiveState =
  | {
      kind: 'observed';
      versioning: VersioningState;
      tag?: GuardTag;
      /**
       * Asked only for a bucket in drift, and only on the event path and in manual checks; undefined: refused.
       * `not-read`: a sweep does not ask, since the remediation script looks for one itself right before it
       * changes anything.
       */
      lifecycle?: boolean | 'not-read';
    }
  | { kind: 'denied'; errorCode: string; message: string }
  | { kind: 'gone' };

export interface Remediation {
  script: string;
  warnings: string[];
}

export type Trigger = 'cloudtrail' | 'manual' | 'sweep';

export interface CheckResult {
  bucket: string;
  account?: string;
  region?: string;
  status: Status;
  severity: Severity;
  versioning?: VersioningState;
  findings: Finding[];
  actor?: Actor;
  event?: {
    id: string;
    time: string;
    sourceIp?: string;
    userAgent?: string;
    requested: RequestedVersioning;
    /** Set for a tagging call (a scope change); absent for PutBucketVersioning. */
    tagging?: { call: TaggingCall; guardTag: GuardTagChange };
  };
  remediation?: Remediation;
  alerted: boolean;
  reason?: string;
  trigger: Trigger;
  checkedAt: string;
}

export interface Report {
  results: CheckResult[];
  /** A test alert (`{"test": true}`, `check --test`): what was sent, and where. */
  test?: TestAlertReport;
}

export interface TestAlertReport {
  id: string;
  published: boolean;
  topicArn?: string;
  messageId?: string;
}

/** The CloudTrail facts a result carries, taken from the parsed record. */
export function eventFieldsOf(
  record: VersioningChangeRecord | TagChangeRecord,
): Pick<CheckResult, 'actor' | 'event'> {
  return {
    actor: record.actor,
    event: {
      id: record.eventId,
      time: record.eventTime,
      sourceIp: record.sourceIp,
      userAgent: record.userAgent,
      requested: 'requested' in record ? record.requested : {},
      ...('guardTag' in record && { tagging: { call: record.call, guardTag: record.guardTag } }),
    },
  };
}
