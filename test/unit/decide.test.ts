import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it, expect } from 'vitest';
import {
  ALERTING_STATUSES,
  SEVERITY_RANK,
  decide,
  decideScopeChange,
  isExemptByPattern,
  matchesPattern,
  needsLifecycle,
  needsTags,
  type Decision,
} from '../../lib/domain/decide';
import { parseS3Event } from '../../lib/domain/parseVersioningEvent';
import type {
  FindingCode,
  GuardConfig,
  GuardTag,
  LiveState,
  MfaDeleteState,
  RequestedVersioning,
  Scope,
  Severity,
  Status,
  VersioningChangeRecord,
  VersioningState,
  VersioningStatus,
} from '../../lib/domain/types';

const BUCKET = 'example-bucket';
const config = (over: Partial<GuardConfig> = {}): GuardConfig => ({
  scope: 'configured',
  exemptPatterns: [],
  rootProfile: 'root_user',
  ...over,
});
const observed = (
  status: VersioningStatus,
  mfaDelete: MfaDeleteState,
  extra: { tag?: GuardTag; lifecycle?: boolean | 'not-read' } = { lifecycle: false },
): LiveState => ({ kind: 'observed', versioning: { status, mfaDelete }, ...extra });
const DENIED: LiveState = { kind: 'denied', errorCode: 'AccessDenied', message: 'Access Denied' };
const GONE: LiveState = { kind: 'gone' };
const record = (
  requested: RequestedVersioning,
  error?: VersioningChangeRecord['error'],
): VersioningChangeRecord => ({
  bucket: BUCKET,
  account: '111122223333',
  region: 'eu-west-1',
  eventId: 'e-1',
  eventTime: '2026-10-05T14:03:11Z',
  actor: { type: 'Root' },
  requested,
  ...(error && { error }),
});
const OFF = record({ status: 'Enabled', mfaDelete: 'Disabled' });
const ON = record({ status: 'Enabled', mfaDelete: 'Enabled' });
const SUSPEND = record({ status: 'Suspended' });
const DENIED_OFF = record(
  { status: 'Enabled', mfaDelete: 'Disabled' },
  { code: 'AccessDenied', message: 'Mfa Authentication must be used for this request' },
);
const DENIED_ON = record({ status: 'Enabled', mfaDelete: 'Enabled' }, { code: 'InvalidBucketState' });

const codes = (d: Decision): FindingCode[] => d.findings.map((f) => f.code);

interface Row {
  name: string;
  live: LiveState;
  cfg?: Partial<GuardConfig>;
  event?: VersioningChangeRecord;
  bucket?: string;
  status: Status;
  severity: Severity;
  findings: FindingCode[];
}

