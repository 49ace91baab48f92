/**
 * The PACKAGED Slack notifier, as Lambda runs it: a fresh Node process per message that requires the
 * bundle `serverless package` built and calls `handler(event, context)`. The webhook URL is a SecureString
 * in moto's SSM; a loopback server answers as Slack does. Every kind of message that really lands on the
 * alert topic is posted once and the invocation returns; only Slack's own refusals fail it.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { S3ClientPool } from '../../lib/aws/clients';
import { newSnsClient } from '../../lib/aws/publishAlert';
import { createSweepRunner } from '../../lib/sweep';
import { snsPublication } from '../../lib/channels/publish';
import { resultMessage } from '../../lib/domain/topicMessage';
import { startFakeAws, type FakeAws } from '../support/fakeAws';
import { startMoto, type Moto } from '../support/moto';
import {
  FOREIGN_JSON,
  PLAIN_TEXT,
  cloudWatchAlarmMessage,
  cloudWatchAlarmSubject,
  snsEventFor,
} from '../support/topicMessages';
import { scenarioFixtures } from '../golden/fixtures';
import { REGION } from './support/motoClients';
import { codeDir, lambdaFunction, loadTemplate } from './support/package';
import { packagedFunction, type Invocation } from './support/packagedFunction';
import { createSigningKey, type SigningKey } from './support/signingKey';
import { KMSClient } from '@aws-sdk/client-kms';
import { kmsMessageMac, signPublication, type MessageMac } from '../../lib/aws/messageMac';

const ACCOUNT = '111122223333';
const PARAMETER = '/mfa-delete-guard/prod/slack-webhook-url';
const SECRET_PATH = '/services/T0E2E/B0E2E/e2e-secret-token';

const fixtures = scenarioFixtures();
const result = (name: string) => fixtures.find((f) => f.name === name)!.result;

let moto: Moto;
let fake: FakeAws;
let slack: Server;
const answers: Array<{ status: number; body: string }> = [];
const posts: Array<{ path: string; body: { text: string; blocks: unknown[] } }> = [];
let invoke: <T>(event: unknown) => Promise<Invocation<T>>;
let digestMessage: { subject: string; message: string };
let signingKey: SigningKey;
/** The guard's signing, with the HMAC key in moto's KMS that the packaged notifier verifies with. */
let mac: MessageMac;
const signed: Record<string, { subject: string; message: string }> = {};

/** What the notifier receives for the guard's publish of a result: the signed `default` key. */
const publish = async (r: Parameters<typeof resultMessage>[0]) => {
  const p = await signPublication(mac, snsPublication(resultMessage(r)));
  return { subject: p.subject, message: (JSON.parse(p.message) as { default: string }).default };
};
/** The same alert published by someone else: not signed. */
const forged = (r: Parameters<typeof resultMessage>[0]) => {
  const p = snsPublication(resultMessage(r));
  return { subject: p.subject, message: (JSON.parse(p.message) as { default: string }).default };
};
const published = (r: Parameters<typeof resultMessage>[0]) => signed[r.status]!;

