import type { CheckResult } from './types';

export interface DriftEventEntry {
  Source: string;
  DetailType: string;
  Detail: string;
  Resources: string[];
  EventBusName: string;
}

export const DRIFT_DETAIL_TYPE = 'S3 MFA Delete Drift';

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
    DetailType: DRIFT_DETAIL_TYPE,
    Detail: JSON.stringify(detail),
    Resources: [`arn:aws:s3:::${r.bucket}`],
    EventBusName: eventBusName,
  };
}
