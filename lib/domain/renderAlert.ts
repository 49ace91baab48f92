import { actorSummary, asciiOnly, cleanText, yesNo } from './text';
import type { CheckResult, Severity } from './types';

export interface RenderedAlert {
  subject: string;
  /** Per-protocol messages for SNS `MessageStructure: "json"`. */
  message: string;
  messageStructure: 'json';
  /** The plain-text rendering, also used for the terminal. */
  text: string;
  chatbot: ChatbotNotification;
}

/** AWS Chatbot / Amazon Q Developer custom notification (AWS-FACTS §6). */
export interface ChatbotNotification {
  version: '1.0';
  source: 'custom';
  id: string;
  content: {
    textType: 'client-markdown';
    title: string;
    description: string;
    nextSteps: string[];
    keywords: string[];
  };
  metadata: {
    threadId: string;
    summary: string;
    eventType: string;
    relatedResources: string[];
    additionalContext: Record<string, string>;
  };
}

const SUBJECT_MAX = 99;
const EMOJI: Record<Severity, string> = {
  critical: ':rotating_light:',
  high: ':red_circle:',
  medium: ':large_orange_circle:',
  low: ':large_yellow_circle:',
  info: ':large_green_circle:',
};

export function headline(r: CheckResult): string {
  switch (r.status) {
    case 'drift':
      if (r.versioning?.status === 'Suspended') return `Versioning SUSPENDED on ${r.bucket}`;
      if (r.versioning?.status === 'Unversioned') return `Versioning never enabled on ${r.bucket}`;
      if (r.versioning?.mfaDelete === 'Disabled') return `MFA delete OFF on ${r.bucket}`;
      return `MFA delete not configured on ${r.bucket}`;
    case 'unverified':
      return `Could not verify MFA delete on ${r.bucket}`;
    case 'restored':
      return `MFA delete restored on ${r.bucket}`;
    case 'attempt-failed':
      return `Failed attempt to change versioning on ${r.bucket}`;
    case 'compliant':
      return `MFA delete on for ${r.bucket}`;
    case 'exempt':
      return `${r.bucket} is exempt`;
    case 'not-required':
      return `MFA delete not required on ${r.bucket}`;
    case 'gone':
      return `Bucket ${r.bucket} no longer exists`;
    case 'ignored':
      return 'Event ignored';
    case 'invalid-input':
      return 'Input not understood';
  }
}

export function alertSubject(r: CheckResult): string {
  const subject = asciiOnly(
    `[${r.severity.toUpperCase()}] S3 ${headline(r)}${r.account ? ` (${r.account})` : ''}`,
  );
  return subject.length > SUBJECT_MAX ? `${subject.slice(0, SUBJECT_MAX - 3)}...` : subject;
}

function liveState(r: CheckResult): string {
  if (!r.versioning) return r.status === 'unverified' ? 'not readable (check refused)' : 'unknown';
  const mfa = r.versioning.mfaDelete === 'NeverConfigured' ? 'never configured' : r.versioning.mfaDelete;
  const versioning = r.versioning.status === 'Unversioned' ? 'never enabled' : r.versioning.status;
  return `versioning ${versioning}, MFA delete ${mfa}`;
}

function requested(r: CheckResult): string | undefined {
  if (!r.event) return undefined;
  const parts = [
    r.event.requested.status && `Status=${r.event.requested.status}`,
    r.event.requested.mfaDelete && `MfaDelete=${r.event.requested.mfaDelete}`,
  ].filter(Boolean);
  return parts.length ? parts.join(', ') : '(no versioning configuration recorded)';
}

function summary(r: CheckResult): string {
  const where = `s3://${r.bucket} in account ${r.account ?? 'unknown'} (${r.region ?? 'unknown Region'})`;
  const by = r.actor
    ? ` Changed by ${actorSummary(r.actor)}${r.event?.sourceIp ? ` from ${cleanText(r.event.sourceIp, 64)}` : ''}${r.event ? ` at ${cleanText(r.event.time, 40)}` : ''}.`
    : '';
  switch (r.status) {
    case 'drift':
      return `${headline(r)}: ${where} is no longer protected by MFA delete (${liveState(r)}).${by} Only the root user can turn it back on: run the prepared script below.`;
    case 'unverified':
      return `The live versioning state of ${where} could not be read: ${r.reason ?? 'the check was refused'}. Check the function's permissions, then check the bucket by hand.${by}`;
    case 'restored':
      return `MFA delete is on again for ${where} (${liveState(r)}).${by} No action needed if this was the planned fix.`;
    case 'attempt-failed':
      return `Someone tried to change versioning on ${where} and S3 refused it${r.event ? '' : ''}.${by} Nothing changed (${liveState(r)}). Confirm the attempt was expected.`;
    default:
      return `${headline(r)}: ${where} (${liveState(r)}).${by}`;
  }
}

