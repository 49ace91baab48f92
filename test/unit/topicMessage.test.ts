import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderAlert } from '../support/renderAlert';
import {
  MESSAGE_EXCERPT_MAX,
  classifyTopicMessage,
  machineDigestOf,
  machineTestOf,
  newTestAlert,
  passesMinSeverity,
  unverifiedMessage,
  type DigestMessage,
  type TopicMessage,
} from '../../lib/domain/topicMessage';
import { edgeFixtures, scenarioFixtures } from '../golden/fixtures';
import {
  FOREIGN_JSON,
  PLAIN_TEXT,
  cloudWatchAlarmMessage,
  cloudWatchAlarmSubject,
} from '../support/topicMessages';

const fixtures = scenarioFixtures();
const result = (name: string) => fixtures.find((f) => f.name === name)!.result;
const lambdaCopy = (r: ReturnType<typeof result>) =>
  (JSON.parse(renderAlert(r).message) as Record<string, string>).default!;

const digest: DigestMessage = {
  account: '111122223333',
  startedAt: '2026-10-05T03:00:00.000Z',
  finishedAt: '2026-10-05T03:00:09.000Z',
  total: 120,
  counts: { drift: 1, compliant: 119 },
  severity: 'critical',
  attention: [result('cloudtrail-mfa-delete-disabled')],
  scripts: 1,
  leftOut: 0,
  seeAll: 'npm run cli -- check --all',
};

const kindOf = (m: TopicMessage) => m.kind;

