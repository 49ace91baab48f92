// One alert, rendered once per channel: a plain-text email, an AWS Chatbot custom notification, and a
// machine-readable JSON copy, all in one SNS publish with MessageStructure "json"
// (https://docs.aws.amazon.com/sns/latest/dg/sns-send-custom-platform-specific-payloads-mobile-devices.html).
// The Slack Block Kit rendering (slackMessage.ts) is built from the same facts by the webhook notifier.
//
// Trust: our own sentences, validated bucket names, account IDs and Regions are trusted. Everything the
// caller of PutBucketVersioning chose (user agent, session name, ARNs, IP, error text) is not: it is
// cleaned (control and bidi characters), bounded, and escaped for each channel's markup.
import { partitionOf } from './awsIds';
import { consoleLinks, type ConsoleLinks } from './consoleLinks';
import { SNS_MESSAGE_BUDGET, chatSafe, snsSubject } from './snsMessage';
import { actorSummary, asciiOnly, cleanText, yesNo } from './text';
import type { CheckResult, Severity, Status } from './types';

export interface RenderedAlert {
  subject: string;
  /** Per-protocol messages for SNS `MessageStructure: "json"`. */
  message: string;
  messageStructure: 'json';
  /** The plain-text rendering (the email body), also used for the terminal. */
  text: string;
  chatbot: ChatbotNotification;
}

/** AWS Chatbot / Amazon Q Developer custom notification (https://docs.aws.amazon.com/chatbot/latest/adminguide/custom-notifs.html). */
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

/** The machine-readable copy (SNS `default`, `sqs`, `lambda`, `http`, `email-json`). */
export interface MachineAlert {
  source: 'mfa-delete-guard';
  status: Status;
  severity: Severity;
  links: ConsoleLinks;
  truncated?: true;
  result: CheckResult;
}

export const SEVERITY_EMOJI: Record<Severity, string> = {
  critical: ':rotating_light:',
  high: ':red_circle:',
  medium: ':large_orange_circle:',
  low: ':large_yellow_circle:',
  info: ':large_green_circle:',
};

/** restored and attempt-failed are notices, not incidents: a few lines, no runbook. */
export const isShortNotice = (r: CheckResult): boolean =>
  r.status === 'restored' || r.status === 'attempt-failed';

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
    case 'no-such-bucket':
      return `No bucket named ${r.bucket}`;
    case 'ignored':
      return 'Event ignored';
    case 'invalid-input':
      return 'Input not understood';
    case 'scope-change':
      return r.event?.tagging?.guardTag.kind === 'set'
        ? `Guard tag set on ${r.bucket}`
        : `Guard tag removed from ${r.bucket}?`;
  }
}

export function alertSubject(r: CheckResult): string {
  return snsSubject(`[${r.severity.toUpperCase()}] S3 ${headline(r)}${r.account ? ` (${r.account})` : ''}`);
}

export function liveState(r: CheckResult): string {
  if (!r.versioning) return r.status === 'unverified' ? 'not readable (check refused)' : 'unknown';
  const mfa = r.versioning.mfaDelete === 'NeverConfigured' ? 'never configured' : r.versioning.mfaDelete;
  const versioning = r.versioning.status === 'Unversioned' ? 'never enabled' : r.versioning.status;
  return `versioning ${versioning}, MFA delete ${mfa}`;
}

function requested(r: CheckResult): string | undefined {
  if (!r.event) return undefined;
  const tagging = r.event.tagging;
  if (tagging) {
    return tagging.guardTag.kind === 'set'
      ? `${tagging.call}: mfa-delete-guard=${JSON.stringify(tagging.guardTag.value)}`
      : `${tagging.call}: no mfa-delete-guard tag in the new tag set`;
  }
  const parts = [
    r.event.requested.status && `Status=${r.event.requested.status}`,
    r.event.requested.mfaDelete && `MfaDelete=${r.event.requested.mfaDelete}`,
  ].filter(Boolean);
  return parts.length ? parts.join(', ') : '(no versioning configuration recorded)';
}

