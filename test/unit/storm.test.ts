// Storm planning: per account, per window of CloudTrail event times, above the threshold; and the grouped
// alert in every channel within SNS's and Slack's limits.
import { describe, expect, it } from 'vitest';
import { snsPublication } from '../../lib/channels/publish';
import { renderSlack } from '../../lib/channels/slack';
import { SLACK_LIMITS, slackLimitViolations } from '../../lib/channels/slack/blockKit';
import { SNS_MESSAGE_MAX_BYTES } from '../../lib/domain/snsMessage';
import { planStorms, stormConfigFromEnv } from '../../lib/domain/storm';
import { classifyTopicMessage } from '../../lib/domain/topicMessage';
import type { CheckResult } from '../../lib/domain/types';
import { scenarioFixtures } from '../golden/fixtures';
import { stormFixture, stormOf } from '../golden/topicFixtures';

const fixtures = scenarioFixtures();
const drift = fixtures.find((f) => f.name === 'cloudtrail-mfa-delete-disabled')!.result;
const inAccount = (rs: CheckResult[], account: string) => rs.map((r) => ({ ...r, account }));
const cfg = { threshold: 5, windowSeconds: 60 };

describe('planStorms', () => {
  it('groups more than the threshold, leaves the threshold itself as single alerts', () => {
    expect(planStorms(stormOf(drift, 'b', 5), cfg)).toMatchObject({ groups: [], singles: { length: 5 } });
    const plan = planStorms(stormOf(drift, 'b', 6), cfg);
    expect(plan.singles).toEqual([]);
    expect(plan.groups).toHaveLength(1);
    expect(plan.groups[0]!.results).toHaveLength(6);
  });

  it('groups per account: two accounts in one batch make two grouped alerts', () => {
    const a = inAccount(stormOf(drift, 'a', 7), '111122223333');
    const b = inAccount(stormOf(drift, 'b', 6), '444455556666');
    const plan = planStorms([...a, ...b].reverse(), cfg);
    expect(plan.groups.map((g) => [g.account, g.results.length]).sort()).toEqual([
      ['111122223333', 7],
      ['444455556666', 6],
    ]);
    // Another account below the threshold stays single, whatever the first does.
    const mixed = planStorms([...a, ...inAccount(stormOf(drift, 'c', 2), '444455556666')], cfg);
    expect(mixed.groups).toHaveLength(1);
    expect(mixed.singles.map((r) => r.account)).toEqual(['444455556666', '444455556666']);
  });

  it('cuts windows by CloudTrail event time: records more than the window apart are not one storm', () => {
    // stormOf spaces events one second apart: a 3-second window holds three of them.
    const plan = planStorms(stormOf(drift, 'w', 12), { threshold: 2, windowSeconds: 3 });
    expect(plan.groups.map((g) => g.results.map((r) => r.bucket))).toEqual([
      ['w-1', 'w-2', 'w-3'],
      ['w-4', 'w-5', 'w-6'],
      ['w-7', 'w-8', 'w-9'],
      ['w-10', 'w-11', 'w-12'],
    ]);
    expect(plan.groups[0]!.info).toMatchObject({
      firstEventAt: '2026-10-05T14:03:11Z',
      lastEventAt: '2026-10-05T14:03:13Z',
    });
  });

  it('gives a redelivered batch the same group key, in any order, and another set another key', () => {
    const rs = stormOf(drift, 'k', 8);
    const key = planStorms(rs, cfg).groups[0]!.key;
    expect(planStorms([...rs].reverse(), cfg).groups[0]!.key).toBe(key);
    expect(planStorms(rs.slice(1), cfg).groups[0]!.key).not.toBe(key);
  });

  it('reads its configuration from the environment, refusing nonsense in one line', () => {
    expect(stormConfigFromEnv({})).toEqual(cfg);
    expect(stormConfigFromEnv({ STORM_THRESHOLD: '10', STORM_WINDOW_SECONDS: '120' })).toEqual({
      threshold: 10,
      windowSeconds: 120,
    });
    expect(() => stormConfigFromEnv({ STORM_WINDOW_SECONDS: '301' })).toThrow(
      'STORM_WINDOW_SECONDS must be a whole number from 1 to 300, not "301"',
    );
    expect(() => stormConfigFromEnv({ STORM_THRESHOLD: 'five' })).toThrow(/^STORM_THRESHOLD must be/);
  });
});

describe('the grouped alert', () => {
  it('fits 300 buckets in one SNS message, counting those left out, and Slack accepts it', () => {
    const message = stormFixture(stormOf(drift, 'many-buckets-in-a-storm', 300, 100));
    if (message.kind !== 'digest') throw new Error('not a digest');
    const published = snsPublication(message);
    expect(published.bytes).toBeLessThan(SNS_MESSAGE_MAX_BYTES);
    expect(message.digest.attention.length + message.digest.leftOut).toBe(300);
    expect(message.digest.leftOut).toBeGreaterThan(0);
    const slack = renderSlack(message);
    expect(slackLimitViolations(slack)).toEqual([]);
    expect(slack.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
    // Subscribers read it back as the same grouped alert.
    const channels = JSON.parse(published.message) as Record<string, string>;
    const back = classifyTopicMessage(published.subject, channels.default!);
    expect(back.kind === 'digest' && back.digest.storm).toEqual(message.digest.storm);
  });

  it('keeps a hostile actor text escaped in Slack and neutral in chat', () => {
    const hostile = stormOf(
      { ...drift, event: { ...drift.event!, userAgent: '<!channel> *bold* `tick` \u202eevil' } },
      'h',
      6,
    );
    const message = stormFixture(hostile);
    const slack = JSON.stringify(renderSlack(message));
    expect(slack).not.toContain('<!channel>');
    expect(slack).toContain('&lt;!channel&gt;');
    const channels = JSON.parse(snsPublication(message).message) as Record<string, string>;
    expect(channels.https).not.toContain('<!channel>');
    expect(channels.email).not.toContain('\u202e');
  });
});
