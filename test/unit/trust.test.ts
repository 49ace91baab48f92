// Believe only what can be true: the trust policy on CloudTrail records, the content-keyed de-duplication,
// the manual cap and the refused schedule, and the tagging records that change a bucket's scope.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decideScopeChange } from '../../lib/domain/decide';
import { contentDigest, deliveryEventKey } from '../../lib/domain/deliveryKey';
import { DEFAULT_INVOKE_MAX_BUCKETS, parseInvocation } from '../../lib/domain/parseInvocation';
import { parseS3Event } from '../../lib/domain/parseVersioningEvent';
import { untrustedReason, type TrustPolicy } from '../../lib/domain/trust';
import type { CheckResult, GuardConfig, LiveState, TagChangeRecord } from '../../lib/domain/types';

const EVENTS_DIR = fileURLToPath(new URL('../../events/', import.meta.url));
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- sample events are mutated freely below
type Json = any;
const load = (file: string): Json => JSON.parse(readFileSync(`${EVENTS_DIR}${file}`, 'utf8'));
const OWN: TrustPolicy = { account: '111122223333', regions: ['eu-west-1', 'us-west-2'] };
const CONFIG: GuardConfig = { scope: 'configured', exemptPatterns: [], rootProfile: 'root_user' };

describe('trust policy', () => {
  it('refuses a record from another account, naming both, with no alert to send', () => {
    const inv = parseInvocation(load('cloudtrail-foreign-account.json'), { trust: OWN });
    expect(inv).toMatchObject({ kind: 'invalid', account: '444455556666', bucket: 'example-bucket' });
    if (inv.kind === 'invalid') {
      expect(inv.reason).toMatch(
        /account "444455556666" is not the account this function guards \(111122223333\)/,
      );
    }
  });

  it('believes the same record from its own account', () => {
    expect(parseInvocation(load('cloudtrail-mfa-delete-disabled.json'), { trust: OWN }).kind).toBe('event');
  });

  it('refuses a Region the stack does not serve', () => {
    const inv = parseInvocation(load('cloudtrail-unverified.json'), { trust: OWN }); // us-east-1
    expect(inv.kind).toBe('invalid');
    if (inv.kind === 'invalid') expect(inv.reason).toMatch(/Region "us-east-1" is not one this stack serves/);
    expect(parseInvocation(load('cloudtrail-unverified.json'), { trust: { ...OWN, regions: [] } }).kind).toBe(
      'event',
    );
  });

  it('applies to tagging records too', () => {
    const foreign = load('cloudtrail-tagging-exempt.json');
    foreign.account = foreign.detail.recipientAccountId = '444455556666';
    expect(parseInvocation(foreign, { trust: OWN }).kind).toBe('invalid');
    expect(parseInvocation(load('cloudtrail-tagging-exempt.json'), { trust: OWN }).kind).toBe('tagging');
  });

  it('organization mode: a member account is believed, a stranger is not', () => {
    const hub: TrustPolicy = { ...OWN, isMember: (a) => a === '444455556666' };
    expect(parseInvocation(load('cloudtrail-foreign-account.json'), { trust: hub }).kind).toBe('event');
    const record = { account: '999988887777', region: 'eu-west-1' } as TagChangeRecord;
    expect(untrustedReason(record, hub)).toMatch(/999988887777/);
  });
});

describe('manual invocations', () => {
  it(`are capped, and the reply says the cap`, () => {
    const buckets = Array.from({ length: DEFAULT_INVOKE_MAX_BUCKETS + 1 }, (_, i) => `bucket-${i}`);
    const over = parseInvocation({ buckets }, { maxBuckets: DEFAULT_INVOKE_MAX_BUCKETS });
    expect(over.kind).toBe('invalid');
    if (over.kind === 'invalid') {
      expect(over.reason).toBe(
        `at most ${DEFAULT_INVOKE_MAX_BUCKETS} buckets per invocation (this one named ${DEFAULT_INVOKE_MAX_BUCKETS + 1}): split the list, or sweep every bucket with {"all": true}`,
      );
    }
    const at = parseInvocation({ buckets: buckets.slice(1) }, { maxBuckets: DEFAULT_INVOKE_MAX_BUCKETS });
    expect(at.kind).toBe('manual');
  });

  it('a scheduled event sent to a function that does not sweep → invalid-input, not a throw', () => {
    const scheduled = load('scheduled-sweep.json');
    const inv = parseInvocation(scheduled, { sweep: { elsewhere: 'mfa-delete-guard-prod-sweep' } });
    expect(inv.kind).toBe('invalid');
    if (inv.kind === 'invalid')
      expect(inv.reason).toMatch(/^a scheduled event: this function does not sweep/);
    expect(parseInvocation({ all: true }, { sweep: { elsewhere: 'x-sweep' } }).kind).toBe('invalid');
    expect(parseInvocation(scheduled, { sweep: 'here' }).kind).toBe('sweep');
  });
});