const TABLE: Row[] = [
  // gone
  { name: 'gone', live: GONE, status: 'gone', severity: 'info', findings: ['bucket-gone'] },
  {
    name: 'gone after a failed attempt',
    live: GONE,
    event: DENIED_OFF,
    status: 'gone',
    severity: 'info',
    findings: ['failed-attempt', 'bucket-gone'],
  },
  // denied
  {
    name: 'live check denied',
    live: DENIED,
    status: 'unverified',
    severity: 'medium',
    findings: ['live-check-denied'],
  },
  {
    name: 'live check denied after a successful event',
    live: DENIED,
    event: OFF,
    status: 'unverified',
    severity: 'medium',
    findings: ['live-check-denied'],
  },
  {
    name: 'live check denied after a failed attempt',
    live: DENIED,
    event: DENIED_OFF,
    status: 'attempt-failed',
    severity: 'medium',
    findings: ['failed-attempt', 'live-check-denied'],
  },
  {
    name: 'live check denied, but exempt by pattern',
    live: DENIED,
    cfg: { exemptPatterns: ['example-*'] },
    event: OFF,
    status: 'exempt',
    severity: 'info',
    findings: ['excluded-by-pattern'],
  },
  // fully protected
  {
    name: 'compliant, no event',
    live: observed('Enabled', 'Enabled'),
    status: 'compliant',
    severity: 'info',
    findings: [],
  },
  {
    name: 'compliant although the event turned it off (superseded)',
    live: observed('Enabled', 'Enabled'),
    event: OFF,
    status: 'compliant',
    severity: 'info',
    findings: ['event-superseded'],
  },
  {
    name: 'compliant after a Status-only event',
    live: observed('Enabled', 'Enabled'),
    event: record({ status: 'Enabled' }),
    status: 'compliant',
    severity: 'info',
    findings: [],
  },
  {
    name: 'restored by the event',
    live: observed('Enabled', 'Enabled'),
    event: ON,
    status: 'restored',
    severity: 'info',
    findings: ['turned-on-by-event'],
  },
  {
    name: 'failed attempt to turn it off, still on',
    live: observed('Enabled', 'Enabled'),
    event: DENIED_OFF,
    status: 'attempt-failed',
    severity: 'medium',
    findings: ['failed-attempt'],
  },
  {
    name: 'failed attempt to turn it on is not "restored"',
    live: observed('Enabled', 'Enabled'),
    event: DENIED_ON,
    status: 'attempt-failed',
    severity: 'medium',
    findings: ['failed-attempt'],
  },
  {
    name: 'failed suspend attempt, still on',
    live: observed('Enabled', 'Enabled'),
    event: record({ status: 'Suspended' }, { code: 'AccessDenied' }),
    status: 'attempt-failed',
    severity: 'medium',
    findings: ['failed-attempt'],
  },
  // exempt
  {
    name: 'exempt by tag, but MFA delete was turned off: reported, at low severity',
    live: observed('Enabled', 'Disabled', { tag: 'exempt', lifecycle: false }),
    event: OFF,
    status: 'drift',
    severity: 'low',
    findings: ['mfa-delete-disabled', 'turned-off-by-event', 'tagged-exempt', 'exemption-overridden'],
  },
  {
    name: 'exempt by tag, MFA delete never configured',
    live: observed('Suspended', 'NeverConfigured', { tag: 'exempt' }),
    event: SUSPEND,
    status: 'exempt',
    severity: 'info',
    findings: ['tagged-exempt'],
  },
  {
    name: 'exempt by tag, fully protected',
    live: observed('Enabled', 'Enabled', { tag: 'exempt' }),
    status: 'exempt',
    severity: 'info',
    findings: ['tagged-exempt'],
  },
  {
    name: 'exempt by pattern',
    live: observed('Suspended', 'NeverConfigured'),
    cfg: { exemptPatterns: ['scratch-*', 'example-*'] },
    event: SUSPEND,
    status: 'exempt',
    severity: 'info',
    findings: ['excluded-by-pattern'],
  },
  {
    name: 'exempt by pattern, MFA delete Disabled: reported, at low severity',
    live: observed('Suspended', 'Disabled'),
    cfg: { exemptPatterns: ['scratch-*', 'example-*'] },
    event: SUSPEND,
    status: 'drift',
    severity: 'low',
    findings: ['mfa-delete-disabled', 'versioning-suspended', 'excluded-by-pattern', 'exemption-overridden'],
  },
  {
    name: 'exempt by tag and pattern: the tag is named',
    live: observed('Suspended', 'NeverConfigured', { tag: 'exempt' }),
    cfg: { exemptPatterns: ['*'] },
    status: 'exempt',
    severity: 'info',
    findings: ['tagged-exempt'],
  },
  {
    name: 'exempt, even after a failed attempt',
    live: observed('Enabled', 'NeverConfigured', { tag: 'exempt' }),
    event: DENIED_OFF,
    status: 'exempt',
    severity: 'info',
    findings: ['failed-attempt', 'tagged-exempt'],
  },
  {
    name: 'exempt after a failed attempt, MFA delete Disabled: still reported',
    live: observed('Enabled', 'Disabled', { tag: 'exempt', lifecycle: false }),
    event: DENIED_OFF,
    status: 'drift',
    severity: 'low',
    findings: ['failed-attempt', 'mfa-delete-disabled', 'tagged-exempt', 'exemption-overridden'],
  },
  {
    name: 'a "required" tag does not beat an exempt pattern',
    live: observed('Enabled', 'NeverConfigured', { tag: 'required' }),
    cfg: { exemptPatterns: ['example-bucket'] },
    status: 'exempt',
    severity: 'info',
    findings: ['excluded-by-pattern'],
  },
  // never configured, not in scope
  {
    name: 'never configured, scope configured, no tag',
    live: observed('Enabled', 'NeverConfigured'),
    event: record({ status: 'Enabled' }),
    status: 'not-required',
    severity: 'info',
    findings: ['mfa-delete-never-configured'],
  },
  {
    name: 'unversioned, scope configured, no tag',
    live: observed('Unversioned', 'NeverConfigured'),
    status: 'not-required',
    severity: 'info',
    findings: ['mfa-delete-never-configured'],
  },
  {
    name: 'suspended, never configured, not in scope',
    live: observed('Suspended', 'NeverConfigured'),
    event: SUSPEND,
    status: 'not-required',
    severity: 'info',
    findings: ['mfa-delete-never-configured'],
  },
  {
    name: 'never configured, not in scope, failed attempt',
    live: observed('Enabled', 'NeverConfigured'),
    event: record({ status: 'Suspended' }, { code: 'AccessDenied' }),
    status: 'attempt-failed',
    severity: 'medium',
    findings: ['failed-attempt', 'mfa-delete-never-configured'],
  },
  // drift
  {
    name: 'MFA delete turned off by the event',
    live: observed('Enabled', 'Disabled'),
    event: OFF,
    status: 'drift',
    severity: 'high',
    findings: ['mfa-delete-disabled', 'turned-off-by-event'],
  },
  {
    name: 'MFA delete off, found by a sweep',
    live: observed('Enabled', 'Disabled'),
    status: 'drift',
    severity: 'high',
    findings: ['mfa-delete-disabled'],
  },
  {
    name: 'MFA delete off, scope all',
    live: observed('Enabled', 'Disabled'),
    cfg: { scope: 'all' },
    status: 'drift',
    severity: 'high',
    findings: ['mfa-delete-disabled'],
  },
  {
    name: 'versioning suspended with MFA delete off',
    live: observed('Suspended', 'Disabled'),
    event: SUSPEND,
    status: 'drift',
    severity: 'critical',
    findings: ['mfa-delete-disabled', 'versioning-suspended'],
  },
  {
    name: 'versioning suspended with MFA delete still on',
    live: observed('Suspended', 'Enabled'),
    status: 'drift',
    severity: 'critical',
    findings: ['versioning-suspended'],
  },
  {
    name: 'required by tag, never configured',
    live: observed('Enabled', 'NeverConfigured', { tag: 'required', lifecycle: false }),
    status: 'drift',
    severity: 'high',
    findings: ['tagged-required'],
  },
  {
    name: 'required by tag, suspended, never configured',
    live: observed('Suspended', 'NeverConfigured', { tag: 'required', lifecycle: false }),
    status: 'drift',
    severity: 'critical',
    findings: ['tagged-required', 'versioning-suspended'],
  },
  {
    name: 'scope all, never configured',
    live: observed('Enabled', 'NeverConfigured'),
    cfg: { scope: 'all' },
    status: 'drift',
    severity: 'high',
    findings: ['in-scope-all'],
  },
  {
    name: 'scope all, never versioned',
    live: observed('Unversioned', 'NeverConfigured'),
    cfg: { scope: 'all' },
    status: 'drift',
    severity: 'critical',
    findings: ['in-scope-all', 'versioning-never-enabled'],
  },
  {
    name: 'drift wins over a failed attempt',
    live: observed('Enabled', 'Disabled'),
    event: DENIED_OFF,
    status: 'drift',
    severity: 'high',
    findings: ['failed-attempt', 'mfa-delete-disabled'],
  },
  {
    name: 'drift, lifecycle configuration present',
    live: observed('Enabled', 'Disabled', { lifecycle: true }),
    event: OFF,
    status: 'drift',
    severity: 'high',
    findings: ['mfa-delete-disabled', 'turned-off-by-event', 'lifecycle-blocks-remediation'],
  },
  {
    name: 'drift, lifecycle unknown',
    live: observed('Enabled', 'Disabled', {}),
    status: 'drift',
    severity: 'high',
    findings: ['mfa-delete-disabled', 'lifecycle-unknown'],
  },
  {
    name: 'drift found by a sweep, which does not read the lifecycle (the script looks itself)',
    live: observed('Enabled', 'Disabled', { lifecycle: 'not-read' }),
    status: 'drift',
    severity: 'high',
    findings: ['mfa-delete-disabled'],
  },
  {
    name: 'drift on a bucket that a pattern does not match',
    live: observed('Enabled', 'Disabled'),
    cfg: { exemptPatterns: ['example', 'example-bucket-*', '*-bucket-x'] },
    status: 'drift',
    severity: 'high',
    findings: ['mfa-delete-disabled'],
  },
];

