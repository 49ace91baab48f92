// The guard signs what it publishes: the real check handler (ALERT_SIGNING_KEY_ARN set, as the stack sets it)
// and the sweep's digest, with the real SDK against the loopback fake AWS, whose KMS computes real HMACs.
import { KMSClient } from '@aws-sdk/client-kms';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { checkAuthenticity } from '../../lib/authenticity';
import { S3ClientPool } from '../../lib/aws/clients';
import { newSnsClient } from '../../lib/aws/publishAlert';
import { kmsMessageMac } from '../../lib/aws/messageMac';
import { machineCopyOf } from '../../lib/domain/signedMessage';
import type { GuardDeps } from '../../lib/guard';
import { runSweep } from '../../lib/sweep';
import { loadCheckHandler, type CheckHandler } from '../support/checkHandler';
import { startFakeAws, type FakeAws } from '../support/fakeAws';
import { lambdaContext } from '../support/lambdaContext';
import { loadEvent, resetToSampleBuckets } from '../support/scenarios';

const TOPIC = 'arn:aws:sns:eu-west-1:111122223333:mfa-delete-guard-signed';
let fake: FakeAws;
let keyArn: string;
let handler: CheckHandler;
let kms: KMSClient;

beforeAll(async () => {
  fake = await startFakeAws();
  keyArn = fake.kms.addKey();
  kms = new KMSClient({ endpoint: fake.url, region: 'eu-west-1', maxAttempts: 2 });
  handler = await loadCheckHandler(fake, {
    ALERT_TOPIC_ARN: TOPIC,
    ALERT_SIGNING_KEY_ARN: keyArn,
    AWS_MAX_ATTEMPTS: '2',
  });
});
afterAll(() => fake.close());
beforeEach(() => resetToSampleBuckets(fake));

/** Every protocol's machine copy of a published message is the same signed text, and KMS says it is genuine. */
async function expectSigned(message: string): Promise<void> {
  const outer = JSON.parse(message) as Record<string, string>;
  const machine = machineCopyOf(message);
  expect(machine.signature).toMatchObject({ version: 1, algorithm: 'HMAC_SHA_256', digest: 'SHA-256' });
  for (const key of ['lambda', 'sqs', 'http', 'email-json'])
    if (key in outer) expect(outer[key]).toBe(outer.default);
  await expect(checkAuthenticity(kmsMessageMac(kms, keyArn), machine)).resolves.toEqual({
    verdict: 'genuine',
  });
}

describe('signed publishing', () => {
  it('the check handler signs its alert with GenerateMac on the configured key', async () => {
    await handler(loadEvent('cloudtrail-mfa-delete-disabled.json'), lambdaContext());
    expect(fake.published).toHaveLength(1);
    const generate = fake.requests.filter((r) => r.operation === 'GenerateMac');
    expect(generate).toHaveLength(1);
    expect(JSON.parse(generate[0]!.body)).toMatchObject({ KeyId: keyArn, MacAlgorithm: 'HMAC_SHA_256' });
    await expectSigned(fake.published[0]!.Message);
  });

  it('a KMS fault fails the invocation and publishes nothing (Lambda retries; the DLQ keeps the event)', async () => {
    fake.fail('GenerateMac', { status: 500, code: 'KMSInternalException', message: 'internal' });
    await expect(
      handler(loadEvent('cloudtrail-mfa-delete-disabled.json'), lambdaContext()),
    ).rejects.toMatchObject({
      name: 'KMSInternalException',
    });
    expect(fake.published).toHaveLength(0);
  });

  it('the sweep signs its digest', async () => {
    const deps: GuardDeps = {
      s3: new S3ClientPool(),
      sns: newSnsClient('eu-west-1'),
      mac: kmsMessageMac(kms, keyArn),
      config: { scope: 'configured', exemptPatterns: [], rootProfile: 'root_user' },
      publish: { topicArn: TOPIC, eventSource: 'mfa-delete-guard' },
      homeRegion: 'eu-west-1',
      account: '111122223333',
    };
    await runSweep({ kind: 'sweep', dryRun: false, scheduled: true }, deps);
    expect(fake.published).toHaveLength(1);
    await expectSigned(fake.published[0]!.Message);
  });
});