const RUNBOOK: Partial<Record<CheckResult['status'], string[]>> = {
  drift: [
    'Ask the owner of the principal above whether the change was planned. If it was not, treat its credentials as compromised: deactivate its access keys or revoke its role sessions first.',
    'Get the root user (with the root MFA device) to run the script above, after `export MFA_CODE=<code>`.',
    'Check that the verify step prints "MFADelete": "Enabled"; a "restored" notice follows in this channel.',
    'Delete the root access key used for the fix (step 3 of the script).',
  ],
  unverified: [
    'Check that the function role still has s3:GetBucketVersioning on this bucket and that no bucket policy denies it.',
    'Check the bucket by hand: aws s3api get-bucket-versioning --bucket <bucket>.',
  ],
  'attempt-failed': ['Confirm with the owner of the principal above that the attempt was expected.'],
  restored: ['Confirm the root access key used for the fix has been deleted.'],
};

export function renderText(r: CheckResult): string {
  const rows: Array<[string, string | undefined]> = [
    ['Status', `${r.status} (${r.severity})`],
    ['Bucket', r.bucket],
    ['Account', r.account],
    ['Region', r.region],
    ['Live state', `${liveState(r)} (checked ${r.checkedAt})`],
    ['Requested', requested(r)],
    ['Who', r.actor ? actorSummary(r.actor) : undefined],
    ['Role', r.actor?.sessionIssuerArn ? cleanText(r.actor.sessionIssuerArn, 300) : undefined],
    ['Access key', r.actor?.accessKeyId ? cleanText(r.actor.accessKeyId, 32) : undefined],
    ['MFA session', r.actor ? yesNo(r.actor.mfaAuthenticated) : undefined],
    ['From', r.event?.sourceIp ? cleanText(r.event.sourceIp, 64) : undefined],
    ['User agent', r.event?.userAgent ? cleanText(r.event.userAgent, 200) : undefined],
    ['When', r.event?.time ? cleanText(r.event.time, 40) : undefined],
    ['Event ID', r.event?.id ? cleanText(r.event.id, 64) : undefined],
    ['Reason', r.reason ? cleanText(r.reason, 300) : undefined],
  ];
  const lines = [`[${r.severity.toUpperCase()}] ${headline(r)}`, '', summary(r), '', 'DETAILS'];
  for (const [k, v] of rows) if (v) lines.push(`  ${`${k}:`.padEnd(13)} ${v}`);
  if (r.findings.length) {
    lines.push('', 'FINDINGS', ...r.findings.map((f) => `  - ${f.message}`));
  }
  if (r.remediation) {
    lines.push('', 'REMEDIATION (root user only)', ...r.remediation.warnings.map((w) => `  ! ${w}`), '');
    lines.push('----- paste from here -----', r.remediation.script.trimEnd(), '----- to here -----');
  }
  const steps = RUNBOOK[r.status];
  if (steps) lines.push('', 'RUNBOOK', ...steps.map((s, i) => `  ${i + 1}. ${s}`));
  return `${lines.join('\n')}\n`;
}

export function renderChatbot(r: CheckResult): ChatbotNotification {
  const md = (s: string) => s.replace(/[`*_~<>&]/g, ' ');
  const description = [
    md(summary(r)),
    `*Account:* ${r.account ?? '?'}  *Region:* ${r.region ?? '?'}  *Live:* ${liveState(r)}`,
    r.event ? `*Event:* ${md(cleanText(r.event.id, 64))} at ${md(cleanText(r.event.time, 40))}` : undefined,
  ]
    .filter(Boolean)
    .join('\n');
  const nextSteps = [
    ...(r.remediation
      ? [...r.remediation.warnings.map(md), `\`\`\`\n${r.remediation.script.trimEnd()}\n\`\`\``]
      : []),
    ...(RUNBOOK[r.status] ?? []).map(md),
  ];
  return {
    version: '1.0',
    source: 'custom',
    id: `mfa-delete-guard-${r.status}-${r.account ?? 'unknown'}-${r.bucket}-${r.event?.id ?? r.checkedAt}`,
    content: {
      textType: 'client-markdown',
      title: `${EMOJI[r.severity]} ${headline(r)}`,
      description,
      nextSteps,
      keywords: ['s3', 'mfa-delete', r.status, r.severity, r.account ?? 'unknown'],
    },
    metadata: {
      threadId: `mfa-delete-guard-${r.account ?? 'unknown'}-${r.bucket}`,
      summary: asciiOnly(headline(r)),
      eventType: `S3MfaDelete-${r.status}`,
      relatedResources: [`arn:aws:s3:::${r.bucket}`],
      additionalContext: {
        account: r.account ?? '',
        region: r.region ?? '',
        status: r.status,
        severity: r.severity,
      },
    },
  };
}

export function renderAlert(r: CheckResult): RenderedAlert {
  const text = renderText(r);
  const chatbot = renderChatbot(r);
  const machine = JSON.stringify({ source: 'mfa-delete-guard', result: r });
  const message = JSON.stringify({
    default: machine,
    email: text,
    'email-json': machine,
    sqs: machine,
    lambda: machine,
    http: machine,
    https: JSON.stringify(chatbot),
  });
  return { subject: alertSubject(r), message, messageStructure: 'json', text, chatbot };
}
