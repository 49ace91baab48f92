import { describe, expect, it } from 'vitest';
import { SNS_MESSAGE_MAX_BYTES, renderDigest, type SweepSummary } from '../../lib/domain/digest';
import { remediationScript } from '../../lib/domain/remediationScript';
import type { CheckResult } from '../../lib/domain/types';

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

const summary = (attention: CheckResult[], compliant = 100): SweepSummary => ({
  account: ACCOUNT,
  startedAt: '2026-10-06T03:00:00.000Z',
  finishedAt: '2026-10-06T03:00:09.000Z',
  total: attention.length + compliant,
  counts: { drift: attention.length, compliant },
  attention,
});

describe('renderDigest', () => {
  it('fits thousands of drifting buckets in one SNS message, worst first, saying how many were left out', () => {
    const attention = Array.from({ length: 5_000 }, (_, i) => drift(i, i % 7 === 0));
    const digest = renderDigest(summary(attention));

    expect(digest.bytes).toBe(Buffer.byteLength(digest.message, 'utf8'));
    expect(digest.bytes).toBeLessThan(SNS_MESSAGE_MAX_BYTES);
    expect(digest.included + digest.leftOut).toBe(5_000);
    expect(digest.leftOut).toBeGreaterThan(0);
    const parsed = JSON.parse(digest.message) as { default: string; https: string };
    expect(parsed.default).toBe(digest.text);
    expect(digest.text).toContain(`${digest.leftOut.toLocaleString('en-US')} left out`);
    expect(digest.text).toContain('npx mfa-delete-guard check --all');
    // All 715 critical (suspended) buckets come before any high one.
    const headlines = [...digest.text.matchAll(/^\d+\. \[(CRITICAL|HIGH)\]/gm)].map((m) => m[1]);
    expect(headlines).toHaveLength(digest.included);
    expect(headlines.every((s) => s === 'CRITICAL')).toBe(digest.included <= 715);
    expect(digest.subject).toBe(`[CRITICAL] S3 MFA delete sweep: 5,000 in drift (${ACCOUNT})`);
    expect(digest.subject.length).toBeLessThan(100);
    const chat = JSON.parse(parsed.https) as {
      version: string;
      source: string;
      content: { description: string };
    };
    expect(chat).toMatchObject({ version: '1.0', source: 'custom' });
    expect(chat.content.description).toContain('4,990 more');
  });

  it('describes every bucket when they fit, and stays ASCII in the subject', () => {
    const digest = renderDigest(summary([drift(1, false), drift(2, true)]));
    expect(digest).toMatchObject({ included: 2, leftOut: 0 });
    expect(digest.text).not.toContain('left out');
    expect(digest.text.indexOf('digest-bucket-00002')).toBeLessThan(
      digest.text.indexOf('digest-bucket-00001'),
    );
    expect(digest.text.match(/----- paste from here -----/g)).toHaveLength(2);
    expect(digest.subject).toMatch(/^[\x20-\x7e]+$/);
  });

  it('cuts to any budget it is given', () => {
    const attention = Array.from({ length: 50 }, (_, i) => drift(i, false));
    const digest = renderDigest(summary(attention), { maxBytes: 20_000 });
    expect(digest.bytes).toBeLessThanOrEqual(20_000);
    expect(digest.included).toBeGreaterThan(0);
    expect(digest.included + digest.leftOut).toBe(50);
  });

  it('says all is well when nothing needs a person', () => {
    const digest = renderDigest(summary([], 42));
    expect(digest.subject).toBe(`[INFO] S3 MFA delete sweep: all 42 buckets OK (${ACCOUNT})`);
    expect(digest.text).toContain('Nothing needs a person.');
  });
});
