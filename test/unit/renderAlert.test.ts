import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it, expect } from 'vitest';
import { decide } from '../../lib/domain/decide';
import { parseVersioningEvent } from '../../lib/domain/parseVersioningEvent';
import { remediationScript } from '../../lib/domain/remediationScript';
import { renderChatbot } from '../../lib/channels/chatbot/alert';
import type { ChatbotNotification } from '../../lib/channels/chatbot/notification';
import { renderText } from '../../lib/channels/email/alert';
import { alertSubject, headline } from '../../lib/domain/alertText';
import { renderAlert } from '../support/renderAlert';
import {
  eventFieldsOf,
  type CheckResult,
  type GuardConfig,
  type LiveState,
  type Severity,
  type Status,
  type VersioningChangeRecord,
} from '../../lib/domain/types';

const SNS_MESSAGE_LIMIT = 262_144;
const CONFIG: GuardConfig = { scope: 'configured', exemptPatterns: [], rootProfile: 'root_user' };
const EVENTS_DIR = fileURLToPath(new URL('../../events/', import.meta.url));
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- sample events are mutated freely below
const loadEvent = (file: string): any => JSON.parse(readFileSync(`${EVENTS_DIR}${file}`, 'utf8'));

function recordFrom(event: unknown): VersioningChangeRecord {
  const parsed = parseVersioningEvent(event);
  if (parsed.kind !== 'record') throw new Error(`not a record: ${JSON.stringify(parsed)}`);
  return parsed.record;
}

/** What lib/guard.ts builds: parse → decide → remediation. */
function resultFor(
  record: VersioningChangeRecord | undefined,
  live: LiveState,
  bucket = record?.bucket,
): CheckResult {
  const name = bucket ?? 'example-bucket';
  const d = decide(name, live, CONFIG, record);
  const result: CheckResult = {
    bucket: name,
    account: record?.account ?? '111122223333',
    region: record?.region ?? 'eu-west-1',
    status: d.status,
    severity: d.severity,
    findings: d.findings,
    ...(record && eventFieldsOf(record)),
    ...(live.kind === 'observed' && { versioning: live.versioning }),
    ...(live.kind === 'denied' && { reason: live.message }),
    alerted: false,
    trigger: record ? 'cloudtrail' : 'manual',
    checkedAt: '2026-10-05T14:05:00.000Z',
  };
  if (d.status === 'drift' && live.kind === 'observed') {
    result.remediation = remediationScript(
      {
        bucket: name,
        account: result.account as string,
        region: result.region as string,
        versioning: live.versioning.status,
        mfaDelete: live.versioning.mfaDelete,
      },
      { profile: CONFIG.rootProfile },
    );
  }
  return result;
}

const OFF_LIVE: LiveState = {
  kind: 'observed',
  versioning: { status: 'Enabled', mfaDelete: 'Disabled' },
  lifecycle: false,
};
const ON_LIVE: LiveState = { kind: 'observed', versioning: { status: 'Enabled', mfaDelete: 'Enabled' } };
const drift = () => resultFor(recordFrom(loadEvent('cloudtrail-mfa-delete-disabled.json')), OFF_LIVE);
const restored = () => resultFor(recordFrom(loadEvent('cloudtrail-mfa-delete-enabled.json')), ON_LIVE);

interface Message {
  default: string;
  email: string;
  https: string;
  [protocol: string]: unknown;
}
const messageOf = (r: CheckResult): Message => JSON.parse(renderAlert(r).message) as Message;
const chatbotOf = (r: CheckResult): ChatbotNotification =>
  JSON.parse(messageOf(r).https) as ChatbotNotification;
const chatbotText = (c: ChatbotNotification): string =>
  [c.content.title, c.content.description, ...c.content.nextSteps, c.metadata.summary].join('\n');

// eslint-disable-next-line no-control-regex -- looking for control characters is the point
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/;

