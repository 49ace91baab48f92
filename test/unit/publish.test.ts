// The guard's SNS publish: every SNS-delivered channel under its protocol key, within 256 KB.
import { describe, expect, it } from 'vitest';
import { MACHINE_DIGEST_SCRIPTS } from '../../lib/channels/machine';
import { digestPublication, snsPublication } from '../../lib/channels/publish';
import { renderSlack } from '../../lib/channels/slack';
import { slackLimitViolations } from '../../lib/channels/slack/blockKit';
import { SNS_MESSAGE_MAX_BYTES } from '../../lib/domain/snsMessage';
import { remediationScript } from '../../lib/domain/remediationScript';
import { classifyTopicMessage, newTestAlert, resultMessage } from '../../lib/domain/topicMessage';
import type { CheckResult } from '../../lib/domain/types';
import { scenarioFixtures } from '../golden/fixtures';
import { SEE_ALL } from '../golden/topicFixtures';

const ACCOUNT = '111122223333';

function drift(i: number, suspended: boolean): CheckResult {
  const bucket = `digest-bucket-${String(i).padStart(5, '0')}`;
  return {
    bucket,
    account: ACCOUNT,
    region: 'eu-west-1',
    status: 'drift',
    severity: suspended ? 'critical' : 'high',
    versioning: { status: suspended ? 'Suspended' : 'Enabled', mfaDelete: 'Disabled' },
    findings: [{ code: 'mfa-delete-disabled', message: 'MFA delete is off.' }],
    remediation: remediationScript(
      {
        bucket,
        account: ACCOUNT,
        region: 'eu-west-1',
        versioning: suspended ? 'Suspended' : 'Enabled',
        mfaDelete: 'Disabled',
      },
      { profile: 'root_user' },
    ),
    alerted: false,
    trigger: 'sweep',
    checkedAt: '2026-10-06T03:00:05.000Z',
  };
}

const summary = (attention: CheckResult[], compliant = 100) => ({
  account: ACCOUNT,
  startedAt: '2026-10-06T03:00:00.000Z',
  finishedAt: '2026-10-06T03:00:09.000Z',
  total: attention.length + compliant,
  counts: { drift: attention.length, compliant },
  attention,
  seeAll: SEE_ALL,
});

const keys = (message: string) => JSON.parse(message) as Record<string, string>;

describe('snsPublication', () => {
  it('puts the machine copy under default, the text under email and the Chatbot notification under https', () => {
    const r = scenarioFixtures().find((f) => f.name === 'cloudtrail-mfa-delete-disabled')!.result;
    const p = snsPublication(resultMessage(r));
    expect(Object.keys(keys(p.message)).sort()).toEqual(['default', 'email', 'https']);
    expect(classifyTopicMessage(p.subject, keys(p.message).default!)).toEqual({ kind: 'alert', result: r });
    expect(p.bytes).toBe(Buffer.byteLength(p.message, 'utf8'));
  });

  it('cuts the caller-chosen fields of an oversized alert rather than have SNS refuse it', () => {
    const r = scenarioFixtures().find((f) => f.name === 'cloudtrail-mfa-delete-disabled')!.result;
    const huge = { ...r, event: { ...r.event!, userAgent: 'u'.repeat(300_000) } };
    const p = snsPublication(resultMessage(huge));
    expect(p.bytes).toBeLessThan(SNS_MESSAGE_MAX_BYTES);
    const machine = JSON.parse(keys(p.message).default!) as { truncated?: boolean; result: CheckResult };
    expect(machine.truncated).toBe(true);
    expect(machine.result.remediation!.script).toBe(r.remediation!.script);
  });

  it('labels a test alert as a test in every channel and carries no script', () => {
    const test = newTestAlert({ account: ACCOUNT, region: 'eu-west-1', now: new Date(0), origin: 'lambda' });
    const p = snsPublication({ kind: 'test', test });
    expect(p.subject).toBe(`[TEST] mfa-delete-guard test alert (${ACCOUNT})`);
    const k = keys(p.message);
    expect(k.email).toMatch(/^TEST: /);
    expect((JSON.parse(k.https!) as { content: { title: string } }).content.title).toContain('TEST');
    expect(p.message).not.toMatch(/aws s3api|put-bucket-versioning/);
  });
});

