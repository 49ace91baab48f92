import { describe, it, expect } from 'vitest';
import { DRIFT_DETAIL_TYPE, detailTypeFor, driftEventEntry } from '../../lib/domain/driftEvent';
import { remediationScript } from '../../lib/domain/remediationScript';
import type { CheckResult } from '../../lib/domain/types';

const drift: CheckResult = {
  bucket: 'example-bucket',
  account: '111122223333',
  region: 'eu-west-1',
  status: 'drift',
  severity: 'high',
  versioning: { status: 'Enabled', mfaDelete: 'Disabled' },
  findings: [
    { code: 'mfa-delete-disabled', message: 'MFA delete was configured on this bucket and is now Disabled.' },
    { code: 'turned-off-by-event', message: 'This PutBucketVersioning call turned MFA delete off.' },
  ],
  actor: { type: 'Root', arn: 'arn:aws:iam::111122223333:root' },
  event: {
    id: '5b7e2f0a-2222-4c3d-9e8f-000000000002',
    time: '2026-10-05T14:03:11Z',
    sourceIp: '198.51.100.23',
    userAgent: 'aws-cli/2.17.0',
    requested: { status: 'Enabled', mfaDelete: 'Disabled' },
  },
  remediation: remediationScript(
    {
      bucket: 'example-bucket',
      account: '111122223333',
      region: 'eu-west-1',
      versioning: 'Enabled',
      mfaDelete: 'Disabled',
    },
    { profile: 'root_user' },
  ),
  alerted: true,
  trigger: 'cloudtrail',
  checkedAt: '2026-10-05T14:05:00.000Z',
};

describe('detailTypeFor', () => {
  it('names each alerting status apart, so a rule can pick drift alone', () => {
    const types = (['drift', 'restored', 'unverified', 'attempt-failed'] as const).map(detailTypeFor);
    expect(types).toEqual([
      'S3 MFA Delete Drift',
      'S3 MFA Delete Restored',
      'S3 MFA Delete Unverified',
      'S3 Versioning Change Refused',
    ]);
    expect(driftEventEntry({ ...drift, status: 'restored' }, 'mfa-delete-guard', 'default').DetailType).toBe(
      'S3 MFA Delete Restored',
    );
  });
});

describe('driftEventEntry', () => {
  it('builds a PutEvents entry for the custom source and bus', () => {
    const entry = driftEventEntry(drift, 'com.example.mfa-delete-guard', 'security');
    expect(entry.Source).toBe('com.example.mfa-delete-guard');
    expect(entry.DetailType).toBe(DRIFT_DETAIL_TYPE);
    expect(DRIFT_DETAIL_TYPE).toBe('S3 MFA Delete Drift');
    expect(entry.Resources).toEqual(['arn:aws:s3:::example-bucket']);
    expect(entry.EventBusName).toBe('security');
    expect(Object.keys(entry).sort()).toEqual([
      'Detail',
      'DetailType',
      'EventBusName',
      'Resources',
      'Source',
    ]);
  });

  it('carries a small, stable detail', () => {
    const detail = JSON.parse(driftEventEntry(drift, 'mfa-delete-guard', 'default').Detail);
    expect(detail).toEqual({
      status: 'drift',
      severity: 'high',
      bucket: 'example-bucket',
      account: '111122223333',
      region: 'eu-west-1',
      versioning: { status: 'Enabled', mfaDelete: 'Disabled' },
      findings: ['mfa-delete-disabled', 'turned-off-by-event'],
      trigger: 'cloudtrail',
      actorArn: 'arn:aws:iam::111122223333:root',
      cloudTrailEventId: '5b7e2f0a-2222-4c3d-9e8f-000000000002',
      checkedAt: '2026-10-05T14:05:00.000Z',
    });
  });

  it('leaves out the remediation script, the user agent and finding messages', () => {
    const { Detail } = driftEventEntry(drift, 'mfa-delete-guard', 'default');
    expect(Detail).not.toContain('put-bucket-versioning');
    expect(Detail).not.toContain('aws-cli/2.17.0');
    expect(Detail).not.toContain('MFA delete was configured');
    expect(Detail).not.toContain('198.51.100.23');
  });

  it('stays small (well under the 256 KB PutEvents entry limit)', () => {
    const entry = driftEventEntry(drift, 'mfa-delete-guard', 'default');
    const size =
      Buffer.byteLength(entry.Source) +
      Buffer.byteLength(entry.DetailType) +
      Buffer.byteLength(entry.Detail) +
      entry.Resources.reduce((n, r) => n + Buffer.byteLength(r), 0);
    expect(size).toBeLessThan(2_000);
  });

  it('omits what a manual, unverified result does not have', () => {
    const unverified: CheckResult = {
      bucket: 'example-locked',
      status: 'unverified',
      severity: 'medium',
      findings: [{ code: 'live-check-denied', message: 'refused' }],
      alerted: false,
      trigger: 'manual',
      checkedAt: '2026-10-05T14:05:00.000Z',
    };
    const detail = JSON.parse(driftEventEntry(unverified, 'mfa-delete-guard', 'default').Detail);
    expect(detail).toEqual({
      status: 'unverified',
      severity: 'medium',
      bucket: 'example-locked',
      findings: ['live-check-denied'],
      trigger: 'manual',
      checkedAt: '2026-10-05T14:05:00.000Z',
    });
    expect('account' in detail).toBe(false);
    expect('actorArn' in detail).toBe(false);
  });
});
