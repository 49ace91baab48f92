// One bucket's alert or notice as plain text: the email body (SNS `email` key), also the terminal's.
// Email is plain text: untrusted values are cleaned and bounded, with nothing to escape.
import {
  callerFacts,
  detailFacts,
  fact,
  headline,
  isShortNotice,
  refusal,
  runbook,
  summary,
  type Fact,
} from '../../domain/alertText';
import { consoleLinks, type ConsoleLinks } from '../../domain/consoleLinks';
import { incidentFrame, type IncidentFrame } from '../../domain/incident';
import { cleanText } from '../../domain/text';
import type { CheckResult } from '../../domain/types';

const row = (label: string, value: string, width = 12) => `  ${`${label}:`.padEnd(width + 1)} ${value}`;

/** Aligned `label: value` lines; the width follows the longest label ("Last PutBucketVersioning by"). */
export const rows = (facts: Fact[]) => {
  const width = Math.max(12, ...facts.map((f) => f.label.length));
  return facts.map((f) => row(f.label, f.value, width));
};

function linkFacts(links: ConsoleLinks): Fact[] {
  return [...fact('Bucket', links.bucket), ...fact('CloudTrail', links.cloudTrailEvent)];
}

/** The incident in four lines, before the caller's facts; the script stays where it was. */
export function incidentLines(frame: IncidentFrame | undefined): string[] {
  if (!frame) return [];
  return [
    '',
    'INCIDENT',
    `  ${frame.verdict}`,
    `  Why it matters: ${frame.why}`,
    `  First checks: ${frame.checks}`,
    ...(frame.rootActivity ? [`  Root activity: ${frame.rootActivity}`] : []),
  ];
}

export function renderText(r: CheckResult): string {
  const links = consoleLinks(r);
  const lines = [`[${r.severity.toUpperCase()}] ${headline(r)}`, '', summary(r)];
  const frame = incidentFrame(r);
  if (isShortNotice(r)) {
    // A notice: what happened, who, where to look. The refusal's own words say why nothing changed.
    const refused = refusal(r);
    if (refused) lines.push(`S3 said: ${cleanText(refused.message, 500)}`);
    lines.push(...incidentLines(frame));
    lines.push('', ...rows([...callerFacts(r), ...linkFacts(links)]));
    return `${lines.join('\n')}\n`;
  }
  lines.push(...incidentLines(frame));
  const caller = callerFacts(r);
  if (caller.length) lines.push('', ...rows(caller));
  lines.push('', 'DETAILS', ...rows(detailFacts(r)));
  const linkRows = linkFacts(links);
  if (linkRows.length) lines.push('', 'CONSOLE', ...rows(linkRows));
  if (r.findings.length) {
    // Findings quote S3 and CloudTrail error messages: clean them like any other outside text.
    lines.push('', 'FINDINGS', ...r.findings.map((f) => `  - ${cleanText(f.message, 500)}`));
  }
  if (r.remediation) {
    lines.push('', 'REMEDIATION (root user only)', ...r.remediation.warnings.map((w) => `  ! ${w}`), '');
    lines.push('----- paste from here -----', r.remediation.script.trimEnd(), '----- to here -----');
  }
  const steps = runbook(r);
  if (steps) lines.push('', 'RUNBOOK', ...steps.map((s, i) => `  ${i + 1}. ${s}`));
  return `${lines.join('\n')}\n`;
}