describe('subject', () => {
  const statuses: Array<[Status, Severity]> = [
    ['drift', 'critical'],
    ['drift', 'high'],
    ['unverified', 'medium'],
    ['restored', 'info'],
    ['attempt-failed', 'medium'],
    ['compliant', 'info'],
    ['exempt', 'info'],
    ['not-required', 'info'],
    ['gone', 'info'],
    ['ignored', 'info'],
    ['invalid-input', 'low'],
  ];

  it.each(statuses)(
    'is ASCII, under 100 characters and prefixed for %s/%s with a 63-character bucket',
    (status, severity) => {
      const r: CheckResult = {
        ...drift(),
        bucket: 'b'.repeat(63),
        status,
        severity,
        versioning: { status: 'Suspended', mfaDelete: 'Disabled' },
      };
      const subject = renderAlert(r).subject;
      expect(subject).toMatch(/^[\x20-\x7e]+$/);
      expect(subject.length).toBeLessThan(100);
      expect(subject.startsWith(`[${severity.toUpperCase()}] `)).toBe(true);
      expect(subject).not.toMatch(/[\r\n]/);
    },
  );

  it('keeps short subjects whole, with the account', () => {
    expect(alertSubject(drift())).toBe(`[HIGH] S3 ${headline(drift())} (111122223333)`);
    expect(alertSubject(drift())).toMatch(/^\[HIGH\] S3 MFA delete OFF on example-bucket \(111122223333\)$/);
    expect(alertSubject(restored())).toMatch(/^\[INFO\] S3 .*restored.*example-bucket \(111122223333\)$/);
  });

  it('cuts long subjects with an ellipsis', () => {
    const r = { ...drift(), bucket: 'c'.repeat(63), severity: 'critical' as const };
    r.versioning = { status: 'Suspended', mfaDelete: 'Disabled' };
    const subject = alertSubject(r);
    expect(subject.length).toBe(99);
    expect(subject.endsWith('...')).toBe(true);
  });

  it('is ASCII for a legacy 255-character us-east-1 bucket', () => {
    const r = { ...drift(), bucket: `Legacy_${'x'.repeat(248)}`, region: 'us-east-1' };
    const subject = alertSubject(r);
    expect(subject.length).toBeLessThan(100);
    expect(subject).toMatch(/^[\x20-\x7e]+$/);
  });
});

describe('headline', () => {
  const base = drift();
  it.each<[Partial<CheckResult>, string]>([
    [
      { status: 'drift', versioning: { status: 'Suspended', mfaDelete: 'Disabled' } },
      'Versioning SUSPENDED on',
    ],
    [
      { status: 'drift', versioning: { status: 'Unversioned', mfaDelete: 'NeverConfigured' } },
      'Versioning never enabled on',
    ],
    [{ status: 'drift', versioning: { status: 'Enabled', mfaDelete: 'Disabled' } }, 'MFA delete OFF on'],
    [
      { status: 'drift', versioning: { status: 'Enabled', mfaDelete: 'NeverConfigured' } },
      'MFA delete not configured on',
    ],
    [{ status: 'unverified' }, 'Could not verify MFA delete on'],
    [{ status: 'restored' }, 'MFA delete restored on'],
    [{ status: 'attempt-failed' }, 'Refused attempt to remove protection from'],
    [
      { status: 'attempt-failed', event: { id: 'e', time: 't', requested: { mfaDelete: 'Enabled' } } },
      'Failed attempt to change versioning on',
    ],
    [{ status: 'compliant' }, 'MFA delete on for'],
    [{ status: 'exempt' }, 'is exempt'],
    [{ status: 'not-required' }, 'MFA delete not required on'],
    [{ status: 'gone' }, 'no longer exists'],
    [{ status: 'ignored' }, 'Event ignored'],
    [{ status: 'invalid-input' }, 'Input not understood'],
  ])('%j → %s', (over, expected) => {
    expect(headline({ ...base, ...over })).toContain(expected);
  });
});

