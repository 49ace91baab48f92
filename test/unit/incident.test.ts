// The incident frame of drift alerts and failed attempts, in every channel.
import { describe, expect, it } from 'vitest';
import { renderChatbot } from '../../lib/channels/chatbot/alert';
import { renderText } from '../../lib/channels/email/alert';
import { machineAlert } from '../../lib/channels/machine/alert';
import { renderSlack } from '../../lib/channels/slack/alert';
import { slackLimitViolations } from '../../lib/channels/slack/blockKit';
import { incidentFrame, isRootActor, rootActivityLink } from '../../lib/domain/incident';
import type { CheckResult } from '../../lib/domain/types';
import { edgeFixtures, scenarioFixtures } from '../golden/fixtures';

const fixtures = [...scenarioFixtures(), ...edgeFixtures()];
const byName = (name: string) => fixtures.find((f) => f.name === name)!.result;

const slackText = (r: CheckResult) => JSON.stringify(renderSlack(r));

describe('incident frame', () => {
  it('says root credentials were used for a root turn-off, in every channel', () => {
    const r = byName('cloudtrail-mfa-delete-disabled');
    const frame = incidentFrame(r)!;
    expect(frame.verdict).toMatch(/^Root credentials were used/);
    expect(renderText(r)).toContain(`INCIDENT\n  ${frame.verdict}`);
    expect(renderChatbot(r).content.description).toContain(frame.verdict);
    expect(slackText(r)).toContain('Root credentials were used');
    expect(machineAlert(r).incident?.verdict).toBe(frame.verdict);
    // Why it matters and the first checks name the bucket and the time of the change.
    expect(frame.why).toContain('ransomware preparation step');
    expect(frame.checks).toContain(
      'PutBucketLifecycleConfiguration on example-bucket since 2026-10-05T14:03:11Z',
    );
    expect(frame.checks).toContain('DeleteObject with a versionId');
    expect(frame.checks).toContain('CreateAccessKey');
  });

  it('links root activity in that account and Region, a day before to an hour after', () => {
    const r = byName('cloudtrail-mfa-delete-disabled');
    expect(incidentFrame(r)!.rootActivity).toBe(
      'https://eu-west-1.console.aws.amazon.com/cloudtrail/home?region=eu-west-1#/events?Username=root&StartTime=2026-10-04T14%3A03%3A11Z&EndTime=2026-10-05T15%3A03%3A11Z',
    );
    const buttons = renderSlack(r).blocks.find((b) => b.type === 'actions');
    expect(buttons?.type === 'actions' && buttons.elements.map((e) => e.action_id)).toContain(
      'open-root-activity',
    );
  });

  it('gives no link outside the commercial partition or for an unparsable time', () => {
    const r = byName('cloudtrail-mfa-delete-disabled');
    expect(rootActivityLink({ ...r, region: 'cn-north-1' })).toBeUndefined();
    expect(rootActivityLink({ ...r, region: 'eu-west-1"><script>' })).toBeUndefined();
    expect(rootActivityLink({ ...r, event: { ...r.event!, time: 'not a time' } })).toBeUndefined();
  });

  it('knows root by userIdentity.type or by the root ARN, and nothing else', () => {
    expect(isRootActor({ type: 'Root' })).toBe(true);
    expect(isRootActor({ type: 'Unknown', arn: 'arn:aws:iam::111122223333:root' })).toBe(true);
    expect(isRootActor({ type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/root' })).toBe(false);
    expect(isRootActor({ type: 'AssumedRole', arn: 'arn:aws:sts::111122223333:assumed-role/root/x' })).toBe(
      false,
    );
    expect(isRootActor(undefined)).toBe(false);
  });

  it('frames a refused non-root attempt as an attempt to remove protection, naming the identity', () => {
    const r = byName('cloudtrail-attempt-denied');
    expect(r.actor?.type).toBe('AssumedRole');
    const frame = incidentFrame(r)!;
    expect(frame.verdict).toContain('attempt to remove protection');
    expect(frame.verdict).toContain('non-root identity');
    const text = renderText(r);
    expect(text).toContain(
      'Attempt to remove protection by: AssumedRole ops-session (arn:aws:sts::111122223333:assumed-role/OpsAdmin/ops-session)',
    );
    expect(renderChatbot(r).content.description).toContain('*Attempt to remove protection by:* `AssumedRole');
    expect(slackText(r)).toContain('Attempt to remove protection by');
  });

  it('frames a drift found by the sweep without claiming who did it', () => {
    const base = byName('cloudtrail-mfa-delete-disabled');
    const { event: _e, actor: _a, ...rest } = base;
    const frame = incidentFrame({ ...rest, trigger: 'sweep' })!;
    expect(frame.verdict).toMatch(/^Found by a sweep/);
    expect(frame.checks).toContain('in the last days');
    expect(frame.rootActivity).toContain('EndTime=2026-10-05T15%3A05%3A00Z');
  });

  it('does not frame statuses that are not an incident', () => {
    for (const name of ['cloudtrail-mfa-delete-enabled', 'cloudtrail-exempt', 'cloudtrail-unverified']) {
      expect(incidentFrame(byName(name)), name).toBeUndefined();
      expect(renderText(byName(name)), name).not.toContain('INCIDENT');
    }
  });

  it('keeps the script where a responder expects it: after the caller and details', () => {
    const text = renderText(byName('cloudtrail-mfa-delete-disabled'));
    const order = ['INCIDENT', 'Turned off by', 'DETAILS', 'paste from here', 'RUNBOOK'].map((s) =>
      text.indexOf(s),
    );
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('keeps the caller-chosen user agent cleaned and escaped, and Slack within Block Kit limits', () => {
    const r = byName('edge-bidi-user-agent');
    expect(renderText(r)).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
    expect(slackLimitViolations(renderSlack(r))).toEqual([]);
    for (const f of fixtures) expect(slackLimitViolations(renderSlack(f.result)), f.name).toEqual([]);
  });
});