describe('digestPublication', () => {
  it('fits thousands of drifting buckets in one SNS message, worst first, saying how many were left out', () => {
    const attention = Array.from({ length: 5_000 }, (_, i) => drift(i, i % 7 === 0));
    const p = digestPublication(summary(attention));
    expect(p.bytes).toBe(Buffer.byteLength(p.message, 'utf8'));
    expect(p.bytes).toBeLessThan(SNS_MESSAGE_MAX_BYTES);
    expect(p.included + p.leftOut).toBe(5_000);
    expect(p.leftOut).toBeGreaterThan(0);
    const k = keys(p.message);
    expect(k.email).toContain(`${p.leftOut.toLocaleString('en-US')} left out`);
    expect(k.email).toContain('aws lambda invoke --function-name mfa-delete-guard-prod-sweep');
    expect(k.email).not.toContain('npx');
    const headlines = [...k.email!.matchAll(/^\d+\. \[(CRITICAL|HIGH)\]/gm)].map((m) => m[1]);
    expect(headlines).toHaveLength(p.included);
    expect(headlines.every((s) => s === 'CRITICAL')).toBe(p.included <= 715);
    expect(p.subject).toBe(`[CRITICAL] S3 MFA delete sweep: 5,000 in drift (${ACCOUNT})`);
    // The machine copy is a digest the notifier reads back, with the same buckets as the email.
    const back = classifyTopicMessage(p.subject, k.default!);
    expect(back.kind).toBe('digest');
    if (back.kind === 'digest') {
      expect(back.digest.attention.map((r) => r.bucket)).toEqual(p.digest.attention.map((r) => r.bucket));
      expect(back.digest).toMatchObject({ leftOut: p.leftOut, severity: 'critical', total: 5_100 });
      // Only the first few carry their script in the machine copy: the email has every one.
      expect(back.digest.scripts).toBe(MACHINE_DIGEST_SCRIPTS);
      expect(back.digest.attention.map((r) => r.remediation !== undefined)).toEqual(
        p.digest.attention.map((_, i) => i < MACHINE_DIGEST_SCRIPTS),
      );
      // Slack shows those in full, lists the others that fitted, and counts the rest.
      const slack = renderSlack(back);
      expect(slackLimitViolations(slack)).toEqual([]);
      const text = JSON.stringify(slack);
      // One script per shown bucket (the command with its arguments, not the one-line description of it).
      expect(text.match(/aws s3api put-bucket-versioning --profile/g)?.length).toBe(MACHINE_DIGEST_SCRIPTS);
      expect(text).toContain('Also needing a person (their scripts are in the email digest)');
      expect(text).toMatch(/more buckets need a person\. To see them all:/);
    }
    const chat = JSON.parse(k.https!) as { content: { description: string } };
    expect(chat.content.description).toContain('4,990 more');
  });

  it('describes every bucket when they fit', () => {
    const p = digestPublication(summary([drift(1, false), drift(2, true)]));
    expect(p).toMatchObject({ included: 2, leftOut: 0 });
    const email = keys(p.message).email!;
    expect(email).not.toContain('left out');
    expect(email.indexOf('digest-bucket-00002')).toBeLessThan(email.indexOf('digest-bucket-00001'));
    expect(email.match(/----- paste from here -----/g)).toHaveLength(2);
    expect(p.subject).toMatch(/^[\x20-\x7e]+$/);
  });

  it('cuts to any budget it is given', () => {
    const p = digestPublication(summary(Array.from({ length: 50 }, (_, i) => drift(i, false))), {
      maxBytes: 30_000,
    });
    expect(p.bytes).toBeLessThanOrEqual(30_000);
    expect(p.included).toBeGreaterThan(0);
    expect(p.included + p.leftOut).toBe(50);
  });

  it('says all is well when nothing needs a person', () => {
    const p = digestPublication(summary([], 42));
    expect(p.subject).toBe(`[INFO] S3 MFA delete sweep: all 42 buckets OK (${ACCOUNT})`);
    expect(keys(p.message).email).toContain('Nothing needs a person.');
  });
});
