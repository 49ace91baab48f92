// The Slack notifier end to end on loopback: the webhook URL is a SecureString in the loopback fake's SSM
// (read with the real SDK, which also reports the parameter's type), and a local HTTP server answers as Slack does:
// 200 ok, 429 with Retry-After, 400 invalid_blocks, 404 no_service, 500.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { SNSEvent } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSlackNotifier, type SlackNotifierDeps } from '../../lib/channels/slack/notifier';
import { SlackWebhookError } from '../../lib/channels/slack/deliver';
import {
  WebhookSecretError,
  allowedHostsFromEnv,
  checkedWebhookUrl,
  ssmWebhookUrl,
} from '../../lib/aws/webhookSecret';
import { snsPublication } from '../../lib/channels/publish';
import { renderSlack } from '../../lib/channels/slack';
import { resultMessage } from '../../lib/domain/topicMessage';
import type { CheckResult } from '../../lib/domain/types';
import { scenarioFixtures } from '../golden/fixtures';
import { startFakeAws, type FakeAws } from '../support/fakeAws';
import { lambdaContext } from '../support/lambdaContext';
import { testMac } from '../support/signing';
import { verifiedTopicReader } from '../../lib/authenticity';
import { randomBytes } from 'node:crypto';

interface SlackAnswer {
  status: number;
  body: string;
  headers?: Record<string, string>;
}

/** A loopback "Slack": answers from a queue (then 200 ok) and records every request body. */
function startFakeSlack() {
  const answers: SlackAnswer[] = [];
  const received: Array<{ path: string; body: unknown }> = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    let data = '';
    req.on('data', (chunk) => (data += chunk));
    req.on('end', () => {
      received.push({ path: req.url ?? '', body: JSON.parse(data) });
      const answer = answers.shift() ?? { status: 200, body: 'ok' };
      res.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers });
      res.end(answer.body);
    });
  });
  return { server, answers, received };
}

const listen = (server: Server) =>
  new Promise<number>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );

const SECRET_PATH = '/services/T000/B000/not-a-real-token-but-secret';
const PARAMETER = '/mfa-delete-guard/test/slack-webhook-url';

const fixtures = scenarioFixtures();
const drift = fixtures.find((f) => f.name === 'cloudtrail-mfa-delete-disabled')!.result;
const restored = fixtures.find((f) => f.name === 'cloudtrail-mfa-delete-enabled')!.result;

/** The guard's signing key, in-process: what is signed is what the notifier verifies (messageMac tests: KMS). */
const MAC_KEY = randomBytes(32);
const MAC = testMac(MAC_KEY);

/** The SNS event Lambda receives for our JSON-structured publish: the `lambda` key's message. */
function snsEvent(...results: CheckResult[]): SNSEvent {
  return {
    Records: results.map((r, i) => ({
      EventSource: 'aws:sns',
      EventVersion: '1.0',
      EventSubscriptionArn: 'arn:aws:sns:eu-west-1:111122223333:alerts:sub',
      Sns: {
        Type: 'Notification',
        MessageId: `message-${i}`,
        TopicArn: 'arn:aws:sns:eu-west-1:111122223333:alerts',
        Subject: snsPublication(resultMessage(r)).subject,
        // A lambda subscription gets the `default` key of the JSON-structured publish, signed as the guard signs it.
        Message: (
          JSON.parse(MAC.signPublication(snsPublication(resultMessage(r)).message)) as Record<string, string>
        ).default!,
        Timestamp: '2026-10-05T14:05:01.000Z',
        SignatureVersion: '1',
        Signature: 'EXAMPLE',
        SigningCertUrl: 'https://example.invalid/cert.pem',
        UnsubscribeUrl: 'https://example.invalid/unsubscribe',
        MessageAttributes: {},
      },
    })),
  };
}

let fake: FakeAws;
let slackPort: number;
let slack: ReturnType<typeof startFakeSlack>;
let ssm: SSMClient;
let ssmCalls = 0;
let slept: number[];
let logged: string[];

function notifier(overrides: Partial<SlackNotifierDeps> = {}) {
  return createSlackNotifier({
    webhookUrl: ssmWebhookUrl(ssm, PARAMETER, { allowedHosts: ['127.0.0.1'] }),
    readMessage: verifiedTopicReader(MAC),
    minSeverity: 'info',
    log: {
      info: (...args: unknown[]) => void logged.push(JSON.stringify(args)),
      warn: (...args: unknown[]) => void logged.push(JSON.stringify(args)),
      error: (...args: unknown[]) => void logged.push(JSON.stringify(args)),
    },
    post: { sleep: async (ms) => void slept.push(ms) },
    ...overrides,
  });
}

