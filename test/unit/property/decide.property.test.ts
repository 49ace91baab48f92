import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decide } from '../../../lib/domain/decide';
import {
  SEVERITIES,
  STATUSES,
  type GuardConfig,
  type LiveState,
  type VersioningChangeRecord,
} from '../../../lib/domain/types';
import { NUM_RUNS, hostileName, timeoutFor } from './arbitraries';

const versioning = fc.record({
  status: fc.constantFrom('Enabled' as const, 'Suspended' as const, 'Unversioned' as const),
  mfaDelete: fc.constantFrom('Enabled' as const, 'Disabled' as const, 'NeverConfigured' as const),
});

const live: fc.Arbitrary<LiveState> = fc.oneof(
  fc.record(
    {
      kind: fc.constant('observed' as const),
      versioning,
      tag: fc.constantFrom('required' as const, 'exempt' as const),
      lifecycle: fc.boolean(),
    },
    { requiredKeys: ['kind', 'versioning'] },
  ),
  fc.record({ kind: fc.constant('denied' as const), errorCode: hostileName, message: hostileName }),
  fc.constant({ kind: 'gone' as const }),
);

const config: fc.Arbitrary<GuardConfig> = fc.record({
  scope: fc.constantFrom('configured' as const, 'all' as const),
  exemptPatterns: fc.array(fc.oneof(fc.constantFrom('*', 'tmp-*', '*-scratch', 'example-*'), hostileName), {
    maxLength: 3,
  }),
  rootProfile: fc.constant('root_user'),
});

const record: fc.Arbitrary<VersioningChangeRecord | undefined> = fc.option(
  fc.record(
    {
      bucket: fc.constant('example-bucket'),
      account: fc.constant('111122223333'),
      region: fc.constant('eu-west-1'),
      eventId: fc.uuid(),
      eventTime: fc.constant('2026-10-05T14:03:11Z'),
      actor: fc.constant({ type: 'Root' as const }),
      requested: fc.record(
        {
          status: fc.constantFrom('Enabled' as const, 'Suspended' as const),
          mfaDelete: fc.constantFrom('Enabled' as const, 'Disabled' as const),
        },
        { requiredKeys: [] },
      ),
      error: fc.record({ code: hostileName, message: fc.option(hostileName, { nil: undefined }) }),
    },
    { requiredKeys: ['bucket', 'account', 'region', 'eventId', 'eventTime', 'actor', 'requested'] },
  ),
  { nil: undefined },
);

describe('decide', { timeout: timeoutFor(NUM_RUNS, 1) }, () => {
  it('never throws and always returns one status and severity from the closed unions', () => {
    fc.assert(
      fc.property(hostileName, live, config, record, (bucket, state, cfg, rec) => {
        const d = decide(bucket, state, cfg, rec);
        expect(STATUSES).toContain(d.status);
        expect(SEVERITIES).toContain(d.severity);
        // The live state wins: no drift without an observed unprotected bucket, no silence for a gone one.
        if (state.kind === 'gone') expect(d.status).toBe('gone');
        if (d.status === 'drift') {
          expect(state.kind).toBe('observed');
          if (state.kind === 'observed') {
            expect(state.versioning.status === 'Enabled' && state.versioning.mfaDelete === 'Enabled').toBe(
              false,
            );
            // An exempt bucket in drift is one whose MFA delete was turned off, reported at low severity.
            const exempt = state.tag === 'exempt' || d.findings.some((f) => f.code === 'excluded-by-pattern');
            if (exempt) {
              expect(state.versioning.mfaDelete).toBe('Disabled');
              expect(d.severity).toBe('low');
            } else expect(['critical', 'high']).toContain(d.severity);
          }
        }
        if (state.kind === 'denied') expect(['unverified', 'attempt-failed', 'exempt']).toContain(d.status);
        // An observed bucket with MFA delete turned off (it was configured) is never quiet, exempt or not.
        if (state.kind === 'observed' && state.versioning.mfaDelete === 'Disabled')
          expect(d.status).toBe('drift');
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
