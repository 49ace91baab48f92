import type {
  Finding,
  GuardConfig,
  GuardTag,
  LiveState,
  Severity,
  Status,
  TagChangeRecord,
  VersioningChangeRecord,
  VersioningState,
} from './types';

export interface Decision {
  status: Status;
  severity: Severity;
  findings: Finding[];
}

/** Statuses that page a person. */
export const ALERTING_STATUSES: ReadonlySet<Status> = new Set([
  'drift',
  'unverified',
  'restored',
  'attempt-failed',
  'scope-change',
]);

export const SEVERITY_RANK: Record<Severity, number> = { critical: 4, high: 3, medium: 2, low: 1, info: 0 };

/** `*` matches any run of characters; everything else is literal. */
export function matchesPattern(bucket: string, pattern: string): boolean {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`).test(bucket);
}

export function isExemptByPattern(bucket: string, config: GuardConfig): string | undefined {
  return config.exemptPatterns.find((p) => matchesPattern(bucket, p));
}

/**
 * Decide one bucket's status from what the event (if any) asked for and what S3 says now.
 * The live state wins: events arrive late, out of order, or not at all.
 */
export function decide(
  bucket: string,
  live: LiveState,
  config: GuardConfig,
  record?: VersioningChangeRecord,
): Decision {
  const findings: Finding[] = [];
  const failed = record?.error;
  if (failed) {
    findings.push({
      code: 'failed-attempt',
      message: `PutBucketVersioning was refused with ${failed.code}${failed.message ? ` (${failed.message})` : ''}: nothing changed, but someone tried.`,
    });
  }

  if (live.kind === 'gone') {
    return {
      status: 'gone',
      severity: 'info',
      findings: [...findings, { code: 'bucket-gone', message: `Bucket ${bucket} no longer exists.` }],
    };
  }
  // A pattern needs no live state: a bucket the operator excluded by name must not page because S3
  // refused to describe it (the tag, by contrast, can only be read when S3 answers).
  const pattern = isExemptByPattern(bucket, config);
  if (live.kind === 'denied' && pattern) {
    findings.push({
      code: 'excluded-by-pattern',
      message: `Excluded by the pattern ${JSON.stringify(pattern)}.`,
    });
    return { status: 'exempt', severity: 'info', findings };
  }
  if (live.kind === 'denied') {
    findings.push({
      code: 'live-check-denied',
      message: `GetBucketVersioning was refused (${live.errorCode}): the live state could not be confirmed.`,
    });
    return failed
      ? { status: 'attempt-failed', severity: 'medium', findings }
      : { status: 'unverified', severity: 'medium', findings };
  }

  const v = live.versioning;
  if (live.tag === 'exempt' || pattern) {
    const exemption: Finding =
      live.tag === 'exempt'
        ? { code: 'tagged-exempt', message: 'Tagged mfa-delete-guard=exempt.' }
        : { code: 'excluded-by-pattern', message: `Excluded by the pattern ${JSON.stringify(pattern)}.` };
    // MFA delete was on and someone (the root user) turned it off: an exemption, which anyone allowed to
    // tag can add, must not hide that. It lowers the severity instead; the bucket is still reported.
    if (v.mfaDelete !== 'Disabled')
      return { status: 'exempt', severity: 'info', findings: [...findings, exemption] };
    const drift = driftDecision(v, live, config, record, findings);
    return {
      status: 'drift',
      severity: 'low',
      findings: [
        ...drift.findings,
        exemption,
        {
          code: 'exemption-overridden',
          message:
            'MFA delete was configured and is now Disabled: the exemption lowers the severity but does not hide it.',
        },
      ],
    };
  }

  if (v.status === 'Enabled' && v.mfaDelete === 'Enabled') {
    if (record?.requested.mfaDelete === 'Disabled' && !failed) {
      findings.push({
        code: 'event-superseded',
        message: 'The event turned MFA delete off, but it is on again now.',
      });
    }
    if (record?.requested.mfaDelete === 'Enabled' && !failed) {
      findings.push({
        code: 'turned-on-by-event',
        message: 'The event turned MFA delete on, and S3 confirms it.',
      });
      return { status: 'restored', severity: 'info', findings };
    }
    return failed
      ? { status: 'attempt-failed', severity: 'medium', findings }
      : { status: 'compliant', severity: 'info', findings };
  }

  return driftDecision(v, live, config, record, findings);
}

/** The decision for an observed, unexempted bucket that is not fully protected. */
function driftDecision(
  v: VersioningState,
  live: Extract<LiveState, { kind: 'observed' }>,
  config: GuardConfig,
  record: VersioningChangeRecord | undefined,
  findings: Finding[],
): Decision {
  const failed = record?.error;
  const reasonInScope = scopeReason(v, live.tag, config);
  if (!reasonInScope) {
    findings.push({
      code: 'mfa-delete-never-configured',
      message:
        'MFA delete was never configured on this bucket, and it is not in scope (no required tag, scope is "configured").',
    });
    return failed
      ? { status: 'attempt-failed', severity: 'medium', findings }
      : { status: 'not-required', severity: 'info', findings };
  }

  findings.push(reasonInScope, ...stateFindings(v));
  if (record?.requested.mfaDelete === 'Disabled' && !failed) {
    findings.push({
      code: 'turned-off-by-event',
      message: 'This PutBucketVersioning call turned MFA delete off.',
    });
  }
  if (live.lifecycle === true) {
    findings.push({
      code: 'lifecycle-blocks-remediation',
      message:
        'The bucket has a lifecycle configuration: S3 refuses to enable MFA delete (InvalidBucketState) until it is removed.',
    });
  } else if (live.lifecycle === undefined) {
    findings.push({
      code: 'lifecycle-unknown',
      message: 'Whether the bucket has a lifecycle configuration could not be read.',
    });
  }
  // Drift wins over a failed attempt: the bucket is unprotected now, whatever this call did.
  return { status: 'drift', severity: v.status === 'Enabled' ? 'high' : 'critical', findings };
}

function scopeReason(
  v: VersioningState,
  tag: GuardTag | undefined,
  config: GuardConfig,
): Finding | undefined {
  if (v.mfaDelete === 'Disabled') {
    return {
      code: 'mfa-delete-disabled',
      message: 'MFA delete was configured on this bucket and is now Disabled.',
    };
  }
  if (v.mfaDelete === 'Enabled') {
    // MFA delete on, versioning not Enabled: still protected against version deletes, but new writes overwrite.
    return {
      code: 'versioning-suspended',
      message: 'MFA delete is Enabled but versioning is not: overwrites replace data.',
    };
  }
  if (tag === 'required')
    return {
      code: 'tagged-required',
      message: 'Tagged mfa-delete-guard=required, but MFA delete was never configured.',
    };
  if (config.scope === 'all')
    return { code: 'in-scope-all', message: 'Scope is "all", but MFA delete was never configured.' };
  return undefined;
}

function stateFindings(v: VersioningState): Finding[] {
  const out: Finding[] = [];
  if (v.status === 'Suspended' && v.mfaDelete !== 'Enabled') {
    out.push({
      code: 'versioning-suspended',
      message: 'Versioning is Suspended: overwrites and deletes replace data.',
    });
  }
  if (v.status === 'Unversioned') {
    out.push({
      code: 'versioning-never-enabled',
      message: 'Versioning was never enabled: there are no versions to protect.',
    });
  }
  return out;
}

/** Tags can change the outcome only when the bucket is not already fully protected. */
export function needsTags(v: VersioningState): boolean {
  return !(v.status === 'Enabled' && v.mfaDelete === 'Enabled');
}

/** The lifecycle check matters only for a bucket that is about to be reported as drift. */
export function needsLifecycle(
  bucket: string,
  v: VersioningState,
  tag: GuardTag | undefined,
  config: GuardConfig,
): boolean {
  if (!needsTags(v)) return false;
  // An exempt bucket is still reported when MFA delete is Disabled, with its script.
  if ((tag === 'exempt' || isExemptByPattern(bucket, config)) && v.mfaDelete !== 'Disabled') return false;
  return scopeReason(v, tag, config) !== undefined;
}

/**
 * Decide what a change of the guard's tag means. Adding or changing the tag is always a scope change, with
 * who did it. A call that leaves no guard tag (DeleteBucketTagging, or a PutBucketTagging whose new set
 * lacks it) may have removed one; CloudTrail does not say what was there, so it is reported only when the
 * bucket is now out of scope because it has no tag, the one case where a removed `required` tag hides a
 * bucket without MFA delete.
 */
export function decideScopeChange(record: TagChangeRecord, live: LiveState, config: GuardConfig): Decision {
  if (record.error) {
    return {
      status: 'ignored',
      severity: 'info',
      findings: [
        {
          code: 'failed-attempt',
          message: `${record.call} was refused with ${record.error.code}: the tags did not change.`,
        },
      ],
    };
  }
  if (live.kind === 'gone') {
    return {
      status: 'gone',
      severity: 'info',
      findings: [{ code: 'bucket-gone', message: `Bucket ${record.bucket} no longer exists.` }],
    };
  }
  const change = record.guardTag;
  if (change.kind === 'set') {
    const known = change.value === 'required' || change.value === 'exempt';
    const findings: Finding[] = [
      {
        code: 'guard-tag-set',
        message: known
          ? `${record.call} set mfa-delete-guard=${change.value}.`
          : `${record.call} set the mfa-delete-guard tag to a value the guard does not know; the bucket is treated as untagged.`,
      },
    ];
    // An exemption that covers a bucket the guard would report right now is the worrying kind.
    const untagged =
      live.kind === 'observed' ? decide(record.bucket, { ...live, tag: undefined }, config) : undefined;
    const hides = change.value === 'exempt' && untagged?.status === 'drift';
    if (hides) {
      findings.push({
        code: 'tagged-exempt',
        message: 'Without the exemption the guard would report this bucket as in drift now.',
      });
    }
    const severity: Severity = hides ? 'high' : change.value === 'required' ? 'low' : 'medium';
    return { status: 'scope-change', severity, findings };
  }
  if (live.kind !== 'observed' || live.tag !== undefined) {
    // Unreadable now, or a later call put a guard tag back (that call is reported on its own).
    return {
      status: 'ignored',
      severity: 'info',
      findings: [],
    };
  }
  const outcome = decide(record.bucket, live, config);
  if (outcome.status !== 'not-required') return { status: 'ignored', severity: 'info', findings: [] };
  return {
    status: 'scope-change',
    severity: 'low',
    findings: [
      {
        code: 'guard-tag-removed',
        message: `${record.call} left the bucket without an mfa-delete-guard tag. MFA delete was never configured on it, so if it was tagged required it has left the guard's scope.`,
      },
    ],
  };
}