describe('decide: status table', () => {
  it.each(TABLE)('$name → $status/$severity', (row) => {
    const d = decide(row.bucket ?? BUCKET, row.live, config(row.cfg), row.event);
    expect(d.status).toBe(row.status);
    expect(d.severity).toBe(row.severity);
    expect(codes(d)).toEqual(row.findings);
    for (const f of d.findings) expect(f.message.length).toBeGreaterThan(0);
  });

  it('reaches every status a live check can produce', () => {
    const reached = new Set(TABLE.map((r) => r.status));
    const expected: Status[] = [
      'drift',
      'compliant',
      'restored',
      'attempt-failed',
      'unverified',
      'exempt',
      'not-required',
      'gone',
    ];
    for (const s of expected) expect(reached.has(s)).toBe(true);
    const drift = new Set(TABLE.filter((r) => r.status === 'drift').map((r) => r.severity));
    expect([...drift].sort()).toEqual(['critical', 'high', 'low']);
  });

  it('names the matching pattern and the refused error', () => {
    const exempt = decide(
      BUCKET,
      observed('Enabled', 'NeverConfigured'),
      config({ exemptPatterns: ['ex*'] }),
    );
    expect(exempt.findings[0]?.message).toContain('"ex*"');
    const denied = decide(BUCKET, DENIED, config());
    expect(denied.findings[0]?.message).toContain('AccessDenied');
    const failed = decide(BUCKET, observed('Enabled', 'Enabled'), config(), DENIED_OFF);
    expect(failed.findings[0]?.message).toContain('AccessDenied');
    expect(failed.findings[0]?.message).toContain('Mfa Authentication must be used for this request');
    const lifecycle = decide(BUCKET, observed('Enabled', 'Disabled', { lifecycle: true }), config());
    expect(lifecycle.findings.find((f) => f.code === 'lifecycle-blocks-remediation')?.message).toContain(
      'InvalidBucketState',
    );
  });

  it('does not mutate the live state or the record', () => {
    const live = observed('Enabled', 'Disabled');
    const event = structuredClone(OFF);
    const before = JSON.stringify([live, event]);
    decide(BUCKET, live, config(), event);
    expect(JSON.stringify([live, event])).toBe(before);
  });
});