describe('email text', () => {
  it('carries every fact about a drift, and the script', () => {
    const r = drift();
    const msg = messageOf(r);
    const text = renderAlert(r).text;
    expect(msg.email).toBe(text);
    for (const fact of [
      'example-bucket',
      '111122223333',
      'eu-west-1',
      'Root user (arn:aws:iam::111122223333:root)',
      '198.51.100.23',
      '2026-10-05T14:03:11Z',
      '5b7e2f0a-2222-4c3d-9e8f-000000000002',
      'versioning Enabled, MFA delete Disabled',
      'Status=Enabled, MfaDelete=Disabled',
      'aws-cli/2.17.0',
      'AKIAEXAMPLEROOT00001',
    ]) {
      expect(text).toContain(fact);
    }
    expect(text.startsWith('[HIGH] MFA delete OFF on example-bucket')).toBe(true);
    expect(text).toContain(r.remediation?.script.trimEnd());
    expect(text).toContain(
      "aws s3api put-bucket-versioning --profile 'root_user' --region 'eu-west-1' --bucket 'example-bucket'",
    );
    expect(text).toContain('----- paste from here -----');
    for (const w of r.remediation?.warnings ?? []) expect(text).toContain(w);
    expect(text).toContain('RUNBOOK');
    expect(text).toContain('FINDINGS');
  });

  it('shows the assumed role, its session and MFA state', () => {
    const r = resultFor(recordFrom(loadEvent('cloudtrail-versioning-suspended.json')), {
      kind: 'observed',
      versioning: { status: 'Suspended', mfaDelete: 'Disabled' },
      lifecycle: true,
    });
    const text = renderText(r);
    expect(r.status).toBe('drift');
    expect(text).toContain('AssumedRole ops-session');
    expect(text).toContain('arn:aws:iam::111122223333:role/OpsAdmin');
    expect(text).toMatch(/MFA session: +no/);
    expect(text).toContain('InvalidBucketState');
  });

  it('has no script for a non-drift alert', () => {
    for (const r of [
      restored(),
      resultFor(recordFrom(loadEvent('cloudtrail-attempt-denied.json')), ON_LIVE),
    ]) {
      const text = renderAlert(r).text;
      expect(r.remediation).toBeUndefined();
      // (The user agent of the sample names the CLI command s3api.put-bucket-versioning.)
      expect(text).not.toContain('aws s3api put-bucket-versioning');
      expect(text).not.toContain('paste from here');
    }
  });

  it('explains an unverified check, with the reason cleaned', () => {
    const r = resultFor(recordFrom(loadEvent('cloudtrail-unverified.json')), {
      kind: 'denied',
      errorCode: 'AccessDenied',
      message: 'Access Denied\u001b[2J\u202e by policy',
    });
    expect(r.status).toBe('unverified');
    const { text } = renderAlert(r);
    expect(text).toContain('could not be read');
    expect(text).toContain('not readable (check refused)');
    expect(text).not.toMatch(UNSAFE);
    expect(chatbotText(chatbotOf(r))).not.toMatch(UNSAFE);
  });

  it('cleans finding messages, which quote CloudTrail error messages', () => {
    const event = loadEvent('cloudtrail-attempt-denied.json');
    event.detail.errorMessage = 'Mfa\u0007 Authentication\u202e must\u0000 be used';
    const r = resultFor(recordFrom(event), ON_LIVE);
    expect(r.status).toBe('attempt-failed');
    const text = renderAlert(r).text;
    expect(text).toContain('Mfa Authentication must be used');
    expect(text).not.toMatch(UNSAFE);
  });
});

