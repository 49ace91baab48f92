// Delivery to a central topic and bus (another account, another Region) and the test alert, through the
// real check handler and the CLI against the loopback fake AWS, which refuses a publish signed for any
// Region but the topic's own, as SNS does.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../lib/cli/main';
import { classifyTopicMessage } from '../../lib/domain/topicMessage';
import { startFakeAws, type FakeAws } from '../support/fakeAws';
import { loadCheckHandler, type CheckHandler } from '../support/checkHandler';
import { lambdaContext } from '../support/lambdaContext';
import { arrange, loadEvent, scenarioFile } from '../support/scenarios';

const CENTRAL_TOPIC = 'arn:aws:sns:us-east-1:444455556666:security-alerts';
const CENTRAL_BUS = 'arn:aws:events:us-east-2:444455556666:event-bus/security';
let fake: FakeAws;
let handler: CheckHandler;
const file = scenarioFile();
const drift = file.scenarios.find((s) => s.event === 'cloudtrail-mfa-delete-disabled.json')!;

beforeAll(async () => {
  fake = await startFakeAws();
  handler = await loadCheckHandler(fake, { ALERT_TOPIC_ARN: CENTRAL_TOPIC, EVENT_BUS_NAME: CENTRAL_BUS });
});
afterAll(() => fake.close());
beforeEach(() => arrange(fake, file, drift));

const regionsOf = (op: string) => fake.requests.filter((r) => r.operation === op).map((r) => r.region);

describe('a central topic and bus in another account and Region', () => {
  it('a function in eu-west-1 alerts on the us-east-1 topic of another account and its us-east-2 bus', async () => {
    expect(process.env.AWS_REGION).toBe('eu-west-1');
    const report = await handler(loadEvent(drift.event), lambdaContext());
    expect(report.results[0]).toMatchObject({ status: 'drift', alerted: true, account: '111122223333' });
    expect(fake.published.map((p) => p.TopicArn)).toEqual([CENTRAL_TOPIC]);
    expect(regionsOf('Publish')).toEqual(['us-east-1']);
    expect(fake.putEvents.map((e) => e.EventBusName)).toEqual([CENTRAL_BUS]);
    expect(regionsOf('PutEvents')).toEqual(['us-east-2']);
  });
});

describe('the test alert', () => {
  it('{"test": true} publishes one labelled synthetic alert, with nothing to run, and no drift event', async () => {
    const report = await handler({ test: true }, lambdaContext());
    expect(report.results).toEqual([]);
    expect(report.test).toMatchObject({ published: true, topicArn: CENTRAL_TOPIC });
    expect(report.test?.messageId).toBeTruthy();
    expect(fake.published).toHaveLength(1);
    expect(fake.putEvents).toHaveLength(0);
    expect(fake.requests.filter((r) => r.service === 's3')).toHaveLength(0);
    const sent = fake.published[0]!;
    expect(sent.Subject).toBe('[TEST] mfa-delete-guard test alert (111122223333)');
    const channels = JSON.parse(sent.Message) as Record<string, string>;
    expect(Object.keys(channels).sort()).toEqual(['default', 'email', 'https']);
    expect(channels.email).toMatch(/^TEST: mfa-delete-guard alert channels/);
    expect(sent.Message).not.toMatch(/put-bucket-versioning|aws s3api/);
    // Every subscriber reads it back as a test alert.
    expect(classifyTopicMessage(sent.Subject, channels.default!)).toMatchObject({
      kind: 'test',
      test: { id: report.test!.id, origin: 'lambda', account: '111122223333', region: 'eu-west-1' },
    });
  });

  it('a test cannot be combined with a check', async () => {
    const report = await handler({ test: true, bucket: 'example-bucket' }, lambdaContext());
    expect(report.results[0]).toMatchObject({ status: 'invalid-input' });
    expect(report.results[0]!.reason).toMatch(/^"test" cannot be combined with "bucket"/);
    expect(fake.published).toHaveLength(0);
  });

  it("check --test --topic-arn publishes it from the command line, to the topic's Region", async () => {
    let stdout = '';
    let stderr = '';
    const io = { stdout: (s: string) => (stdout += s), stderr: (s: string) => (stderr += s), isTTY: false };
    const env = { AWS_REGION: 'eu-west-1', AWS_ENDPOINT_URL: fake.url, AWS_ACCOUNT_ID: '111122223333' };
    const code = await main(['check', '--test', '--topic-arn', CENTRAL_TOPIC], env, io);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /^Test alert mfa-delete-guard-test-111122223333-\S+ published to arn:aws:sns:us-east-1:444455556666:security-alerts \(message /,
    );
    expect(regionsOf('Publish')).toEqual(['us-east-1']);
    const channels = JSON.parse(fake.published[0]!.Message) as Record<string, string>;
    expect(classifyTopicMessage(null, channels.default!)).toMatchObject({
      kind: 'test',
      test: { origin: 'cli' },
    });
  });

  it.each([
    [['check', '--test'], /--test needs --topic-arn/],
    [['check', '--test', '--topic-arn', CENTRAL_TOPIC, '--dry-run'], /cannot be combined with --dry-run/],
    [['check', '--test', '--all', '--topic-arn', CENTRAL_TOPIC], /give exactly one of/],
  ])('%j is refused with one line and exit 2', async (argv, message) => {
    let stderr = '';
    const io = { stdout: () => undefined, stderr: (s: string) => (stderr += s), isTTY: false };
    expect(await main(argv, { AWS_REGION: 'eu-west-1', AWS_ENDPOINT_URL: fake.url }, io)).toBe(2);
    expect(stderr.split('\n')[0]).toMatch(message);
    expect(fake.published).toHaveLength(0);
  });
});