describe('classifyTopicMessage', () => {
  it('reads a drift alert and a restored notice from their machine copies', () => {
    const drift = classifyTopicMessage('subject', lambdaCopy(result('cloudtrail-mfa-delete-disabled')));
    expect(drift).toMatchObject({ kind: 'alert', result: { status: 'drift', bucket: 'example-bucket' } });
    const restored = classifyTopicMessage('subject', lambdaCopy(result('cloudtrail-mfa-delete-enabled')));
    expect(restored).toMatchObject({ kind: 'notice', result: { status: 'restored' } });
  });

  it('reads back every golden result exactly: the schema keeps every field a result has', () => {
    for (const f of [...scenarioFixtures(), ...edgeFixtures()]) {
      const m = classifyTopicMessage('subject', lambdaCopy(f.result));
      expect(m.kind === 'alert' || m.kind === 'notice', f.name).toBe(true);
      if (m.kind === 'alert' || m.kind === 'notice') expect(m.result, f.name).toEqual(f.result);
    }
  });

  it('still reads an alert published before messages carried a kind', () => {
    const legacy = JSON.parse(lambdaCopy(result('cloudtrail-mfa-delete-disabled'))) as Record<
      string,
      unknown
    >;
    delete legacy.kind;
    expect(kindOf(classifyTopicMessage(null, JSON.stringify(legacy)))).toBe('alert');
  });

  it('reads a digest and a test alert', () => {
    const d = classifyTopicMessage('digest', JSON.stringify(machineDigestOf(digest)));
    expect(d).toEqual({ kind: 'digest', digest });
    const test = newTestAlert({
      account: '111122223333',
      region: 'eu-west-1',
      now: new Date(0),
      origin: 'cli',
    });
    expect(classifyTopicMessage(null, JSON.stringify(machineTestOf(test)))).toEqual({ kind: 'test', test });
  });

  it.each(['ALARM', 'OK', 'INSUFFICIENT_DATA'] as const)(
    'reads a CloudWatch %s notification in AWS format',
    (state) => {
      const m = classifyTopicMessage(cloudWatchAlarmSubject(state), cloudWatchAlarmMessage(state));
      expect(m.kind).toBe('alarm');
      if (m.kind !== 'alarm') return;
      expect(m.alarm).toMatchObject({
        name: 'mfa-delete-guard-prod-slack-notifier-errors',
        state,
        region: 'eu-west-1',
        regionName: 'EU (Ireland)',
        account: '111122223333',
        metric: 'AWS/Lambda Errors FunctionName=mfa-delete-guard-prod-slackNotifier',
      });
    },
  );

  it('calls an alarm with a state CloudWatch never sends unrecognised, naming the field', () => {
    const bad = JSON.stringify({ ...JSON.parse(cloudWatchAlarmMessage('ALARM')), NewStateValue: 'PANIC' });
    const m = classifyTopicMessage('ALARM', bad);
    expect(m.kind).toBe('unrecognised');
    if (m.kind === 'unrecognised') expect(m.foreign.reason).toContain('NewStateValue');
  });

  it('delivers plain text and foreign JSON as unrecognised, with subject and a cleaned excerpt', () => {
    const text = classifyTopicMessage('hello\u202e', PLAIN_TEXT);
    expect(text).toEqual({
      kind: 'unrecognised',
      foreign: {
        subject: 'hello',
        excerpt: PLAIN_TEXT,
        reason: 'plain text, not a message from mfa-delete-guard',
        omitted: 0,
      },
    });
    const json = classifyTopicMessage(undefined, FOREIGN_JSON);
    expect(json.kind).toBe('unrecognised');
    if (json.kind === 'unrecognised') {
      expect(json.foreign.subject).toBeUndefined();
      expect(json.foreign.reason).toMatch(/JSON from another source/);
    }
  });

  it('bounds the excerpt and counts what it left out', () => {
    const long = `line one\n\u0007${'x'.repeat(10_000)}`;
    const m = classifyTopicMessage('s'.repeat(300), long);
    if (m.kind !== 'unrecognised') throw new Error(m.kind);
    expect(m.foreign.excerpt.length).toBe(MESSAGE_EXCERPT_MAX);
    expect(m.foreign.excerpt.endsWith('…')).toBe(true);
    expect(m.foreign.excerpt).not.toContain('\n');
    expect(m.foreign.excerpt).not.toContain('\u0007');
    expect(m.foreign.subject!.length).toBe(100);
    const cleanedLength = 'line one '.length + 10_000;
    expect(m.foreign.excerpt.length - 1 + m.foreign.omitted).toBe(cleanedLength);
  });

  it('calls a message of ours in another version unrecognised rather than half-rendering it', () => {
    const broken = JSON.stringify({ source: 'mfa-delete-guard', kind: 'digest', total: 'many' });
    const m = classifyTopicMessage(null, broken);
    expect(m.kind).toBe('unrecognised');
    if (m.kind === 'unrecognised') expect(m.foreign.reason).toMatch(/^a digest not in this version's format/);
    expect(kindOf(classifyTopicMessage(null, JSON.stringify({ source: 'mfa-delete-guard' })))).toBe(
      'unrecognised',
    );
  });

  it('never throws, whatever the topic carries', () => {
    fc.assert(
      fc.property(
        fc.option(fc.string()),
        fc.oneof(
          fc.string(),
          fc.json(),
          fc.jsonValue().map((v) => JSON.stringify(v)),
        ),
        (s, msg) => {
          const m = classifyTopicMessage(s, msg);
          expect(['alert', 'notice', 'digest', 'test', 'alarm', 'unrecognised']).toContain(m.kind);
        },
      ),
      { numRuns: Number(process.env.FC_NUM_RUNS) || 500 },
    );
  });

  it('builds the unverified kind a signature check produces', () => {
    expect(unverifiedMessage('s', 'body', 'signature does not match')).toEqual({
      kind: 'unverified',
      foreign: { subject: 's', excerpt: 'body', reason: 'signature does not match', omitted: 0 },
    });
  });
});

describe('passesMinSeverity', () => {
  it('filters alerts and digests by severity, never alarms, tests or strangers', () => {
    const low = {
      kind: 'alert',
      result: { ...result('cloudtrail-mfa-delete-disabled'), severity: 'low' },
    } as TopicMessage;
    expect(passesMinSeverity(low, 'high')).toBe(false);
    expect(passesMinSeverity({ kind: 'digest', digest: { ...digest, severity: 'info' } }, 'high')).toBe(
      false,
    );
    expect(passesMinSeverity({ kind: 'digest', digest }, 'high')).toBe(true);
    expect(passesMinSeverity(classifyTopicMessage(null, cloudWatchAlarmMessage('OK')), 'critical')).toBe(
      true,
    );
    expect(passesMinSeverity(classifyTopicMessage(null, 'text'), 'critical')).toBe(true);
  });
});