describe('decide: sample scenarios (events/scenarios.json)', () => {
  interface ScenarioBucket {
    name: string;
    region: string;
    versioning: VersioningStatus;
    mfaDelete?: 'Enabled' | 'Disabled';
    lifecycle?: boolean;
    tags?: Record<string, string>;
  }
  interface Scenario {
    event: string;
    expect: Status;
    severity: Severity;
    liveOverride?: Record<string, Partial<ScenarioBucket>>;
    fault?: { operation: string; bucket: string; status: number; code: string };
  }
  const dir = fileURLToPath(new URL('../../events/', import.meta.url));
  const file = JSON.parse(readFileSync(`${dir}scenarios.json`, 'utf8')) as {
    account: string;
    buckets: ScenarioBucket[];
    scenarios: Scenario[];
  };

  function liveFor(bucket: string, s: Scenario): LiveState {
    if (s.fault?.operation === 'GetBucketVersioning' && s.fault.bucket === bucket) {
      return { kind: 'denied', errorCode: s.fault.code, message: 'Access Denied' };
    }
    const found = file.buckets.find((b) => b.name === bucket);
    if (!found) return { kind: 'gone' };
    const b = { ...found, ...s.liveOverride?.[bucket] };
    const tag = b.tags?.['mfa-delete-guard'];
    return {
      kind: 'observed',
      versioning: { status: b.versioning, mfaDelete: b.mfaDelete ?? 'NeverConfigured' },
      ...(tag === 'required' || tag === 'exempt' ? { tag } : {}),
      lifecycle: b.lifecycle ?? false,
    };
  }

  it('covers all sixteen sample events', () => {
    expect(file.scenarios).toHaveLength(16);
  });

  it.each(file.scenarios)('$event → $expect ($severity)', (s) => {
    const parsed = parseS3Event(JSON.parse(readFileSync(`${dir}${s.event}`, 'utf8')));
    if (parsed.kind === 'tagging') {
      const d = decideScopeChange(parsed.record, liveFor(parsed.record.bucket, s), config());
      expect(d.status).toBe(s.expect);
      expect(d.severity).toBe(s.severity);
      return;
    }
    if (parsed.kind === 'ignored') {
      expect(s.expect).toBe('ignored');
      return;
    }
    if (parsed.kind === 'invalid') {
      expect(s.expect).toBe('invalid-input');
      return;
    }
    const d = decide(parsed.record.bucket, liveFor(parsed.record.bucket, s), config(), parsed.record);
    expect(d.status).toBe(s.expect);
    expect(d.severity).toBe(s.severity);
  });
});

