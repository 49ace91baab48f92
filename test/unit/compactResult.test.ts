// A fanned-out sweep stores, per page, compact records of the buckets that need a person and rebuilds
// their results at the end: the rebuilt result must be the one the check produced (status, findings,
// remediation script), and a page of 1,000 such records must stay far below DynamoDB's 400 KB item limit.
import { describe, expect, it } from 'vitest';
import {
  MAX_MESSAGE_CHARS,
  boundedCompact,
  packCompact,
  unpackCompact,
  type CompactResult,
  type CompactState,
} from '../../lib/domain/compactResult';
import type { GuardConfig, LiveState } from '../../lib/domain/types';
import { resultFromLive } from '../../lib/guard';
import { faultResult } from '../../lib/guard';
import { expandCompact } from '../../lib/sweep';

const ACCOUNT = '111122223333';
const AT = '2026-10-06T03:00:00.000Z';
const configs: GuardConfig[] = [
  { scope: 'configured', exemptPatterns: [], rootProfile: 'root_user' },
  {
    scope: 'all',
    exemptPatterns: ['tmp-*'],
    rootProfile: 'ops-root',
    rootMfaSerial: 'arn:aws:iam::111122223333:mfa/root',
  },
];
const states: LiveState[] = [];
for (const status of ['Enabled', 'Suspended', 'Unversioned'] as const)
  for (const mfaDelete of ['Enabled', 'Disabled', 'NeverConfigured'] as const)
    for (const tag of [undefined, 'required', 'exempt'] as const)
      for (const lifecycle of [undefined, true, false])
        states.push({
          kind: 'observed',
          versioning: { status, mfaDelete },
          ...(tag && { tag }),
          ...(lifecycle !== undefined && { lifecycle }),
        });
states.push({ kind: 'denied', errorCode: 'AccessDenied', message: 'Access Denied' }, { kind: 'gone' });

describe('compact sweep records', () => {
  it('rebuild the same result as the live check, for every live state, configuration and bucket', () => {
    let drifts = 0;
    for (const config of configs)
      for (const bucket of ['data-archive', 'tmp-scratch'])
        for (const state of states) {
          const target = { bucket, region: 'eu-west-1', account: ACCOUNT, trigger: 'sweep' as const };
          const checked = resultFromLive(target, state, { config }, AT);
          const [stored] = unpackCompact(packCompact([{ bucket, region: 'eu-west-1', state }]));
          const rebuilt = expandCompact(stored!, { config, account: ACCOUNT }, AT);
          expect(rebuilt).toEqual(checked);
          if (checked.status === 'drift') {
            drifts += 1;
            expect(rebuilt.remediation?.script).toContain(`s3://${bucket}`);
          }
        }
    expect(drifts).toBeGreaterThan(20);
  });

  it('rebuild a bucket whose check kept failing as the same unverified result', () => {
    const fault: CompactState = {
      kind: 'fault',
      message: 'SlowDown (HTTP 503): Please reduce your request rate.',
    };
    const [stored] = unpackCompact(packCompact([{ bucket: 'b', region: 'us-east-1', state: fault }]));
    const config = configs[0]!;
    expect(expandCompact(stored!, { config, account: ACCOUNT }, AT)).toEqual(
      faultResult('b', 'us-east-1', ACCOUNT, fault.message, AT, 'sweep'),
    );
    expect(expandCompact(stored!, { config, account: ACCOUNT }, AT)).toMatchObject({
      status: 'unverified',
      reason: fault.message,
    });
  });

  it('cut long messages, and keep a page of 1,000 records needing a person far below 400 KB', () => {
    const long = 'x'.repeat(5_000);
    const cut = boundedCompact({
      bucket: 'b',
      state: { kind: 'denied', errorCode: 'AccessDenied', message: long },
    });
    expect(cut.state.kind === 'denied' && cut.state.message.length).toBe(MAX_MESSAGE_CHARS);
    const page: CompactResult[] = Array.from({ length: 1_000 }, (_, i) => ({
      bucket: `a-rather-long-bucket-name-for-a-production-workload-${String(i).padStart(5, '0')}`,
      region: 'ap-southeast-2',
      state:
        i % 2
          ? { kind: 'observed', versioning: { status: 'Enabled', mfaDelete: 'Disabled' }, lifecycle: false }
          : { kind: 'denied', errorCode: 'AccessDenied', message: long },
    }));
    const packed = packCompact(page);
    expect(packed.byteLength).toBeLessThan(40_000);
    expect(unpackCompact(packed)).toEqual(page.map(boundedCompact));
  });
});