beforeAll(async () => {
  fake = await startFakeAws();
  slack = startFakeSlack();
  slackPort = await listen(slack.server);
  ssm = new SSMClient({ endpoint: fake.url, region: 'eu-west-1' });
  ssm.middlewareStack.add(
    (next) => async (args) => {
      ssmCalls++;
      return next(args);
    },
    { step: 'initialize', name: 'countSsmCalls' },
  );
  fake.parameters.set(PARAMETER, {
    type: 'SecureString',
    value: `http://127.0.0.1:${slackPort}${SECRET_PATH}`,
  });
});

afterAll(async () => {
  await fake?.close();
  await new Promise((resolve) => slack?.server.close(resolve));
});

beforeEach(() => {
  slack.answers.length = 0;
  slack.received.length = 0;
  slept = [];
  logged = [];
});

describe('Slack notifier', () => {
  it('200 ok: posts the Block Kit rendering of the alert to the URL from SSM', async () => {
    const out = await notifier()(snsEvent(drift), lambdaContext());
    expect(out).toEqual({ posted: 1, skipped: 0, notPosted: 0 });
    expect(slack.received).toHaveLength(1);
    expect(slack.received[0]!.path).toBe(SECRET_PATH);
    expect(slack.received[0]!.body).toEqual(JSON.parse(JSON.stringify(renderSlack(resultMessage(drift)))));
  });

  it('reads the webhook URL from SSM once and reuses it while warm', async () => {
    const warm = notifier();
    const before = ssmCalls;
    await warm(snsEvent(drift, restored), lambdaContext());
    await warm(snsEvent(drift), lambdaContext());
    expect(slack.received).toHaveLength(3);
    expect(ssmCalls - before).toBe(1);
  });

  it('429: waits for Retry-After, then posts', async () => {
    slack.answers.push({ status: 429, body: 'rate_limited', headers: { 'retry-after': '2' } });
    const out = await notifier()(snsEvent(drift), lambdaContext());
    expect(out.posted).toBe(1);
    expect(slept).toEqual([2000]);
    expect(slack.received).toHaveLength(2);
  });

  it('429: fails at once when Retry-After does not fit in the time left', async () => {
    slack.answers.push({ status: 429, body: 'rate_limited', headers: { 'retry-after': '50' } });
    const run = notifier()(snsEvent(drift), lambdaContext({ getRemainingTimeInMillis: () => 20_000 }));
    await expect(run).rejects.toMatchObject({ name: 'SlackWebhookError', status: 429 });
    expect(slept).toEqual([]);
    expect(slack.received).toHaveLength(1);
  });

  it('429 every time: gives up after the bounded number of attempts', async () => {
    for (let i = 0; i < 5; i++)
      slack.answers.push({ status: 429, body: 'rate_limited', headers: { 'retry-after': '1' } });
    await expect(notifier()(snsEvent(drift), lambdaContext())).rejects.toBeInstanceOf(SlackWebhookError);
    expect(slack.received).toHaveLength(3);
    expect(slept).toEqual([1000, 1000]);
  });

  it.each([
    [400, 'invalid_blocks'],
    [404, 'no_service'],
    [500, 'rollup_error'],
  ])('%i %s: throws so that SNS retries and the DLQ keeps the message', async (status, error) => {
    slack.answers.push({ status, body: error });
    const err = await notifier()(snsEvent(drift), lambdaContext()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SlackWebhookError);
    expect(err).toMatchObject({ status, slackError: error });
    // The webhook path is the credential: no error and no log line may carry it.
    expect((err as Error).message).not.toContain('secret');
    expect(logged.join('\n')).not.toContain(SECRET_PATH);
    expect(slack.received).toHaveLength(1);
  });

  it('skips alerts below the minimum severity without calling Slack', async () => {
    const out = await notifier({ minSeverity: 'high' })(snsEvent(restored, drift), lambdaContext());
    expect(out).toEqual({ posted: 1, skipped: 1, notPosted: 0 });
    expect(slack.received).toHaveLength(1);
  });

  it('fails when the SSM parameter does not exist', async () => {
    const missing = notifier({
      webhookUrl: ssmWebhookUrl(ssm, '/mfa-delete-guard/test/missing', { allowedHosts: ['127.0.0.1'] }),
    });
    await expect(missing(snsEvent(drift), lambdaContext())).rejects.toThrow();
    expect(slack.received).toHaveLength(0);
  });

  it('posts a message that is not an mfa-delete-guard alert as unrecognised, once, and returns', async () => {
    const event = snsEvent(drift);
    event.Records[0]!.Sns.Message = 'plain text';
    await expect(notifier()(event, lambdaContext())).resolves.toMatchObject({ posted: 1 });
    expect(JSON.stringify(slack.received[0]!.body)).toContain('Unrecognised message on the alert topic');
  });
});