describe('matchesPattern', () => {
  it.each([
    ['example-bucket', 'example-bucket', true],
    ['example-bucket', 'example-*', true],
    ['example-bucket', '*', true],
    ['example-bucket', '*-bucket', true],
    ['example-bucket', '*ample*', true],
    ['example-bucket', 'e*e*t', true],
    ['example-bucket', 'example', false],
    ['example-bucket', 'bucket', false],
    ['example-bucket', 'Example-*', false],
    ['example-bucket', 'example-bucket-*', false],
    ['example-bucket', '', false],
  ])('%s vs %j → %s', (bucket, pattern, expected) => {
    expect(matchesPattern(bucket, pattern)).toBe(expected);
  });

  it.each([
    ['a.b', 'a.b', 'aXb'],
    ['a+b', 'a+b', 'aab'],
    ['ab?', 'ab?', 'a'],
    ['(ab)', '(ab)', 'ab'],
    ['[ab]', '[ab]', 'a'],
    ['a|b', 'a|b', 'a'],
    ['a{2}', 'a{2}', 'aa'],
    ['^ab$', '^ab$', 'ab'],
    ['a\\d', 'a\\d', 'a1'],
    ['.*', '.*', 'anything'],
  ])('treats %j literally', (pattern, literal, notMatched) => {
    expect(matchesPattern(literal, pattern)).toBe(true);
    expect(matchesPattern(notMatched, pattern)).toBe(false);
  });

  it('keeps * a wildcard next to metacharacters', () => {
    expect(matchesPattern('logs.prod.example', 'logs.*.example')).toBe(true);
    expect(matchesPattern('logsXprodXexample', 'logs.*.example')).toBe(false);
    expect(matchesPattern('a+b-c', 'a+*')).toBe(true);
  });
});

describe('isExemptByPattern', () => {
  it('returns the first matching pattern, or undefined', () => {
    const cfg = config({ exemptPatterns: ['tmp-*', 'example-*', '*-bucket'] });
    expect(isExemptByPattern('example-bucket', cfg)).toBe('example-*');
    expect(isExemptByPattern('tmp-1', cfg)).toBe('tmp-*');
    expect(isExemptByPattern('prod-data', cfg)).toBeUndefined();
    expect(isExemptByPattern('example-bucket', config())).toBeUndefined();
  });
});

describe('needsTags', () => {
  it('is false only when versioning and MFA delete are both Enabled', () => {
    expect(needsTags({ status: 'Enabled', mfaDelete: 'Enabled' })).toBe(false);
    expect(needsTags({ status: 'Enabled', mfaDelete: 'Disabled' })).toBe(true);
    expect(needsTags({ status: 'Enabled', mfaDelete: 'NeverConfigured' })).toBe(true);
    expect(needsTags({ status: 'Suspended', mfaDelete: 'Enabled' })).toBe(true);
    expect(needsTags({ status: 'Unversioned', mfaDelete: 'NeverConfigured' })).toBe(true);
  });
});