const has = (r: CheckResult, code: CheckResult['findings'][number]['code']) =>
  r.findings.some((f) => f.code === code);

/**
 * What the CloudTrail call did, as a label for its caller. Only say "turned off" when the decision says
 * this call did it; a call that merely set Status is "the last PutBucketVersioning".
 */
export function actorLabel(r: CheckResult): string {
  if (r.event?.tagging) return 'Tags changed by';
  if (r.status === 'attempt-failed') return 'Attempted by';
  if (has(r, 'turned-off-by-event')) return 'Turned off by';
  if (has(r, 'turned-on-by-event')) return 'Turned on by';
  return 'Last PutBucketVersioning by';
}

/** A single untrusted value, already cleaned and bounded; each channel escapes it for its markup. */
export interface Fact {
  label: string;
  value: string;
  /** Chosen by the API caller (or quoted from an AWS error): escape before any markup. */
  untrusted: boolean;
}

function fact(label: string, value: string | undefined, untrusted = false): Fact[] {
  return value ? [{ label, value, untrusted }] : [];
}

/** Who made the CloudTrail call, from where and when: every part of it untrusted. */
export function callerFacts(r: CheckResult): Fact[] {
  if (!r.actor && !r.event) return [];
  return [
    ...fact(actorLabel(r), r.actor ? actorSummary(r.actor) : undefined, true),
    ...fact('From', r.event?.sourceIp ? cleanText(r.event.sourceIp, 64) : undefined, true),
    ...fact('When', r.event?.time ? cleanText(r.event.time, 40) : undefined, true),
    ...fact('Event ID', r.event?.id ? cleanText(r.event.id, 64) : undefined, true),
  ];
}

/** The DETAILS list of the email (the caller comes before it); chat channels show a subset. */
export function detailFacts(r: CheckResult): Fact[] {
  return [
    ...fact('Status', `${r.status} (${r.severity})`),
    ...fact('Bucket', cleanText(r.bucket, 255), r.status === 'invalid-input'),
    ...fact('Account', r.account),
    ...fact('Region', r.region),
    ...fact('Live state', `${liveState(r)} (checked ${r.checkedAt})`),
    // A tag value is the caller's text: cleaned, bounded and escaped like the rest of it.
    ...(r.event?.tagging
      ? fact('Requested', cleanText(requested(r) ?? '', 300), true)
      : fact('Requested', requested(r))),
    ...fact('Role', r.actor?.sessionIssuerArn ? cleanText(r.actor.sessionIssuerArn, 300) : undefined, true),
    ...fact('Access key', r.actor?.accessKeyId ? cleanText(r.actor.accessKeyId, 32) : undefined, true),
    ...fact('MFA session', r.actor ? yesNo(r.actor.mfaAuthenticated) : undefined),
    ...fact('User agent', r.event?.userAgent ? cleanText(r.event.userAgent, 200) : undefined, true),
    ...fact('Reason', r.reason ? cleanText(r.reason, 300) : undefined, true),
  ];
}

/** The finding that quotes the refused call's error (untrusted text), for the attempt-failed notice. */
const refusal = (r: CheckResult) => r.findings.find((f) => f.code === 'failed-attempt');

/** One or two sentences of our own text; callers add the untrusted parts as facts. */
export function summary(r: CheckResult): string {
  const where = `s3://${r.bucket} in account ${r.account ?? 'unknown'} (${r.region ?? 'unknown Region'})`;
  switch (r.status) {
    case 'drift':
      return `${where} is not protected by MFA delete: ${liveState(r)}. Only the root user can turn it back on: run the prepared script below.`;
    case 'unverified':
      return `The live versioning state of ${where} could not be read. Check the function's permissions, then check the bucket by hand.`;
    case 'restored':
      return `MFA delete is on again for ${where} (${liveState(r)}). No action needed if this was the planned fix; make sure the root access key used for it has been deleted.`;
    case 'attempt-failed':
      return `Someone tried to change versioning on ${where} and S3 refused it. Nothing changed (${liveState(r)}). Confirm with the caller that the attempt was expected.`;
    case 'scope-change':
      return r.event?.tagging?.guardTag.kind === 'set'
        ? `The mfa-delete-guard tag of ${where} was changed, which changes what the guard reports about it (${liveState(r)}). Tags need no MFA: confirm with the caller below that this was planned.`
        : `The tags of ${where} were replaced or deleted, and it now has no mfa-delete-guard tag (${liveState(r)}). If it was tagged required, it has left the guard's scope: confirm with the caller below.`;
    default:
      return `${headline(r)}: ${where} (${liveState(r)}).`;
  }
}

