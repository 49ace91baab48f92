// What every channel says about one bucket's alert or notice: the headline, the summary, the facts (each
// marked trusted or not), the runbook. The channels (lib/channels/<name>/alert.ts) lay them out.
//
// Trust: our own sentences, validated bucket names, account IDs and Regions are trusted. Everything the
// caller of PutBucketVersioning chose (user agent, session name, ARNs, IP, error text) is not: it is
// cleaned (control and bidi characters), bounded, and escaped for each channel's markup.
import { partitionOf } from './awsIds';
import { snsSubject } from './snsMessage';
import { actorSummary, cleanText, yesNo } from './text';
import type { CheckResult, Severity } from './types';

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
      return removesProtection(r)
        ? `Refused attempt to remove protection from ${r.bucket}`
        : `Failed attempt to change versioning on ${r.bucket}`;
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

/** Whether a PutBucketVersioning call asked to lower protection (MFA delete off or versioning suspended). */
export const removesProtection = (r: CheckResult): boolean =>
  r.event?.requested.mfaDelete === 'Disabled' || r.event?.requested.status === 'Suspended';

const has = (r: CheckResult, code: CheckResult['findings'][number]['code']) =>
  r.findings.some((f) => f.code === code);

/**
 * What the CloudTrail call did, as a label for its caller. Only say "turned off" when the decision says
 * this call did it; a call that merely set Status is "the last PutBucketVersioning".
 */
export function actorLabel(r: CheckResult): string {
  if (r.event?.tagging) return 'Tags changed by';
  if (r.status === 'attempt-failed')
    return removesProtection(r) ? 'Attempt to remove protection by' : 'Attempted by';
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

export function fact(label: string, value: string | undefined, untrusted = false): Fact[] {
  return value ? [{ label, value, untrusted }] : [];
}

/** Who made the CloudTrail call, from which IP and user agent, and when: every part of it untrusted. */
export function callerFacts(r: CheckResult): Fact[] {
  if (!r.actor && !r.event) return [];
  return [
    ...fact(actorLabel(r), r.actor ? actorSummary(r.actor) : undefined, true),
    ...fact('From', r.event?.sourceIp ? cleanText(r.event.sourceIp, 64) : undefined, true),
    ...fact('User agent', r.event?.userAgent ? cleanText(r.event.userAgent, 200) : undefined, true),
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
    ...fact('Reason', r.reason ? cleanText(r.reason, 300) : undefined, true),
  ];
}

/** The finding that quotes the refused call's error (untrusted text), for the attempt-failed notice. */
export const refusal = (r: CheckResult) => r.findings.find((f) => f.code === 'failed-attempt');

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
          : `No script was prepared (the account ID is unknown): run \`npm run cli -- check --bucket ${r.bucket}${region} --account <12-digit account ID>\` from a checkout of mfa-delete-guard to get one for ${where}.`,
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