/** A real digest: the sweep code checks three buckets on the MFA-aware loopback S3 and publishes it. */
async function sweepDigest(): Promise<{ subject: string; message: string }> {
  fake.buckets.set('e2e-drifting-a', {
    name: 'e2e-drifting-a',
    region: REGION,
    versioning: 'Enabled',
    mfaDelete: 'Disabled',
  });
  fake.buckets.set('e2e-suspended-b', {
    name: 'e2e-suspended-b',
    region: REGION,
    versioning: 'Suspended',
    mfaDelete: 'Disabled',
  });
  fake.buckets.set('e2e-fine-c', {
    name: 'e2e-fine-c',
    region: REGION,
    versioning: 'Enabled',
    mfaDelete: 'Enabled',
  });
  const before = { ...process.env };
  process.env.AWS_ENDPOINT_URL = fake.url;
  try {
    const sweep = createSweepRunner({ keep: 'attention' });
    await sweep(
      { kind: 'sweep', dryRun: false, scheduled: true },
      {
        s3: new S3ClientPool(),
        sns: newSnsClient(REGION),
        mac,
        config: { scope: 'all', exemptPatterns: [], rootProfile: 'root_user' },
        publish: {
          topicArn: `arn:aws:sns:${REGION}:${ACCOUNT}:mfa-delete-guard-prod-alerts`,
          eventSource: 'mfa-delete-guard',
        },
        homeRegion: REGION,
        account: ACCOUNT,
      },
    );
  } finally {
    process.env = before;
  }
  const sent = fake.published.at(-1);
  if (!sent) throw new Error('the sweep published no digest');
  // The notifier's lambda subscription gets the `default` key of the JSON-structured publish.
  return { subject: sent.Subject ?? '', message: (JSON.parse(sent.Message) as { default: string }).default };
}

beforeAll(async () => {
  const packageDir = inject('packageDir');
  [moto, fake] = await Promise.all([startMoto(), startFakeAws({ homeRegion: REGION })]);
  slack = createServer((req, res) => {
    let data = '';
    req.on('data', (c) => (data += c));
    req.on('end', () => {
      posts.push({ path: req.url ?? '', body: JSON.parse(data) as { text: string; blocks: unknown[] } });
      const a = answers.shift() ?? { status: 200, body: 'ok' };
      res.writeHead(a.status, { 'content-type': 'text/plain' }).end(a.body);
    });
  });
  await new Promise<void>((r) => slack.listen(0, '127.0.0.1', r));
  const ssm = new SSMClient({
    region: REGION,
    endpoint: moto.url,
    credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'fake-secret-for-moto' },
  });
  await ssm.send(
    new PutParameterCommand({
      Name: PARAMETER,
      Type: 'SecureString',
      Value: `http://127.0.0.1:${(slack.address() as AddressInfo).port}${SECRET_PATH}`,
    }),
  );
  signingKey = await createSigningKey(moto);
  mac = kmsMessageMac(new KMSClient({ endpoint: moto.url, region: REGION, maxAttempts: 2 }), signingKey.arn);
  for (const name of ['cloudtrail-mfa-delete-disabled', 'cloudtrail-mfa-delete-enabled']) {
    const r = result(name);
    signed[r.status] = await publish(r);
  }
  const template = loadTemplate(packageDir);
  const fn = lambdaFunction(template, 'slackNotifier');
  invoke = packagedFunction({
    fn,
    taskRoot: codeDir(packageDir, fn.zip),
    account: ACCOUNT,
    region: REGION,
    // The notifier ignores the guard's variables (provider-wide); they only need a value.
    resolvedEnvironment: {
      ALERT_TOPIC_ARN: `arn:aws:sns:${REGION}:${ACCOUNT}:mfa-delete-guard-prod-alerts`,
      ALERT_SIGNING_KEY_ARN: signingKey.arn,
      EVENT_BUS_NAME: 'default',
    },
    // The loopback Slack is not hooks.slack.com: it must be allowed, as a proxy would be.
    extraEnvironment: {
      AWS_ENDPOINT_URL: moto.url,
      SLACK_WEBHOOK_PARAMETER: PARAMETER,
      SLACK_WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
    },
  });
  digestMessage = await sweepDigest();
}, 120_000);

afterAll(async () => {
  await new Promise((r) => slack?.close(r));
  await Promise.all([moto?.stop(), fake?.close()]);
});