/**
 * What a person does next, for the statuses that page one. Every step names the real bucket and Region
 * (validated values: a drift or unverified result only exists for a bucket name that passed the rules).
 */
export function runbook(r: CheckResult): string[] | undefined {
  const where = `s3://${r.bucket} (${r.region ?? 'Region unknown'})`;
  const region = r.region ? ` --region ${r.region}` : '';
  switch (r.status) {
    case 'drift':
      return [
        'Ask the owner of the principal above whether the change was planned. If it was not, treat its credentials as compromised: deactivate its access keys or revoke its role sessions first.',
        r.remediation
          ? `Get the root user of account ${r.account ?? 'unknown'} (with the root MFA device) to run the script above for ${where}: \`export MFA_CODE=<code>\`, then paste it.`
          : `No script was prepared (the account ID is unknown): run \`npx mfa-delete-guard check --bucket ${r.bucket}${region} --account <12-digit account ID>\` to get one for ${where}.`,
        `Check that the verify step prints "MFADelete": "Enabled" for ${where}; a "restored" notice follows in this channel.`,
        'Delete the root access key used for the fix (the script prints the command once the bucket is done).',
      ];
    case 'unverified':
      return [
        `Check that the function role still has s3:GetBucketVersioning on arn:${partitionOf(r.region ?? 'us-east-1')}:s3:::${r.bucket} and that no bucket policy denies it.`,
        `Check the bucket by hand: aws s3api get-bucket-versioning --bucket ${r.bucket}${region}.`,
      ];
    case 'scope-change':
      return [
        `Ask the owner of the principal above whether the tag change on ${where} was planned. If it was not, treat its credentials as compromised and put the tag back as it was (PutBucketTagging replaces the whole tag set: read the current set first).`,
        'Consider denying s3:PutBucketTagging and s3:DeleteBucketTagging on protected buckets to everyone but a change role (see docs/security.md).',
      ];
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------------------------------------- email

const row = (label: string, value: string, width = 12) => `  ${`${label}:`.padEnd(width + 1)} ${value}`;

/** Aligned `label: value` lines; the width follows the longest label ("Last PutBucketVersioning by"). */
const rows = (facts: Fact[]) => {
  const width = Math.max(12, ...facts.map((f) => f.label.length));
  return facts.map((f) => row(f.label, f.value, width));
};

function linkFacts(links: ConsoleLinks): Fact[] {
  return [...fact('Bucket', links.bucket), ...fact('CloudTrail', links.cloudTrailEvent)];
}

export function renderText(r: CheckResult): string {
  const links = consoleLinks(r);
  const lines = [`[${r.severity.toUpperCase()}] ${headline(r)}`, '', summary(r)];
  if (isShortNotice(r)) {
    // A notice: what happened, who, where to look. The refusal's own words say why nothing changed.
    const refused = refusal(r);
    if (refused) lines.push(`S3 said: ${cleanText(refused.message, 500)}`);
    lines.push('', ...rows([...callerFacts(r), ...linkFacts(links)]));
    return `${lines.join('\n')}\n`;
  }
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

// -------------------------------------------------------------------------------------------- chatbot

/** An untrusted identifier as inline code: markdown inside it (`_`, `*`, `~`) stays literal. */
const chatCode = (value: string) => `\`${chatSafe(value)}\``;

const chatFact = (f: Fact) => `*${f.label}:* ${f.untrusted ? chatCode(f.value) : f.value}`;

export function renderChatbot(r: CheckResult): ChatbotNotification {
  const links = consoleLinks(r);
  const short = isShortNotice(r);
  const refused = refusal(r);
  const description = [
    summary(r),
    ...(short && refused ? [`*S3 said:* ${chatSafe(cleanText(refused.message, 500))}`] : []),
    ...callerFacts(r).map(chatFact),
    ...(!short && r.event?.userAgent
      ? [chatFact({ label: 'User agent', value: cleanText(r.event.userAgent, 200), untrusted: true })]
      : []),
    short
      ? undefined
      : `*Account:* ${r.account ?? '?'}  *Region:* ${r.region ?? '?'}  *Live:* ${liveState(r)}`,
    ...(links.bucket ? [`*Bucket:* ${links.bucket}`] : []),
    ...(links.cloudTrailEvent ? [`*CloudTrail event:* ${links.cloudTrailEvent}`] : []),
  ]
    .filter(Boolean)
    .join('\n');
  // Warnings and runbook steps are our own text around validated names: they are not escaped, so the
  // profile root_user and `export MFA_CODE=<code>` arrive as written. The script goes in a code fence
  // verbatim: it is built only from validated, shell-quoted values.
  const nextSteps = short
    ? []
    : [
        ...(r.remediation
          ? [...r.remediation.warnings, `\`\`\`\n${r.remediation.script.trimEnd()}\n\`\`\``]
          : []),
        ...(runbook(r) ?? []),
      ];
  return {
    version: '1.0',
    source: 'custom',
    id: `mfa-delete-guard-${r.status}-${r.account ?? 'unknown'}-${r.bucket}-${r.event?.id ?? r.checkedAt}`,
    content: {
      textType: 'client-markdown',
      title: `${SEVERITY_EMOJI[r.severity]} ${headline(r)}`,
      description,
      nextSteps,
      keywords: ['s3', 'mfa-delete', r.status, r.severity, r.account ?? 'unknown'],
    },
    metadata: {
      // One thread per bucket, so that the later "restored" notice answers the drift alert.
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

// ------------------------------------------------------------------------------------- machine + SNS

export function machineAlert(r: CheckResult): MachineAlert {
  return {
    source: 'mfa-delete-guard',
    status: r.status,
    severity: r.severity,
    links: consoleLinks(r),
    result: r,
  };
}

/** Headroom below the limit, so that a message that fits does not depend on the last byte. */
const MACHINE_FIELD_MAX = 256;

export function renderAlert(r: CheckResult): RenderedAlert {
  const text = renderText(r);
  const chatbot = renderChatbot(r);
  const https = JSON.stringify(chatbot);
  let machine = JSON.stringify(machineAlert(r));
  const perProtocol = (withCopies: boolean) =>
    JSON.stringify({
      default: machine,
      email: text,
      ...(withCopies && { 'email-json': machine, sqs: machine, lambda: machine, http: machine }),
      https,
    });
  let message = perProtocol(true);
  // The machine copy carries the raw CloudTrail fields, several of them chosen by the caller. When it is
  // too big, first rely on SNS sending `default` to every protocol without a key, then cut long fields:
  // an alert that SNS refuses is worse than a shortened one.
  if (Buffer.byteLength(message, 'utf8') > SNS_MESSAGE_BUDGET) message = perProtocol(false);
  if (Buffer.byteLength(message, 'utf8') > SNS_MESSAGE_BUDGET) {
    const truncated: MachineAlert = { ...machineAlert(r), truncated: true };
    machine = JSON.stringify(truncated, (key, value) =>
      typeof value === 'string' && key !== 'script' && value.length > MACHINE_FIELD_MAX
        ? cleanText(value, MACHINE_FIELD_MAX)
        : value,
    );
    message = perProtocol(false);
  }
  return { subject: alertSubject(r), message, messageStructure: 'json', text, chatbot };
}