describe('de-duplication key', () => {
  const result = (over: Partial<CheckResult> = {}): CheckResult => ({
    bucket: 'example-bucket',
    account: '111122223333',
    region: 'eu-west-1',
    status: 'drift',
    severity: 'high',
    findings: [],
    alerted: false,
    trigger: 'cloudtrail',
    checkedAt: '2026-10-05T14:05:00.000Z',
    actor: { type: 'Root', arn: 'arn:aws:iam::111122223333:root' },
    event: { id: 'e-1', time: '2026-10-05T14:03:11Z', requested: { mfaDelete: 'Disabled' } },
    ...over,
  });

  it('is the same for a redelivery and differs for a crafted copy with the same eventID', () => {
    const real = result();
    expect(deliveryEventKey(result({ checkedAt: '2026-10-05T15:00:00.000Z' }))).toBe(deliveryEventKey(real));
    const crafted = result({ actor: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/innocent' } });
    expect(deliveryEventKey(crafted)?.startsWith('e-1#')).toBe(true);
    expect(deliveryEventKey(crafted)).not.toBe(deliveryEventKey(real));
    expect(contentDigest(result({ event: { ...real.event!, sourceIp: '203.0.113.9' } }))).not.toBe(
      contentDigest(real),
    );
  });

  it('is undefined for results without a CloudTrail event', () => {
    expect(deliveryEventKey(result({ trigger: 'manual' }))).toBeUndefined();
  });
});

describe('tagging records', () => {
  const tagging = (file: string, mutate: (e: Json) => void = () => undefined): TagChangeRecord => {
    const event = load(file);
    mutate(event);
    const parsed = parseS3Event(event);
    if (parsed.kind !== 'tagging') throw new Error(`expected tagging, got ${JSON.stringify(parsed)}`);
    return parsed.record;
  };
  const observed = (
    mfaDelete: 'Enabled' | 'Disabled' | 'NeverConfigured',
    tag?: 'exempt' | 'required',
  ): LiveState => ({
    kind: 'observed',
    versioning: { status: 'Enabled', mfaDelete },
    ...(tag && { tag }),
    lifecycle: false,
  });

  it('reads the guard tag from Tagging.TagSet.Tag, as a list or a single object', () => {
    const record = tagging('cloudtrail-tagging-exempt.json');
    expect(record).toMatchObject({ call: 'PutBucketTagging', guardTag: { kind: 'set', value: 'exempt' } });
    expect(record.actor.arn).toBe('arn:aws:sts::111122223333:assumed-role/OpsAdmin/ops-session');
    const single = tagging('cloudtrail-tagging-exempt.json', (e) => {
      e.detail.requestParameters.Tagging.TagSet.Tag = { Key: 'mfa-delete-guard', Value: 'required' };
    });
    expect(single.guardTag).toEqual({ kind: 'set', value: 'required' });
    const without = tagging('cloudtrail-tagging-exempt.json', (e) => {
      e.detail.requestParameters.Tagging.TagSet.Tag = [{ Key: 'team', Value: 'payments' }];
    });
    expect(without.guardTag).toEqual({ kind: 'absent' });
    expect(tagging('cloudtrail-tagging-deleted.json')).toMatchObject({
      call: 'DeleteBucketTagging',
      guardTag: { kind: 'absent' },
    });
  });

  it('a PutBucketTagging record without a readable tag set is invalid, not a guess', () => {
    const event = load('cloudtrail-tagging-exempt.json');
    delete event.detail.requestParameters.Tagging;
    expect(parseS3Event(event)).toMatchObject({ kind: 'invalid', reason: /without a readable Tagging/ });
    event.detail.requestParameters.Tagging = { TagSet: { Tag: [{ Value: 'no key' }] } };
    expect(parseS3Event(event).kind).toBe('invalid');
  });

  it('adding exempt to a bucket in drift is a high scope change naming the caller', () => {
    const d = decideScopeChange(
      tagging('cloudtrail-tagging-exempt.json'),
      observed('Disabled', 'exempt'),
      CONFIG,
    );
    expect(d).toMatchObject({ status: 'scope-change', severity: 'high' });
    expect(d.findings.map((f) => f.code)).toEqual(['guard-tag-set', 'tagged-exempt']);
  });

  it('adding exempt to a protected bucket is medium; adding required is low', () => {
    const exempt = tagging('cloudtrail-tagging-exempt.json');
    expect(decideScopeChange(exempt, observed('Enabled'), CONFIG).severity).toBe('medium');
    const required = tagging('cloudtrail-tagging-exempt.json', (e) => {
      e.detail.requestParameters.Tagging.TagSet.Tag = { Key: 'mfa-delete-guard', Value: 'required' };
    });
    expect(decideScopeChange(required, observed('NeverConfigured', 'required'), CONFIG)).toMatchObject({
      status: 'scope-change',
      severity: 'low',
    });
  });

  it('a removal is reported only where it can have hidden a bucket', () => {
    const removed = tagging('cloudtrail-tagging-deleted.json');
    expect(decideScopeChange(removed, observed('NeverConfigured'), CONFIG)).toMatchObject({
      status: 'scope-change',
      severity: 'low',
    });
    // In drift anyway, fully protected, or in scope "all": the tag did not decide anything.
    expect(decideScopeChange(removed, observed('Disabled'), CONFIG).status).toBe('ignored');
    expect(decideScopeChange(removed, observed('Enabled'), CONFIG).status).toBe('ignored');
    expect(decideScopeChange(removed, observed('NeverConfigured'), { ...CONFIG, scope: 'all' }).status).toBe(
      'ignored',
    );
    expect(decideScopeChange(removed, { kind: 'gone' }, CONFIG).status).toBe('gone');
  });

  it('a refused tagging call changes nothing', () => {
    const failed = tagging('cloudtrail-tagging-exempt.json', (e) => (e.detail.errorCode = 'AccessDenied'));
    expect(decideScopeChange(failed, observed('Disabled'), CONFIG).status).toBe('ignored');
  });
});