describe('the Lambda handler, wired from its environment', () => {
  it('reads SLACK_WEBHOOK_PARAMETER through SSM (decrypted) and posts', async () => {
    Object.assign(process.env, {
      AWS_ENDPOINT_URL: fake.url,
      SLACK_WEBHOOK_PARAMETER: PARAMETER,
      SLACK_MIN_SEVERITY: 'high',
      SLACK_WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      // The same key material as the messages were signed with, held by the fake KMS.
      ALERT_SIGNING_KEY_ARN: fake.kms.addKey({ material: MAC_KEY }),
    });
    fake.reset();
    const { handler } = await import('../../functions/slackNotifier');
    const out = await handler(snsEvent(restored, drift), lambdaContext());
    expect(out).toEqual({ posted: 1, skipped: 1, notPosted: 0 });
    expect(slack.received.map((r) => r.path)).toEqual([SECRET_PATH]);
    const ssmCall = fake.requests.find((r) => r.operation === 'GetParameter');
    expect(JSON.parse(ssmCall?.body ?? '{}')).toEqual({ Name: PARAMETER, WithDecryption: true });
    // Both messages were verified with KMS before anything was rendered.
    expect(fake.stats().byOperation.VerifyMac).toBe(2);
  });
});

describe('the webhook parameter is believed only when it can be Slack', () => {
  const put = (name: string, value: string, type: 'SecureString' | 'String' = 'SecureString') =>
    fake.parameters.set(name, { type, value });

  it('refuses a plain String parameter, even with a Slack URL, and posts nothing', async () => {
    const name = '/mfa-delete-guard/test/plain';
    put(name, 'https://hooks.slack.com/services/T000/B000/plain', 'String');
    const plain = notifier({ webhookUrl: ssmWebhookUrl(ssm, name) });
    await expect(plain(snsEvent(drift), lambdaContext())).rejects.toThrow(
      `SSM parameter ${name} must be a SecureString, not String`,
    );
    expect(slack.received).toHaveLength(0);
  });

  it.each([
    ['another https host', 'https://attacker.example/services/T000/B000/x'],
    ['a look-alike host', 'https://hooks.slack.com.attacker.example/services/T000/B000/x'],
    ['Slack outside /services/', 'https://hooks.slack.com/workflows/T000/x'],
    ['plain http to Slack', 'http://hooks.slack.com/services/T000/B000/x'],
    ['loopback not allow-listed', 'http://127.0.0.1:9/services/T000/B000/x'],
  ])('refuses %s without quoting the URL', async (_what, value) => {
    const name = '/mfa-delete-guard/test/elsewhere';
    put(name, value);
    const err = await notifier({ webhookUrl: ssmWebhookUrl(ssm, name) })(
      snsEvent(drift),
      lambdaContext(),
    ).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'WebhookSecretError' });
    expect((err as Error).message).toBe(
      `SSM parameter ${name} must hold an https://hooks.slack.com/services/... webhook URL`,
    );
    expect((err as Error).message).not.toContain('T000');
    expect(slack.received).toHaveLength(0);
  });

  it('accepts https://hooks.slack.com/services/…, and another host only when allow-listed', () => {
    expect(checkedWebhookUrl('https://hooks.slack.com/services/T0/B0/x', 'p').host).toBe('hooks.slack.com');
    expect(() => checkedWebhookUrl('https://proxy.example.com/hook', 'p')).toThrow(WebhookSecretError);
    expect(checkedWebhookUrl('https://proxy.example.com/hook', 'p', ['proxy.example.com']).host).toBe(
      'proxy.example.com',
    );
    expect(
      allowedHostsFromEnv({ SLACK_WEBHOOK_ALLOWED_HOSTS: ' Proxy.example.com, ,127.0.0.1:8080' }),
    ).toEqual(['proxy.example.com', '127.0.0.1:8080']);
  });
});