const messages = (): Array<[string, { subject?: string | null; message: string }, RegExp]> => [
  ['a drift alert', published(result('cloudtrail-mfa-delete-disabled')), /MFA delete OFF on example-bucket/],
  ['a restored notice', published(result('cloudtrail-mfa-delete-enabled')), /MFA delete restored/],
  ['a real digest from the sweep code', digestMessage, /S3 MFA delete sweep: 2 in drift/],
  [
    'a CloudWatch ALARM',
    { subject: cloudWatchAlarmSubject('ALARM'), message: cloudWatchAlarmMessage('ALARM') },
    /itself needs attention/,
  ],
  [
    'a CloudWatch OK',
    { subject: cloudWatchAlarmSubject('OK'), message: cloudWatchAlarmMessage('OK') },
    /back to OK/,
  ],
  [
    'the same drift alert published unsigned by another principal',
    forged(result('cloudtrail-mfa-delete-disabled')),
    /Unverified message on the alert topic: do not run anything from it/,
  ],
  ['plain text', { subject: 'Hello', message: PLAIN_TEXT }, /Unrecognised message on the alert topic/],
  [
    'JSON from another source',
    { subject: null, message: FOREIGN_JSON },
    /Unrecognised message on the alert topic/,
  ],
];

describe('packaged Slack notifier', () => {
  it('posts each kind of topic message once and returns', async () => {
    for (const [name, msg, shows] of messages()) {
      posts.length = 0;
      const out = await invoke<{ posted: number }>(snsEventFor([msg]));
      expect(
        out,
        `${name}: ${out.ok ? '' : `${out.errorType}: ${out.errorMessage}\n${out.logs}`}`,
      ).toMatchObject({
        ok: true,
        result: { posted: 1 },
      });
      expect(posts, name).toHaveLength(1);
      expect(posts[0]!.path).toBe(SECRET_PATH);
      expect(JSON.stringify(posts[0]!.body), name).toMatch(shows);
      // The webhook URL is a credential: never in a log line.
      expect(out.logs).not.toContain(SECRET_PATH);
    }
  }, 120_000);

  it('a forged alert reaches Slack without its script; the genuine one with it', async () => {
    posts.length = 0;
    await invoke(snsEventFor([forged(result('cloudtrail-mfa-delete-disabled'))]));
    await invoke(snsEventFor([published(result('cloudtrail-mfa-delete-disabled'))]));
    const [forgery, genuine] = posts.map((p) => JSON.stringify(p.body));
    expect(forgery).toMatch(/Unverified message on the alert topic/);
    expect(forgery).not.toContain('put-bucket-versioning');
    expect(genuine).toContain('aws s3api put-bucket-versioning --profile');
  }, 60_000);

  it("the digest it posts carries each drifting bucket's script", async () => {
    posts.length = 0;
    await invoke(snsEventFor([digestMessage]));
    const body = JSON.stringify(posts[0]!.body);
    expect(body).toContain('e2e-drifting-a');
    expect(body).toContain('e2e-suspended-b');
    expect(body).toContain('put-bucket-versioning');
  }, 60_000);

  it.each([
    [400, 'invalid_blocks'],
    [404, 'no_service'],
    [500, 'rollup_error'],
    [503, 'service_unavailable'],
  ])(
    'Slack %i %s still fails the invocation, so that Lambda retries and the DLQ keeps it',
    async (status, body) => {
      // Three attempts in all for a 5xx is Lambda's job, not the notifier's: one answer is enough here.
      answers.push({ status, body });
      const out = await invoke(snsEventFor([published(result('cloudtrail-mfa-delete-disabled'))]));
      expect(out).toMatchObject({ ok: false, errorType: 'SlackWebhookError' });
      if (!out.ok) expect(out.errorMessage).toContain(String(status));
      answers.length = 0;
    },
    60_000,
  );

  it('an alarm notice Slack refuses still returns: it cannot raise the alarm on the notifier again', async () => {
    answers.push({ status: 500, body: 'rollup_error' });
    const out = await invoke(
      snsEventFor([{ subject: cloudWatchAlarmSubject('ALARM'), message: cloudWatchAlarmMessage('ALARM') }]),
    );
    expect(out).toMatchObject({ ok: true, result: { posted: 0, notPosted: 1 } });
    answers.length = 0;
  }, 60_000);
});
