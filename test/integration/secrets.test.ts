// Secrets never reach logs, alerts or drift events. The real handler runs at DEBUG with event logging on,
// with credentials and a webhook URL in its environment, through the paths that log the most: drift,
// refusals, faults, invalid input. Everything written to stdout/stderr is captured and searched.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { startFakeAws, type FakeAws } from '../support/fakeAws';
import { loadCheckHandler, type CheckHandler } from '../support/checkHandler';
import { lambdaContext } from '../support/lambdaContext';
import { loadEvent, resetToSampleBuckets } from '../support/scenarios';
import type { Report } from '../../lib/domain/types';

const SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY1';
const SESSION_TOKEN = 'IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKENdGhpcyBpcyBhIHNlY3JldA==';
const WEBHOOK_URL = 'https://hooks.slack.com/services/T0000EXMPL/B0000EXMPL/XXXXsecretWebhookTokenXXXX';
const ACCESS_KEY_ID = 'ASIAEXAMPLESECRETS01';
const SECRETS = {
  'secret access key': SECRET_ACCESS_KEY,
  'session token': SESSION_TOKEN,
  'webhook URL': WEBHOOK_URL,
  'webhook token': 'XXXXsecretWebhookTokenXXXX',
  // Fragments as well: a truncated or split secret is still a leak.
  'secret key fragment': SECRET_ACCESS_KEY.slice(8, 24),
  'session token fragment': SESSION_TOKEN.slice(10, 30),
};

let fake: FakeAws;
let handler: CheckHandler;
let output: string[];

beforeAll(async () => {
  fake = await startFakeAws();
  delete process.env.POWERTOOLS_DEV;
  handler = await loadCheckHandler(fake, {
    AWS_ACCESS_KEY_ID: ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY: SECRET_ACCESS_KEY,
    AWS_SESSION_TOKEN: SESSION_TOKEN,
    SLACK_WEBHOOK_URL: WEBHOOK_URL,
    ALERT_TOPIC_ARN: 'arn:aws:sns:eu-west-1:111122223333:mfa-delete-guard-secrets',
    POWERTOOLS_LOG_LEVEL: 'DEBUG',
    POWERTOOLS_LOGGER_LOG_EVENT: 'true',
    AWS_MAX_ATTEMPTS: '2',
  });
});
afterAll(() => fake.close());

beforeEach(() => {
  resetToSampleBuckets(fake);
  output = [];
  const capture =
    (stream: NodeJS.WriteStream) =>
    (chunk: string | Uint8Array): boolean => {
      output.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return stream === process.stdout || stream === process.stderr;
    };
  vi.spyOn(process.stdout, 'write').mockImplementation(
    capture(process.stdout) as typeof process.stdout.write,
  );
  vi.spyOn(process.stderr, 'write').mockImplementation(
    capture(process.stderr) as typeof process.stderr.write,
  );
});
afterEach(() => vi.restoreAllMocks());

function expectNoSecrets(where: string, text: string): void {
  for (const [name, secret] of Object.entries(SECRETS)) {
    expect(text.includes(secret), `${name} found in ${where}`).toBe(false);
  }
}

/** Run the handler, swallow its rejection (a fault path), then search everything it produced. */
async function runAndSearch(event: unknown): Promise<{ logs: string; report?: Report; error?: Error }> {
  let report: Report | undefined;
  let error: Error | undefined;
  try {
    report = await handler(structuredClone(event), lambdaContext());
  } catch (err) {
    error = err as Error;
  }
  const logs = output.join('');
  expectNoSecrets('logs', logs);
  expectNoSecrets('the report', JSON.stringify(report ?? {}));
  expectNoSecrets('the error', `${error?.name} ${error?.message} ${error?.stack}`);
  expectNoSecrets('alerts', JSON.stringify(fake.published));
  expectNoSecrets('drift events', JSON.stringify(fake.putEvents));
  // The requests that went out carry a signature, never the secret itself.
  expectNoSecrets(
    'requests sent',
    JSON.stringify(
      fake.requests.map((r) => ({ ...r, headers: { ...r.headers, 'x-amz-security-token': '' } })),
    ),
  );
  return { logs, report, error };
}

describe('no secret reaches logs, alerts or events', () => {
  it('drift: the alert and the DEBUG logs (with the event logged) carry no secret', async () => {
    const { logs, report } = await runAndSearch(loadEvent('cloudtrail-mfa-delete-disabled.json'));
    expect(report?.results[0]?.status).toBe('drift');
    expect(fake.published).toHaveLength(1);
    // The capture works: the handler's structured logs were seen.
    expect(logs).toContain('"message":"bucket checked"');
    expect(logs).toContain('"message":"Lambda invocation event"');
    // The session token is sent (as x-amz-security-token), so it was in play and still did not leak.
    expect(fake.requests.some((r) => r.headers['x-amz-security-token'] === SESSION_TOKEN)).toBe(true);
  });

  it('an access key ID from CloudTrail may appear, as CloudTrail shows it', async () => {
    const event = loadEvent('cloudtrail-mfa-delete-disabled.json') as {
      detail: { userIdentity: { accessKeyId: string } };
    };
    const { logs } = await runAndSearch(event);
    expect(logs).toContain(event.detail.userIdentity.accessKeyId);
  });

  it('refusals and faults (AccessDenied, SNS 500, PutEvents refused) log no secret', async () => {
    const event = loadEvent('cloudtrail-mfa-delete-disabled.json');
    fake.fail('GetBucketVersioning', { status: 403, code: 'AccessDenied', times: 1 });
    expect((await runAndSearch(event)).report?.results[0]?.status).toBe('unverified');

    fake.reset();
    fake.fail('Publish', { status: 500, code: 'InternalError' });
    expect((await runAndSearch(event)).error?.name).toBe('InternalErrorException');

    fake.reset();
    fake.failPutEventsEntries('AccessDeniedException', 1);
    expect((await runAndSearch(event)).error?.name).toBe('DriftEventError');
  });

  it('invalid input, including a caller who pastes credentials into it, logs no secret', async () => {
    const { report, logs } = await runAndSearch({ bucket: 'example-bucket', token: 'x', dryRun: 'yes' });
    expect(report?.results[0]?.status).toBe('invalid-input');
    expect(logs).toContain('invalid-input');
  });
});
