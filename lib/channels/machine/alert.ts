// One bucket's alert or notice as machine JSON: the result itself, with its status, severity and links.
import { consoleLinks, type ConsoleLinks } from '../../domain/consoleLinks';
import { incidentFrame, type IncidentFrame } from '../../domain/incident';
import type { CheckResult, Severity, Status } from '../../domain/types';

/** The machine-readable copy (SNS `default`: SQS, Lambda, HTTP and email-json subscribers). */
export interface MachineAlert {
  source: 'mfa-delete-guard';
  kind: 'alert';
  status: Status;
  severity: Severity;
  links: ConsoleLinks;
  /** Drift and failed attempts: the verdict on root credentials, why it matters, the first checks. */
  incident?: IncidentFrame;
  truncated?: true;
  result: CheckResult;
}

export function machineAlert(r: CheckResult): MachineAlert {
  const frame = incidentFrame(r);
  return {
    source: 'mfa-delete-guard',
    kind: 'alert',
    status: r.status,
    severity: r.severity,
    links: consoleLinks(r),
    ...(frame && { incident: frame }),
    result: r,
  };
}
