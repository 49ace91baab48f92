// The one wiring module: clients built on first use, each AWS call in the Region its target lives in.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../lib/cli/main';
import { guardClients, guardWiringFromEnv, regionOfArn } from '../../lib/runtime/wiring';
import { startFakeAws, type FakeAws } from '../support/fakeAws';
import { loadCheckHandler } from '../support/checkHandler';
import { lambdaContext } from '../support/lambdaContext';
import { arrange, loadEvent, scenarioFile } from '../support/scenarios';

const US_TOPIC = 'arn:aws:sns:us-east-1:111122223333:mfa-delete-guard-central-alerts';
const US_BUS = 'arn:aws:events:us-east-1:111122223333:event-bus/security';
let fake: FakeAws;
const file = scenarioFile();
const drift = file.scenarios.find((s) => s.event === 'cloudtrail-mfa-delete-disabled.json')!;

beforeAll(async () => {
  fake = await startFakeAws();
});
afterAll(() => fake.close());
beforeEach(() => arrange(fake, file, drift));

describe('the SNS and EventBridge clients follow the topic and bus ARNs', () => {
  it('the fake refuses a topic of another Region, as SNS does (so the next tests can fail)', async () => {
    const { SNSClient, PublishCommand } = await import('@aws-sdk/client-sns');
    const sns = new SNSClient({ region: 'eu-west-1', endpoint: fake.url, maxAttempts: 1 });
    await expect(sns.send(new PublishCommand({ TopicArn: US_TOPIC, Message: 'x' }))).rejects.toMatchObject({
      name: 'InvalidParameterException',
    });
  });

  it('a function in eu-west-1 publishes to a us-east-1 topic and bus', async () => {
    const handler = await loadCheckHandler(fake, { ALERT_TOPIC_ARN: US_TOPIC, EVENT_BUS_NAME: US_BUS });
    expect(process.env.AWS_REGION).toBe('eu-west-1');
    const report = await handler(loadEvent(drift.event), lambdaContext());
    expect(report.results[0]).toMatchObject({ status: 'drift', alerted: true });
    expect(fake.published.map((p) => p.TopicArn)).toEqual([US_TOPIC]);
    expect(fake.putEvents.map((e) => e.EventBusName)).toEqual([US_BUS]);
    const regionOf = (op: string) => fake.requests.filter((r) => r.operation === op).map((r) => r.region);
    expect(regionOf('Publish')).toEqual(['us-east-1']);
    expect(regionOf('PutEvents')).toEqual(['us-east-1']);
  });

  it('the CLI takes the same path (--topic-arn in us-east-1 from eu-west-1)', async () => {
    const event = loadEvent(drift.event) as { detail: { requestParameters: { bucketName: string } } };
    let stderr = '';
    const code = await main(
      [
        'check',
        '--bucket',
        event.detail.requestParameters.bucketName,
        '--account',
        '111122223333',
        '--topic-arn',
        US_TOPIC,
      ],
      { AWS_REGION: 'eu-west-1', AWS_ENDPOINT_URL: fake.url },
      { stdout: () => undefined, stderr: (s) => (stderr += s), isTTY: false },
    );
    expect(stderr).toBe('');
    expect(code).toBe(1);
    expect(fake.published.map((p) => p.TopicArn)).toEqual([US_TOPIC]);
    expect(fake.requests.filter((r) => r.operation === 'Publish').map((r) => r.region)).toEqual([
      'us-east-1',
    ]);
  });

  it('a bus given by name stays in the home Region; clients are created only when first used', () => {
    const w = guardWiringFromEnv({ AWS_REGION: 'eu-west-1', EVENT_BUS_NAME: 'default' });
    const clients = guardClients(w);
    expect(clients.sns()).toBeUndefined();
    expect(clients.eventBridge()).toBe(clients.eventBridge());
    expect(regionOfArn(US_BUS)).toBe('us-east-1');
    expect(regionOfArn('default')).toBeUndefined();
  });
});