describe('message (MessageStructure json)', () => {
  it('is a JSON object of strings with default, email and https', () => {
    const alert = renderAlert(drift());
    expect(alert.messageStructure).toBe('json');
    const msg = JSON.parse(alert.message) as Record<string, unknown>;
    expect(typeof msg.default).toBe('string');
    expect(typeof msg.email).toBe('string');
    expect(typeof msg.https).toBe('string');
    for (const v of Object.values(msg)) expect(typeof v).toBe('string');
  });

  it('gives machines the whole result under default, which SNS sends to every protocol without a key', () => {
    const r = drift();
    const msg = messageOf(r);
    const machine = JSON.parse(msg.default) as { source: string; kind: string; result: CheckResult };
    expect(machine).toMatchObject({ source: 'mfa-delete-guard', kind: 'alert' });
    expect(machine.result).toEqual(r);
    // No copies under email-json, sqs, lambda or http: they would only double the message's size.
    expect(Object.keys(msg).sort()).toEqual(['default', 'email', 'https']);
  });

  it('https is the Chatbot custom notification', () => {
    const r = drift();
    const c = chatbotOf(r);
    expect(c).toEqual(renderChatbot(r));
    expect(c.version).toBe('1.0');
    expect(c.source).toBe('custom');
    expect(c.content.textType).toBe('client-markdown');
    expect(c.content.description.trim().length).toBeGreaterThan(0);
    expect(c.content.description).toContain('111122223333');
    expect(c.content.title).toContain(':red_circle:');
    expect(c.content.title).toContain('example-bucket');
    expect(c.content.keywords).toEqual(
      expect.arrayContaining(['s3', 'mfa-delete', 'drift', 'high', '111122223333']),
    );
    expect(c.id).toBe(
      'mfa-delete-guard-drift-111122223333-example-bucket-5b7e2f0a-2222-4c3d-9e8f-000000000002',
    );
    expect(c.metadata.relatedResources).toEqual(['arn:aws:s3:::example-bucket']);
    expect(c.metadata.eventType).toBe('S3MfaDelete-drift');
    expect(c.metadata.additionalContext).toEqual({
      account: '111122223333',
      region: 'eu-west-1',
      status: 'drift',
      severity: 'high',
    });
    expect(c.metadata.summary).toMatch(/^[\x20-\x7e]+$/);
  });

  it('threads the drift and the restored notice of one bucket together, and no other bucket', () => {
    const a = chatbotOf(drift());
    const b = chatbotOf(restored());
    expect(a.metadata.threadId).toBe(b.metadata.threadId);
    expect(a.id).not.toBe(b.id);
    const other = chatbotOf({ ...drift(), bucket: 'example-archive' });
    expect(other.metadata.threadId).not.toBe(a.metadata.threadId);
  });

  it('puts the script, unchanged, in a code block of the next steps', () => {
    const r = drift();
    const steps = chatbotOf(r).content.nextSteps;
    expect(steps).toContain(`\`\`\`\n${r.remediation?.script.trimEnd()}\n\`\`\``);
  });

  it('keeps the instructions intact in the next steps (profile and MFA_CODE)', () => {
    const steps = chatbotOf(drift()).content.nextSteps.join('\n');
    expect(steps).toContain('profile "root_user"');
    expect(steps).toContain('`export MFA_CODE=<code>`');
  });

  it('has no next steps for a compliant result', () => {
    const r = resultFor(undefined, ON_LIVE);
    expect(r.status).toBe('compliant');
    expect(chatbotOf(r).content.nextSteps).toEqual([]);
  });
});

describe('caller-chosen text', () => {
  const nasty =
    'aws-cli/2.0\u0000\u0007\u001b[31m\u009b2J\u202eevil\u2066x\u2069\u200b\u200e\u061c\ufeff\r\nInjected: yes';

  it('removes control and bidi characters of the user agent from email and chatbot', () => {
    const event = loadEvent('cloudtrail-mfa-delete-disabled.json');
    event.detail.userAgent = nasty;
    const r = resultFor(recordFrom(event), OFF_LIVE);
    expect(r.event?.userAgent).toBe(nasty);
    const msg = messageOf(r);
    expect(msg.email).not.toMatch(UNSAFE);
    expect(msg.email).toContain('aws-cli/2.0');
    expect(msg.email).toContain('evil');
    // The injected "line" stays on the user agent's line.
    expect(msg.email.split('\n').some((l) => l.startsWith('Injected'))).toBe(false);
    const c = JSON.parse(msg.https) as ChatbotNotification;
    expect(chatbotText(c)).not.toMatch(UNSAFE);
    expect(JSON.stringify(c)).not.toMatch(UNSAFE);
  });

  it('removes them from the session name and ARN of an assumed role too', () => {
    const event = loadEvent('cloudtrail-versioning-suspended.json');
    event.detail.userIdentity.arn = `arn:aws:sts::111122223333:assumed-role/OpsAdmin/s\u202e\u001bx`;
    event.detail.sourceIPAddress = '203.0.113.7\u202e';
    const r = resultFor(recordFrom(event), {
      kind: 'observed',
      versioning: { status: 'Suspended', mfaDelete: 'Disabled' },
      lifecycle: false,
    });
    expect(r.actor?.sessionName).toContain('\u202e');
    expect(renderText(r)).not.toMatch(UNSAFE);
    expect(chatbotText(renderChatbot(r))).not.toMatch(UNSAFE);
  });

  it('does not let markdown in the user agent reach the chatbot description', () => {
    const event = loadEvent('cloudtrail-mfa-delete-disabled.json');
    event.detail.sourceIPAddress = '<https://evil.example|click here>';
    const r = resultFor(recordFrom(event), OFF_LIVE);
    const description = chatbotOf(r).content.description;
    expect(description).not.toContain('<https://evil.example');
    expect(description).toContain('evil.example');
  });
});

