import type { CheckResult, Status } from './types';

export interface DriftEventEntry {
  Source: string;
  DetailType: string;
  Detail: string;
  Resources: string[];
  EventBusName: string;
}

export const DRIFT_DETAIL_TYPE = 'S3 MFA Delete Drift';

// One detail-type per alerting status, so a rule can subscribe to drift alone (or to its restored answer).
const DETAIL_TYPES: Partial<Record<Status, string>> = {
  drift: DRIFT_DETAIL_TYPE,
  restored: 'S3 MFA Delete Restored',
  unverified: 'S3 MFA Delete Unverified',
  'attempt-failed': 'S3 Versioning Change Refused',
  'scope-change': 'S3 MFA Delete Guard Scope Change',
};

export const detailTypeFor = (status: Status): string => DETAIL_TYPES[status] ?? 'S3 MFA Delete Check';

/** The custom event other tools subscribe to: small, stable, and without the remediation script. */
export function driftEventEntry(r: CheckResult, source: string, eventBusName: string): DriftEventEntry {
  const detail = {
    status: r.status,
    severity: r.severity,
    bucket: r.bucket,
    account: r.account,
    region: r.region,
    versioning: r.versioning,
    findings: r.findings.map((f) => f.code),
    trigger: r.trigger,
    actorArn: r.actor?.arn,
    cloudTrailEventId: r.event?.id,
    checkedAt: r.checkedAt,
  };
  return {
    Source: source,
    DetailType: detailTypeFor(r.status),
    Detail: JSON.stringify(detail),
    Resources: [`arn:aws:s3:::${r.bucket}`],
    EventBusName: eventBusName,
  };
}