describe('needsLifecycle', () => {
  it('is true for a bucket about to be reported as drift', () => {
    expect(needsLifecycle(BUCKET, { status: 'Enabled', mfaDelete: 'Disabled' }, undefined, config())).toBe(
      true,
    );
    expect(
      needsLifecycle(BUCKET, { status: 'Enabled', mfaDelete: 'NeverConfigured' }, 'required', config()),
    ).toBe(true);
    expect(
      needsLifecycle(
        BUCKET,
        { status: 'Enabled', mfaDelete: 'NeverConfigured' },
        undefined,
        config({ scope: 'all' }),
      ),
    ).toBe(true);
  });

  it('is false for protected, exempt and out-of-scope buckets', () => {
    expect(needsLifecycle(BUCKET, { status: 'Enabled', mfaDelete: 'Enabled' }, undefined, config())).toBe(
      false,
    );
    expect(
      needsLifecycle(
        BUCKET,
        { status: 'Enabled', mfaDelete: 'NeverConfigured' },
        'exempt',
        config({ scope: 'all' }),
      ),
    ).toBe(false);
    expect(
      needsLifecycle(
        BUCKET,
        { status: 'Suspended', mfaDelete: 'NeverConfigured' },
        undefined,
        config({ exemptPatterns: ['example-*'], scope: 'all' }),
      ),
    ).toBe(false);
    // Exempt but Disabled is still reported, with its script: the lifecycle matters.
    expect(needsLifecycle(BUCKET, { status: 'Enabled', mfaDelete: 'Disabled' }, 'exempt', config())).toBe(
      true,
    );
    expect(
      needsLifecycle(BUCKET, { status: 'Enabled', mfaDelete: 'NeverConfigured' }, undefined, config()),
    ).toBe(false);
  });

  // needsLifecycle decides whether liveState.ts asks for the lifecycle; it must agree with decide().
  const states: VersioningState[] = (['Enabled', 'Suspended', 'Unversioned'] as const).flatMap((status) =>
    (['Enabled', 'Disabled', 'NeverConfigured'] as const)
      .filter((mfaDelete) => status !== 'Unversioned' || mfaDelete === 'NeverConfigured')
      .map((mfaDelete) => ({ status, mfaDelete })),
  );
  const tags: Array<GuardTag | undefined> = [undefined, 'required', 'exempt'];
  const scopes: Scope[] = ['configured', 'all'];
  const patternSets = [[], ['example-*']];
  const grid = states.flatMap((v) =>
    tags.flatMap((tag) =>
      scopes.flatMap((scope) => patternSets.map((exemptPatterns) => ({ v, tag, scope, exemptPatterns }))),
    ),
  );

  it.each(grid)('agrees with decide for %j', ({ v, tag, scope, exemptPatterns }) => {
    const cfg = config({ scope, exemptPatterns });
    const d = decide(BUCKET, { kind: 'observed', versioning: v, ...(tag && { tag }) }, cfg);
    expect(needsLifecycle(BUCKET, v, tag, cfg)).toBe(d.status === 'drift');
    // Lifecycle findings only ever appear for drift.
    const lifecycleFinding = codes(d).some(
      (c) => c === 'lifecycle-unknown' || c === 'lifecycle-blocks-remediation',
    );
    expect(lifecycleFinding).toBe(d.status === 'drift');
  });

  it('the tags matter exactly when needsTags says so', () => {
    for (const v of states) {
      const outcomes = new Set(
        tags.map((tag) => {
          const d = decide(BUCKET, { kind: 'observed', versioning: v, ...(tag && { tag }) }, config());
          // An exemption of a Disabled bucket changes the severity, not the status.
          return `${d.status}/${d.severity}`;
        }),
      );
      if (!needsTags(v)) {
        // A fully protected bucket is compliant or exempt: either way nobody is paged.
        for (const s of outcomes) expect(ALERTING_STATUSES.has(s.split('/')[0] as Status)).toBe(false);
      } else {
        expect(outcomes.size).toBeGreaterThan(1);
      }
    }
  });
});

describe('constants', () => {
  it('pages for drift, unverified, restored, attempt-failed and scope-change only', () => {
    expect([...ALERTING_STATUSES].sort()).toEqual([
      'attempt-failed',
      'drift',
      'restored',
      'scope-change',
      'unverified',
    ]);
  });

  it('ranks severities', () => {
    expect(SEVERITY_RANK.critical).toBeGreaterThan(SEVERITY_RANK.high);
    expect(SEVERITY_RANK.high).toBeGreaterThan(SEVERITY_RANK.medium);
    expect(SEVERITY_RANK.medium).toBeGreaterThan(SEVERITY_RANK.low);
    expect(SEVERITY_RANK.low).toBeGreaterThan(SEVERITY_RANK.info);
  });
});