describe('size', () => {
  it('keeps a drift alert far below the SNS limit', () => {
    // The root script (identity, device and lifecycle checks) appears in four renderings, JSON-encoded
    // twice for Chatbot: a quarter of the limit still leaves room for the largest caller fields.
    const { message } = renderAlert(drift());
    expect(Buffer.byteLength(message, 'utf8')).toBeLessThan(64_000);
  });

  it('stays under 262,144 bytes for the largest event the parser accepts', () => {
    const event = loadEvent('cloudtrail-versioning-suspended.json');
    const d = event.detail;
    // Every field the parser keeps is cut to 2048 characters; fill each with the costliest characters.
    const worst = (c: string) => c.repeat(5000);
    d.userAgent = worst('\u0001');
    d.sourceIPAddress = worst('"');
    d.errorCode = worst('\\');
    d.errorMessage = worst('\u0002');
    Object.assign(d.userIdentity, {
      type: worst('\u0003'),
      arn: worst('\u0004'),
      principalId: worst('\u0005'),
      accountId: worst('\u0006'),
      accessKeyId: worst('\u0007'),
      userName: worst('\u0008'),
      invokedBy: worst('\u000e'),
    });
    d.userIdentity.sessionContext.sessionIssuer.arn = worst('\u000f');
    d.eventID = worst('\u0010');
    d.eventTime = worst('\u0011');
    const record = recordFrom(event);
    const r = resultFor(record, {
      kind: 'observed',
      versioning: { status: 'Suspended', mfaDelete: 'Disabled' },
    });
    expect(r.status).toBe('drift');
    const alert = renderAlert(r);
    expect(Buffer.byteLength(alert.message, 'utf8')).toBeLessThan(SNS_MESSAGE_LIMIT);
    const msg = JSON.parse(alert.message) as Message;
    expect(typeof msg.default).toBe('string');
    expect(msg.email).toBe(alert.text);
    expect(JSON.parse(msg.https)).toEqual(alert.chatbot);
    // The script survives intact.
    expect(msg.email).toContain(r.remediation?.script.trimEnd());
    const machine = JSON.parse(msg.default) as { result: CheckResult };
    expect(machine.result.remediation?.script).toBe(r.remediation?.script);
    expect(machine.result.bucket).toBe('example-archive');
  });

  it('stays under the limit for 4-byte characters too', () => {
    const event = loadEvent('cloudtrail-mfa-delete-disabled.json');
    event.detail.userAgent = '\u{1F600}'.repeat(3000);
    event.detail.userIdentity.arn = '\u{1F600}'.repeat(3000);
    event.detail.errorMessage = '\u0800'.repeat(3000);
    event.detail.errorCode = 'AccessDenied';
    const r = resultFor(recordFrom(event), OFF_LIVE);
    const { message } = renderAlert(r);
    expect(Buffer.byteLength(message, 'utf8')).toBeLessThan(SNS_MESSAGE_LIMIT);
    expect(() => JSON.parse(message)).not.toThrow();
  });
});
