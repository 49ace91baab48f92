// The Slack notifier against every kind of message that lands on the alert topic, with a loopback HTTP
// server answering as Slack does. Each message is posted once and the handler returns; only Slack's own
// refusals (400/404/5xx) fail the invocation, and never for an alarm notice (that could loop).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { SlackWebhookError } from '../../lib/channels/slack/deliver';
import { snsPublication } from '../../lib/channels/publish';
import { renderSlack } from '../../lib/channels/slack';
import { createSlackNotifier, type SlackNotifierDeps } from '../../lib/channels/slack/notifier';
import { resultMessage, type TopicMessage } from '../../lib/domain/topicMessage';
import { scenarioFixtures } from '../golden/fixtures';
import { topicFixtures } from '../golden/topicFixtures';
import { lambdaContext } from '../support/lambdaContext';
import {
  FOREIGN_JSON,
  PLAIN_TEXT,
  cloudWatchAlarmMessage,
  cloudWatchAlarmSubject,
  snsEventFor,
} from '../support/topicMessages';

interface Answer {
  status: number;
  body: string;
}

const answers: Answer[] = [];
const received: unknown[] = [];
let server: Server;
let url: URL;
const logged: Array<{ level: string; args: unknown[] }> = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let data = '';
    req.on('data', (c) => (data += c));
    req.on('end', () => {
      received.push(JSON.parse(data));
      const a = answers.shift() ?? { status: 200, body: 'ok' };
      res.writeHead(a.status, { 'content-type': 'text/plain' });
      res.end(a.body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/services/T0/B0/secret-token`);
});
afterAll(() => new Promise((r) => server.close(r)));
beforeEach(() => {
  answers.length = 0;
  received.length = 0;
  logged.length = 0;
});

const log = {
  info: (...args: unknown[]) => void logged.push({ level: 'info', args }),
  warn: (...args: unknown[]) => void logged.push({ level: 'warn', args }),
  error: (...args: unknown[]) => void logged.push({ level: 'error', args }),
};
const notifier = (over: Partial<SlackNotifierDeps> = {}) =>
  createSlackNotifier({
    webhookUrl: async () => url,
    minSeverity: 'info',
    log,
    post: { sleep: async () => undefined },
    ...over,
  });

/** What the notifier's subscription receives for a message the guard publishes: the `default` key. */
const published = (m: TopicMessage) => {
  const p = snsPublication(m);
  return { subject: p.subject, message: (JSON.parse(p.message) as { default: string }).default };
};

const results = scenarioFixtures();
const result = (name: string) => results.find((f) => f.name === name)!.result;
const digest = topicFixtures().find((f) => f.name === 'digest')!.message;

const cases: Array<[string, { subject?: string | null; message: string }, TopicMessage['kind']]> = [
  ['a drift alert', published(resultMessage(result('cloudtrail-mfa-delete-disabled'))), 'alert'],
  ['a restored notice', published(resultMessage(result('cloudtrail-mfa-delete-enabled'))), 'notice'],
  ['a sweep digest', published(digest), 'digest'],
  [
    'a CloudWatch ALARM',
    { subject: cloudWatchAlarmSubject('ALARM'), message: cloudWatchAlarmMessage('ALARM') },
    'alarm',
  ],
  [
    'a CloudWatch OK',
    { subject: cloudWatchAlarmSubject('OK'), message: cloudWatchAlarmMessage('OK') },
    'alarm',
  ],
  ['plain text', { subject: 'hello', message: PLAIN_TEXT }, 'unrecognised'],
  ['JSON from another source', { subject: null, message: FOREIGN_JSON }, 'unrecognised'],
];

describe('Slack notifier, every kind of topic message', () => {
  it.each(cases)('%s: posts once and returns', async (_name, msg, kind) => {
    const out = await notifier()(snsEventFor([msg]), lambdaContext());
    expect(out).toEqual({ posted: 1, skipped: 0, notPosted: 0 });
    expect(received).toHaveLength(1);
    expect(logged.find((l) => l.args[0] === 'posted to Slack')?.args[1]).toMatchObject({ kind });
  });

  it('posts what the channel renders for the message', async () => {
    const msg = published(resultMessage(result('cloudtrail-mfa-delete-disabled')));
    await notifier()(snsEventFor([msg]), lambdaContext());
    expect(received[0]).toEqual(
      JSON.parse(JSON.stringify(renderSlack(resultMessage(result('cloudtrail-mfa-delete-disabled'))))),
    );
  });

  it.each([
    [400, 'invalid_blocks'],
    [404, 'no_service'],
    [500, 'rollup_error'],
    [503, 'service_unavailable'],
  ])('Slack %i %s still throws for alerts, digests and strangers alike', async (status, body) => {
    for (const [, msg, kind] of cases) {
      if (kind === 'alarm') continue;
      answers.push({ status, body });
      await expect(notifier()(snsEventFor([msg]), lambdaContext())).rejects.toMatchObject({
        name: 'SlackWebhookError',
        status,
      });
    }
  });

  it('an alarm notice Slack refuses is logged once and returns: it must not raise the alarm again', async () => {
    answers.push({ status: 500, body: 'rollup_error' }, { status: 500, body: 'rollup_error' });
    const msg = { subject: cloudWatchAlarmSubject('ALARM'), message: cloudWatchAlarmMessage('ALARM') };
    const out = await notifier()(snsEventFor([msg]), lambdaContext());
    expect(out).toEqual({ posted: 0, skipped: 0, notPosted: 1 });
    expect(received).toHaveLength(1); // one attempt, no retry
    const line = logged.find((l) => l.level === 'error');
    expect(line?.args[1]).toMatchObject({ kind: 'alarm', state: 'ALARM' });
    expect(JSON.stringify(logged)).not.toContain('secret-token');
  });

  it('an alarm notice returns even when the webhook URL cannot be read', async () => {
    const broken = notifier({
      webhookUrl: async () => {
        throw new Error('SSM unreachable');
      },
    });
    const alarm = { subject: cloudWatchAlarmSubject('OK'), message: cloudWatchAlarmMessage('OK') };
    await expect(broken(snsEventFor([alarm]), lambdaContext())).resolves.toMatchObject({ notPosted: 1 });
    const alert = published(resultMessage(result('cloudtrail-mfa-delete-disabled')));
    await expect(broken(snsEventFor([alert]), lambdaContext())).rejects.toThrow('SSM unreachable');
  });

  it('a Slack that cannot be reached throws for an alert', async () => {
    const gone = notifier({ webhookUrl: async () => new URL('http://127.0.0.1:1/services/x') });
    const alert = published(resultMessage(result('cloudtrail-mfa-delete-disabled')));
    await expect(gone(snsEventFor([alert]), lambdaContext())).rejects.toBeInstanceOf(SlackWebhookError);
  });

  it('filters alerts by severity but always posts alarms, tests and strangers', async () => {
    const out = await notifier({ minSeverity: 'critical' })(
      snsEventFor([
        published(resultMessage(result('cloudtrail-mfa-delete-enabled'))),
        { subject: cloudWatchAlarmSubject('OK'), message: cloudWatchAlarmMessage('OK') },
        { subject: 'x', message: PLAIN_TEXT },
      ]),
      lambdaContext(),
    );
    expect(out).toEqual({ posted: 2, skipped: 1, notPosted: 0 });
  });

  it('reads every record through readMessage, the one place a signature check would go', async () => {
    const seen: string[] = [];
    const out = await notifier({
      readMessage: (record) => {
        seen.push(record.Sns.MessageId);
        return { kind: 'unverified', foreign: { excerpt: 'x', reason: 'bad signature', omitted: 0 } };
      },
    })(snsEventFor([published(resultMessage(result('cloudtrail-mfa-delete-disabled')))]), lambdaContext());
    expect(seen).toEqual(['message-0']);
    expect(out.posted).toBe(1);
    expect(JSON.stringify(received[0])).toContain('Unverified message on the alert topic');
    expect(JSON.stringify(received[0])).not.toContain('put-bucket-versioning');
  });
});

describe('the Lambda handler, misconfigured', () => {
  it('fails an alert but returns for an alarm notice when SLACK_MIN_SEVERITY is not a severity', async () => {
    Object.assign(process.env, {
      SLACK_WEBHOOK_PARAMETER: '/mfa-delete-guard/test/slack-webhook-url',
      SLACK_MIN_SEVERITY: 'urgent',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      ALERT_SIGNING_KEY_ARN: 'arn:aws:kms:eu-west-1:111122223333:key/00000000-0000-0000-0000-000000000000',
    });
    const { handler } = await import('../../functions/slackNotifier');
    const alarm = snsEventFor([
      { subject: cloudWatchAlarmSubject('ALARM'), message: cloudWatchAlarmMessage('ALARM') },
    ]);
    await expect(handler(alarm, lambdaContext())).resolves.toEqual({ posted: 0, skipped: 0, notPosted: 1 });
    const alert = snsEventFor([published(resultMessage(result('cloudtrail-mfa-delete-disabled')))]);
    await expect(handler(alert, lambdaContext())).rejects.toThrow(/SLACK_MIN_SEVERITY must be one of/);
    expect(received).toHaveLength(0);
  });

  it('without the signing key it posts nothing it cannot verify (alerts fail), and still returns for an alarm notice', async () => {
    vi.resetModules();
    Object.assign(process.env, {
      SLACK_WEBHOOK_PARAMETER: '/mfa-delete-guard/test/slack-webhook-url',
      SLACK_MIN_SEVERITY: 'info',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    });
    delete process.env.ALERT_SIGNING_KEY_ARN;
    const { handler } = await import('../../functions/slackNotifier');
    const alarm = snsEventFor([
      { subject: cloudWatchAlarmSubject('ALARM'), message: cloudWatchAlarmMessage('ALARM') },
    ]);
    await expect(handler(alarm, lambdaContext())).resolves.toEqual({ posted: 0, skipped: 0, notPosted: 1 });
    const alert = snsEventFor([published(resultMessage(result('cloudtrail-mfa-delete-disabled')))]);
    await expect(handler(alert, lambdaContext())).rejects.toThrow('ALERT_SIGNING_KEY_ARN is not set');
    expect(received).toHaveLength(0);
  });
});
