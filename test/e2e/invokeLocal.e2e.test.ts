// `serverless invoke local --stage local`, exactly as the README tells a developer to run it: the real
// osls CLI builds the function with serverless-esbuild and runs it against the loopback fake AWS.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeAws, type FakeAws } from '../support/fakeAws';
import { EVENTS_DIR, arrange, scenarioFile } from '../support/scenarios';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..');
let fake: FakeAws;

beforeAll(async () => {
  fake = await startFakeAws();
  // invoke local passes no function ARN: the check asks STS which account it runs in.
  fake.identities.set('AKIAIOSFODNN7EXAMPLE', {
    account: '111122223333',
    arn: 'arn:aws:iam::111122223333:user/developer',
  });
});
afterAll(() => fake.close());

describe('serverless invoke local --stage local', () => {
  it('runs the check on a sample event and reaches the local endpoint', async () => {
    const file = scenarioFile();
    arrange(
      fake,
      file,
      file.scenarios.find((s) => s.event === 'cloudtrail-versioning-suspended.json')!,
    );
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      AWS_ENDPOINT_URL: fake.url,
      AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'fake-secret-for-loopback-tests',
      AWS_REGION: 'eu-west-1',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };
    const { stdout } = await run(
      'npx',
      [
        'serverless',
        'invoke',
        'local',
        '--stage',
        'local',
        // The function's Region differs from the local stage's topic (us-east-1): the publish must still go
        // to the topic's Region, as SNS requires.
        '--region',
        'eu-west-1',
        '-f',
        'check',
        '--path',
        join(EVENTS_DIR, 'cloudtrail-versioning-suspended.json'),
      ],
      { cwd: ROOT, env, timeout: 90_000, maxBuffer: 10 * 1024 * 1024 },
    );
    // The report is the last JSON document on stdout, after the function's JSON log lines.
    const report = JSON.parse(stdout.slice(stdout.indexOf('{\n'))) as {
      results: Array<Record<string, unknown>>;
    };
    expect(report.results[0]).toMatchObject({
      bucket: 'example-archive',
      status: 'drift',
      severity: 'critical',
      alerted: true,
    });
    expect(fake.requests.filter((r) => r.service === 's3').map((r) => r.operation)).toEqual([
      'GetBucketVersioning',
      'GetBucketTagging',
      'GetBucketLifecycleConfiguration',
    ]);
    // The local stage's literal topic ARN, with no CloudFormation lookup.
    expect(fake.published.map((p) => p.TopicArn)).toEqual([
      'arn:aws:sns:us-east-1:111122223333:mfa-delete-guard-local-alerts',
    ]);
    expect(fake.requests.filter((r) => r.operation === 'Publish').map((r) => r.region)).toEqual([
      'us-east-1',
    ]);
    expect(fake.putEvents).toHaveLength(1);
    // No function ARN under invoke local: the account the record must come from was asked of STS.
    expect(fake.requests.filter((r) => r.operation === 'GetCallerIdentity')).toHaveLength(1);
  });
});
