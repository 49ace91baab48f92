// Check results for the golden files, built with the code the handler uses (parse, then resultFromLive:
// decide and the remediation script) from the sample events and the live states in events/scenarios.json,
// on a fixed clock. No AWS call, no network, so the rendering is the only thing a golden diff can show.
import { resultFromLive, scopeResultFromLive, uncheckedResult } from '../../lib/guard';
import { parseInvocation } from '../../lib/domain/parseInvocation';
import { remediationScript } from '../../lib/domain/remediationScript';
import { type CheckResult, type GuardConfig, type LiveState, type VersioningChangeRecord } from '../../lib/domain/types';
import type { FakeBucket } from '../support/fakeAws';
import { loadEvent, scenarioFile, type Scenario } from '../support/scenarios';

export const CHECKED_AT = '2026-10-05T14:05:00.000Z';
const CONFIG: GuardConfig = { scope: 'configured', exemptPatterns: [], rootProfile: 'root_user' };

function liveFor(bucket: FakeBucket | undefined, scenario: Scenario): LiveState {
  if (scenario.fault) return { kind: 'denied', errorCode: scenario.fault.code, message: 'Access Denied' };
  if (!bucket) return { kind: 'gone' };
  const tag = bucket.tags?.['mfa-delete-guard'];
  return {
    kind: 'observed',
    versioning: {
      status: bucket.versioning ?? 'Unversioned',
      mfaDelete: bucket.mfaDelete ?? 'NeverConfigured',
    },
    ...(tag === 'required' || tag === 'exempt' ? { tag } : {}),
    lifecycle: bucket.lifecycle ?? false,
  };
}

/** The result checkTarget would reach for a CloudTrail record against a known live state. */
export function resultFor(record: VersioningChangeRecord, live: LiveState): CheckResult {
  const target = { bucket: record.bucket, region: record.region, account: record.account, record, trigger: 'cloudtrail' as const };
  return resultFromLive(target, live, { config: CONFIG }, CHECKED_AT);
}

export interface Fixture {
  name: string;
  result: CheckResult;
}

/** One fixture per sample event: together they reach every status. */
export function scenarioFixtures(): Fixture[] {
  const file = scenarioFile();
  return file.scenarios.map((scenario) => {
    const name = scenario.event.replace(/\.json$/, '');
    const inv = parseInvocation(loadEvent(scenario.event));
    if (inv.kind === 'manual' || inv.kind === 'sweep' || inv.kind === 'test') throw new Error(`${scenario.event} is not an event`);
    if (inv.kind === 'ignored' || inv.kind === 'invalid') return { name, result: uncheckedResult(inv, CHECKED_AT) };
    const bucket = file.buckets.find((b) => b.name === inv.record.bucket);
    const spec = bucket && { ...bucket, ...scenario.liveOverride?.[bucket.name] };
    const live = liveFor(spec, scenario);
    if (inv.kind === 'tagging') return { name, result: scopeResultFromLive(inv.record, live, { config: CONFIG }, CHECKED_AT) };
    return { name, result: resultFor(inv.record, live) };
  });
}

/** Limit cases: a 63-character bucket, a long session name, bidi and non-ASCII text, many findings. */
export function edgeFixtures(): Fixture[] {
  const base = scenarioFixtures().find((f) => f.name === 'cloudtrail-mfa-delete-disabled')!.result;
  const longBucket = `a${'b'.repeat(61)}c`; // 63 characters, the limit
  const withBucket = (bucket: string): CheckResult => ({
    ...base,
    bucket,
    remediation: remediationScript(
      {
        bucket,
        account: base.account!,
        region: base.region!,
        versioning: 'Enabled',
        mfaDelete: 'Disabled',
      },
      { profile: 'root_user' },
    ),
  });
  const session = `ops-${'x'.repeat(60)}-${'session'.repeat(5)}`; // IAM allows 64; CloudTrail may carry more
  return [
    { name: 'edge-bucket-63-chars', result: withBucket(longBucket) },
    {
      name: 'edge-long-session-name',
      result: {
        ...base,
        actor: {
          type: 'AssumedRole',
          arn: `arn:aws:sts::111122223333:assumed-role/OpsAdmin/${session}`,
          sessionName: session,
          sessionIssuerArn: 'arn:aws:iam::111122223333:role/OpsAdmin',
          accessKeyId: 'ASIAEXAMPLE000000001',
          mfaAuthenticated: false,
        },
      },
    },
    {
      name: 'edge-bidi-user-agent',
      result: {
        ...base,
        event: {
          ...base.event!,
          // Right-to-left override, a zero-width space, markup and a mention: all must arrive inert.
          userAgent: 'Ünïcödé-агент/1.0 \u202eelif.exe\u202c <!channel> *bold* `tick` _x_ & 日本語 \u200b',
          sourceIp: '2001:db8::1',
        },
      },
    },
    {
      name: 'edge-many-findings',
      result: {
        ...base,
        findings: Array.from({ length: 120 }, (_, i) => ({
          code: 'mfa-delete-disabled' as const,
          message: `Finding ${i + 1}: ${'detail '.repeat(12)}<${i}> & more`,
        })),
      },
    },
  ];
}
