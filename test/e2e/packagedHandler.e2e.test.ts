/**
 * Parts 2 and 3: the packaged function, then the remediation script it hands out.
 *
 * The zip `serverless package` built runs as Lambda would run it. S3 answers from the MFA-aware loopback
 * server (moto does not model MFA delete); SNS, EventBridge and everything else go to moto, where an SQS
 * queue subscribed to the alert topic and another behind a rule on our own event source catch what the
 * function sends. The script from the received alert is then pasted into bash with the real AWS CLI.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { rm } from 'node:fs/promises';
import { PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateTableCommand, ScanCommand, type CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { CreateTopicCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { CheckResult, Report, Status } from '../../lib/domain/types';
import { mapTrace } from '../../scripts/trace';
import { ROOT_ARN, startFakeAws, type FakeAws } from '../support/fakeAws';
import { startMoto, type Moto } from '../support/moto';
import { arrange, loadEvent, scenarioFile, type Scenario } from '../support/scenarios';
import { createQueue, drainQueue, motoClients, REGION, type Queue } from './support/motoClients';
import { checkFunction, codeDir, loadTemplate, type CheckFunction, type Template } from './support/package';
import { packagedFunction, type Invocation } from './support/packagedFunction';
import { createSigningKey, type SigningKey } from './support/signingKey';
import {
  awsCliV1,
  awsCliV2Debian,
  AWS_CLI_V2_DEBIAN,
  paste,
  responderHome,
  ROOT_ACCESS_KEY_ID,
  type AwsCli,
} from './support/responder';

/** The README's status table: these statuses alert; the others stay quiet. */
const ALERTING: ReadonlySet<Status> = new Set([
  'drift',
  'restored',
  'attempt-failed',
  'unverified',
  'scope-change',
]);
/** Our custom event source, as the README documents it for other tools' rules. */
const OWN_SOURCE = 'mfa-delete-guard';
const DRIFT_EVENT = 'cloudtrail-mfa-delete-disabled.json';
const RESTORED_EVENT = 'cloudtrail-mfa-delete-enabled.json';
const MFA_HEADER = 'arn:aws:iam::111122223333:mfa/root-account-mfa-device 123456';

/**
 * The CLIs a responder may paste into: v1 (on these machines, and what CI installs) always; Debian's v2
 * where it is installed (`apt-get install awscli`). Listed at collection time, so an absent v2 is no
 * test at all rather than a skipped one; the run prints which CLIs were exercised.
 */
const RESPONDER_CLIS: Array<[string, (endpoint: string, home: string) => Promise<AwsCli>]> = [
  ['AWS CLI v1', async (endpoint) => awsCliV1(endpoint)],
];
if (existsSync(AWS_CLI_V2_DEBIAN)) {
  RESPONDER_CLIS.push([
    `AWS CLI v2 from Debian (${AWS_CLI_V2_DEBIAN})`,
    async (endpoint, home) => awsCliV2Debian(endpoint, home),
  ]);
}
console.log(`e2e: the remediation script runs with: ${RESPONDER_CLIS.map(([name]) => name).join(', ')}`);

interface SnsEnvelope {
  Type: string;
  MessageId: string;
  TopicArn: string;
  Subject?: string;
  Message: string;
}
interface MachineAlert {
  source: string;
  result: CheckResult;
}
interface DeliveredEvent {
  source: string;
  'detail-type': string;
  resources: string[];
  detail: Record<string, unknown>;
}

const file = scenarioFile();
const scenario = (event: string): Scenario => {
  const found = file.scenarios.find((s) => s.event === event);
  if (!found) throw new Error(`events/scenarios.json has no scenario for ${event}`);
  return found;
};

let moto: Moto;
let fake: FakeAws;
let clients: ReturnType<typeof motoClients>;
let template: Template;
let fn: CheckFunction;
let topicArn: string;
let signingKey: SigningKey;
let dedupeTable: string | undefined;
let alertQueue: Queue;
let driftQueue: Queue;
let invoke: <T>(event: unknown) => Promise<Invocation<T>>;
const tempDirs: string[] = [];
/** Bodies SNS posted to the https subscription (the protocol AWS Chatbot subscribes with). */
const chatPosts: string[] = [];
let chatEndpoint: Server;

/** The topic an environment variable refers to, created in moto under its packaged name. */
async function createReferencedTopic(t: Template, value: unknown): Promise<string> {
  const ref = (value as { Ref?: string } | undefined)?.Ref;
  const resource = ref ? t.Resources[ref] : undefined;
  if (!ref || resource?.Type !== 'AWS::SNS::Topic') {
    throw new Error(`ALERT_TOPIC_ARN is ${JSON.stringify(value)}, not a Ref to an SNS topic of the stack`);
  }
  const name = String(resource.Properties?.TopicName ?? ref);
  const out = await clients.sns.send(new CreateTopicCommand({ Name: name }));
  if (!out.TopicArn) throw new Error('CreateTopic gave no TopicArn');
  return out.TopicArn;
}

/**
 * The stack's de-duplication table, created in moto from its packaged definition, so that the function's
 * idempotency records are really written (without the table it would fail open and hide a broken store).
 */
async function createDedupeTable(t: Template, tableName: unknown): Promise<string | undefined> {
  if (typeof tableName !== 'string' || tableName === '') return undefined;
  // The table whose name is the DedupeTableName parameter (the sweep's run table is another one).
  const tables = Object.values(t.Resources).filter(
    (r) =>
      r.Type === 'AWS::DynamoDB::Table' &&
      JSON.stringify(r.Properties?.TableName) === JSON.stringify({ Ref: 'DedupeTableName' }),
  );
  if (tables.length !== 1)
    throw new Error(`expected one de-duplication table in the stack, found ${tables.length}`);
  const props = (tables[0]?.Properties ?? {}) as Partial<CreateTableCommandInput>;
  await clients.dynamodb.send(
    new CreateTableCommand({
      TableName: tableName,
      KeySchema: props.KeySchema,
      AttributeDefinitions: props.AttributeDefinitions,
      BillingMode: props.BillingMode ?? 'PAY_PER_REQUEST',
    }),
  );
  return tableName;
}

/** Run one sample event (or a variant of it) through the packaged function; collect what reached moto. */
async function runScenario(s: Scenario, event: unknown = loadEvent(s.event)) {
  arrange(fake, file, s);
  const invocation = await invoke<Report>(event);
  if (!invocation.ok) {
    throw new Error(`${s.event}: ${invocation.errorType}: ${invocation.errorMessage}\n${invocation.logs}`);
  }
  const [alertBodies, driftBodies] = await Promise.all([
    drainQueue(clients.sqs, alertQueue),
    drainQueue(clients.sqs, driftQueue),
  ]);
  return {
    report: invocation.result,
    alerts: alertBodies.map((b) => JSON.parse(b) as SnsEnvelope),
    driftEvents: driftBodies.map((b) => JSON.parse(b) as DeliveredEvent),
  };
}

beforeAll(async () => {
  const packageDir = inject('packageDir');
  [moto, fake] = await Promise.all([startMoto(), startFakeAws({ homeRegion: REGION })]);
  clients = motoClients(moto);
  template = loadTemplate(packageDir);
  fn = checkFunction(template);

  topicArn = await createReferencedTopic(template, fn.environment.ALERT_TOPIC_ARN);
  signingKey = await createSigningKey(moto);
  dedupeTable = await createDedupeTable(template, fn.environment.IDEMPOTENCY_TABLE);
  alertQueue = await createQueue(clients.sqs, 'security-team-alerts');
  await clients.sns.send(
    new SubscribeCommand({
      TopicArn: topicArn,
      Protocol: 'sqs',
      Endpoint: alertQueue.arn,
      // Not raw: the queue gets the SNS envelope, whose Message is the `sqs` key of our message.
      Attributes: { RawMessageDelivery: 'false' },
    }),
  );
  chatEndpoint = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      chatPosts.push(body);
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => chatEndpoint.listen(0, '127.0.0.1', resolve));
  await clients.sns.send(
    new SubscribeCommand({
      TopicArn: topicArn,
      Protocol: 'https', // moto posts to the URL as given, so a plain-http loopback server stands in
      Endpoint: `http://127.0.0.1:${(chatEndpoint.address() as AddressInfo).port}/chatbot`,
    }),
  );
  driftQueue = await createQueue(clients.sqs, 'other-tools-drift-events');
  await clients.eventBridge.send(
    new PutRuleCommand({
      Name: 'mfa-delete-guard-consumer',
      EventPattern: JSON.stringify({ source: [OWN_SOURCE] }),
      State: 'ENABLED',
    }),
  );
  await clients.eventBridge.send(
    new PutTargetsCommand({
      Rule: 'mfa-delete-guard-consumer',
      Targets: [{ Id: 'consumer', Arn: driftQueue.arn }],
    }),
  );

  invoke = packagedFunction({
    fn,
    taskRoot: codeDir(packageDir, fn.zip),
    account: file.account,
    region: REGION,
    // EVENT_BUS_NAME: the default bus, as the stack resolves it without dedicatedDriftBus.
    resolvedEnvironment: {
      ALERT_TOPIC_ARN: topicArn,
      ALERT_SIGNING_KEY_ARN: signingKey.arn,
      EVENT_BUS_NAME: 'default',
    },
    extraEnvironment: {
      // Everything to moto, except S3, which goes to the MFA-aware server. A service the function starts
      // using later lands on moto too, never on AWS.
      AWS_ENDPOINT_URL: moto.url,
      AWS_ENDPOINT_URL_S3: fake.url,
      AWS_ENDPOINT_URL_SNS: moto.url,
      AWS_ENDPOINT_URL_EVENTBRIDGE: moto.url,
      // The sample records come from three Regions: this function serves them all, as it would with
      // records forwarded from those Regions' buses (by default it believes only its own Region).
      SERVED_REGIONS: 'eu-west-1,us-west-2,us-east-1',
    },
  });
});

afterAll(async () => {
  chatEndpoint?.close();
  await Promise.all([moto?.stop(), fake?.close()]);
  await Promise.all(tempDirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe('the packaged check function', () => {
  it('is configured to publish to the stack topic and to emit our own event source', () => {
    expect(fn.environment.DRIFT_EVENT_SOURCE).toBe(OWN_SOURCE);
    expect(topicArn).toMatch(/^arn:aws:sns:eu-west-1:111122223333:/);
  });

  it.each(file.scenarios.map((s) => [s.event, s] as const))(
    '%s: reaches the expected status, and alerts only when it should',
    async (_event, s) => {
      const { report, alerts, driftEvents } = await runScenario(s);
      const result = report.results[0] as CheckResult;
      expect(report.results).toHaveLength(1);
      expect({ status: result.status, severity: result.severity }).toEqual({
        status: s.expect,
        severity: s.severity,
      });
      const shouldAlert = ALERTING.has(s.expect as Status);
      expect(result.alerted).toBe(shouldAlert);
      expect(alerts).toHaveLength(shouldAlert ? 1 : 0);
      expect(driftEvents).toHaveLength(shouldAlert ? 1 : 0);
      for (const alert of alerts) {
        expect((JSON.parse(alert.Message) as MachineAlert).result.status).toBe(s.expect);
        // Signed by the packaged function with moto's KMS key; a notifier holding the key verifies it.
        await expect(signingKey.check(alert.Message)).resolves.toEqual({ verdict: 'genuine' });
      }
      for (const event of driftEvents) expect(event.detail.status).toBe(s.expect);
      // SNS and EventBridge went to moto, not to the S3 stand-in.
      expect(fake.published).toEqual([]);
      expect(fake.putEvents).toEqual([]);
    },
  );
});

describe('the packaged function believes only what can be true', () => {
  type Ct = { account: string; detail: Record<string, unknown> & { eventID: string; userIdentity: object } };
  const fresh = (file: string): Ct => {
    const event = structuredClone(loadEvent(file)) as Ct;
    event.detail.eventID = randomUUID();
    return event;
  };

  it('a record of another account → invalid-input, nothing published; the same record of its own → alert', async () => {
    const foreign = fresh('cloudtrail-foreign-account.json');
    const refused = await runScenario(scenario(DRIFT_EVENT), foreign);
    expect(refused.report.results).toHaveLength(1);
    expect(refused.report.results[0]).toMatchObject({
      status: 'invalid-input',
      alerted: false,
      account: '444455556666',
    });
    expect(refused.report.results[0]?.reason).toContain(
      'is not the account this function guards (111122223333)',
    );
    expect(refused.alerts).toEqual([]);
    expect(refused.driftEvents).toEqual([]);
    // Nothing was even read: a record that cannot be true costs no S3 call.
    expect(fake.requests.filter((r) => r.service === 's3')).toEqual([]);

    const own = structuredClone(foreign);
    own.account = '111122223333';
    own.detail.recipientAccountId = '111122223333';
    const alerted = await runScenario(scenario(DRIFT_EVENT), own);
    expect(alerted.report.results[0]).toMatchObject({ status: 'drift', alerted: true });
    expect(alerted.alerts).toHaveLength(1);
    expect(alerted.driftEvents).toHaveLength(1);
  });

  it('a crafted copy with the same eventID and other content, sent first, does not suppress the real alert', async () => {
    const real = fresh(DRIFT_EVENT);
    const crafted = structuredClone(real);
    crafted.detail.userIdentity = {
      type: 'IAMUser',
      principalId: 'AIDAEXAMPLEINNOCENT01',
      arn: 'arn:aws:iam::111122223333:user/innocent-bystander',
      accountId: '111122223333',
      userName: 'innocent-bystander',
    };
    const first = await runScenario(scenario(DRIFT_EVENT), crafted);
    expect(first.alerts).toHaveLength(1);
    const second = await runScenario(scenario(DRIFT_EVENT), real);
    expect(second.report.results[0]).toMatchObject({ status: 'drift', alerted: true });
    expect(second.alerts).toHaveLength(1);
    const machine = JSON.parse(second.alerts[0]!.Message) as MachineAlert;
    expect(machine.result.actor?.arn).toBe('arn:aws:iam::111122223333:root');
    // The real record delivered again is still de-duplicated.
    const again = await runScenario(scenario(DRIFT_EVENT), real);
    expect(again.alerts).toEqual([]);
  });

  it('a PutBucketTagging that exempts a bucket → a scope-change alert naming the caller', async () => {
    const s = scenario('cloudtrail-tagging-exempt.json');
    const { report, alerts } = await runScenario(s, fresh(s.event));
    expect(report.results[0]).toMatchObject({ status: 'scope-change', severity: 'high', alerted: true });
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.Subject).toContain('Guard tag set on example-bucket');
    const machine = JSON.parse(alerts[0]!.Message) as MachineAlert;
    expect(machine.result.actor?.arn).toBe('arn:aws:sts::111122223333:assumed-role/OpsAdmin/ops-session');
    expect(machine.result.event?.tagging).toEqual({
      call: 'PutBucketTagging',
      guardTag: { kind: 'set', value: 'exempt' },
    });
  });
});

describe('an error the packaged function rejects with, as Lambda reports it', () => {
  // SNS and EventBridge on the MFA-aware server, where a refusal can be injected; the de-dup table stays on moto.
  let invokeRefused: <T>(event: unknown) => Promise<Invocation<T>>;
  beforeAll(() => {
    invokeRefused = packagedFunction({
      fn,
      taskRoot: codeDir(inject('packageDir'), fn.zip),
      account: file.account,
      region: REGION,
      // KMS stays on moto (AWS_ENDPOINT_URL), where the signing key is: the alert is signed before SNS refuses it.
      resolvedEnvironment: {
        ALERT_TOPIC_ARN: topicArn,
        ALERT_SIGNING_KEY_ARN: signingKey.arn,
        EVENT_BUS_NAME: 'default',
      },
      extraEnvironment: {
        AWS_ENDPOINT_URL: moto.url,
        AWS_ENDPOINT_URL_S3: fake.url,
        AWS_ENDPOINT_URL_SNS: fake.url,
        AWS_ENDPOINT_URL_EVENTBRIDGE: fake.url,
        AWS_MAX_ATTEMPTS: '1', // the injected 500 is not retried: the test waits for no backoff
      },
    });
  });

  /** A new drift record (fresh eventID, so no earlier delivery counts as a repeat), run to its rejection. */
  async function rejected(refuse: () => void) {
    arrange(fake, file, scenario(DRIFT_EVENT));
    refuse();
    const event = structuredClone(loadEvent(DRIFT_EVENT)) as { detail: { eventID: string } };
    event.detail.eventID = randomUUID();
    const invocation = await invokeRefused<Report>(event);
    if (invocation.ok) throw new Error(`the function did not reject: ${JSON.stringify(invocation.result)}`);
    return invocation;
  }

  it('SNS refuses the alert: the SDK error type, as the SDK names it', async () => {
    const out = await rejected(() => fake.fail('Publish', { status: 403, code: 'AuthorizationError' }));
    expect(out.errorType).toBe('AuthorizationErrorException');
    expect(out.trace[0]).toBe(`AuthorizationErrorException: ${out.errorMessage}`);
    expect(out.errorMessage).toContain('not authorized');
  });

  it('EventBridge refuses the drift event: our error type, and a trace that names our functions', async () => {
    const out = await rejected(() => fake.failPutEventsEntries('AccessDeniedException', 1));
    expect(out.errorType).toBe('DriftEventError');
    expect(out.errorMessage).toContain('AccessDeniedException');
    // Function names are what the bundle would otherwise shorten to a letter or two.
    expect(out.trace[1]).toMatch(/^\s+at emitDriftEvents \(/);
    expect(out.trace.join('\n')).toMatch(/^\s+at async deliver \(/m);
    expect(fake.published).toHaveLength(1); // the alert went out before the event was refused
    // The zip has no source maps; `npm run trace` rebuilds them from this checkout and maps the frames back.
    const mapped = await mapTrace(out.trace.join('\n'), 'check');
    expect(mapped.unknownFiles).toEqual([]);
    expect(mapped.text).toMatch(/^\s+at emitDriftEvents \(lib\/aws\/emitDriftEvents\.ts:\d+:\d+\)$/m);
    expect(mapped.text).toMatch(/^\s+at async deliver \(lib\/guard\.ts:\d+:\d+\)$/m);
  });

  it('S3 fails the live read: TransientAwsError, thrown from readLiveState', async () => {
    const out = await rejected(() =>
      fake.fail('GetBucketVersioning', { status: 500, code: 'InternalError' }),
    );
    expect(out.errorType).toBe('TransientAwsError');
    expect(out.errorMessage).toContain('GetBucketVersioning example-bucket: InternalError (HTTP 500)');
    expect(out.trace[1]).toMatch(/^\s+at readLiveState \(/);
    expect(out.trace.join('\n')).toMatch(/^\s+at async checkTargetLive \(/m);
    expect(fake.published).toEqual([]);
  });
});

describe('a drift alert, received and acted on', () => {
  // A new API call with the same content: a fresh eventID, so the run above does not count as a repeat.
  const driftEvent = structuredClone(loadEvent(DRIFT_EVENT)) as { detail: { eventID: string } };
  driftEvent.detail.eventID = randomUUID();
  let alert: SnsEnvelope;
  let machine: MachineAlert;
  let chat: SnsEnvelope[];
  let driftEvents: DeliveredEvent[];

  beforeAll(async () => {
    chatPosts.length = 0;
    const run = await runScenario(scenario(DRIFT_EVENT), driftEvent);
    expect(run.report.results[0]?.status).toBe('drift');
    expect(run.alerts).toHaveLength(1);
    alert = run.alerts[0] as SnsEnvelope;
    machine = JSON.parse(alert.Message) as MachineAlert;
    chat = chatPosts.map((b) => JSON.parse(b) as SnsEnvelope);
    driftEvents = run.driftEvents;
  });

  it('emits one small drift event, which a rule on our own source delivers', () => {
    expect(driftEvents).toHaveLength(1);
    const event = driftEvents[0] as DeliveredEvent;
    expect(event.source).toBe(OWN_SOURCE);
    expect(event['detail-type']).toBe('S3 MFA Delete Drift');
    expect(event.resources).toEqual(['arn:aws:s3:::example-bucket']);
    expect(event.detail).toMatchObject({
      status: 'drift',
      severity: 'high',
      bucket: 'example-bucket',
      account: '111122223333',
      region: 'eu-west-1',
      versioning: { status: 'Enabled', mfaDelete: 'Disabled' },
    });
    // The script is for people, through the alert; the event stays small.
    expect(JSON.stringify(event)).not.toContain('put-bucket-versioning');
  });

  it('alerts once when EventBridge delivers the same record again (de-duplicated in the stack table)', async () => {
    expect(dedupeTable).toBeDefined();
    const again = await runScenario(scenario(DRIFT_EVENT), driftEvent);
    expect(again.report.results[0]?.status).toBe('drift');
    expect(again.alerts).toEqual([]);
    expect(again.driftEvents).toEqual([]);
    const records = await clients.dynamodb.send(new ScanCommand({ TableName: dedupeTable }));
    // Powertools keeps the first delivery's result: the SNS MessageId of the one alert that went out.
    const alertRecords = (records.Items ?? []).filter((i) => i.id?.S?.startsWith('mfa-delete-guard.alert#'));
    expect(alertRecords.map((i) => i.data?.S)).toContain(alert.MessageId);
  });

  it('gives the chat channel (SNS https, as AWS Chatbot subscribes) its own custom-notification JSON', () => {
    expect(chat).toHaveLength(1);
    const envelope = chat[0] as SnsEnvelope;
    expect(envelope.Subject).toBe(alert.Subject);
    const notification = JSON.parse(envelope.Message) as {
      version: string;
      source: string;
      content: { title: string; description: string; nextSteps: string[] };
    };
    expect(notification).toMatchObject({ version: '1.0', source: 'custom' });
    expect(notification.content.title).toContain('example-bucket');
    expect(notification.content.nextSteps.join('\n')).toContain('aws s3api put-bucket-versioning');
    // Each channel got its own rendering, not the machine copy.
    expect(envelope.Message).not.toBe(alert.Message);
  });

  it('arrives through SNS as our machine JSON, with a subject a mail client shows whole', () => {
    expect(alert.Type).toBe('Notification');
    expect(alert.TopicArn).toBe(topicArn);
    expect(alert.Subject).toMatch(/^\[HIGH\] /);
    expect(alert.Subject).toContain('example-bucket');
    expect(alert.Subject).toContain('111122223333');
    expect((alert.Subject ?? '').length).toBeLessThan(100); // SNS refuses subjects of 100+ characters
    expect(machine.source).toBe(OWN_SOURCE);
    expect(machine.result).toMatchObject({
      bucket: 'example-bucket',
      status: 'drift',
      versioning: { status: 'Enabled', mfaDelete: 'Disabled' },
    });
    expect(machine.result.remediation?.script).toContain('aws s3api put-bucket-versioning');
  });

  it.each(RESPONDER_CLIS)(
    'the script, pasted with %s, turns MFA delete back on and the verify step shows it',
    async (_name, makeCli) => {
      const home = await responderHome();
      tempDirs.push(home);
      const cli = await makeCli(fake.url, home);
      arrange(fake, file, scenario(DRIFT_EVENT));
      // The profile holds root's keys of the alerted account; root has the legacy-named virtual device.
      fake.identities.set(ROOT_ACCESS_KEY_ID, { account: '111122223333', arn: ROOT_ARN('111122223333') });
      fake.rootMfaDevices.set('111122223333', [MFA_HEADER.split(' ')[0]!]);
      const run = await paste(`export MFA_CODE=123456\n${machine.result.remediation?.script}`, home, cli);
      expect(run.stderr).not.toMatch(/error/i);
      expect(run.stderr).toContain('mfa-delete-guard: done for s3://example-bucket (eu-west-1)');
      expect(run.code).toBe(0);

      const puts = fake.requests.filter((r) => r.operation === 'PutBucketVersioning');
      expect(puts).toHaveLength(1);
      const put = puts[0] as (typeof fake.requests)[number];
      expect(put.method).toBe('PUT');
      expect(put.path).toBe('/example-bucket');
      expect(Object.keys(put.query)).toContain('versioning');
      expect(put.headers['x-amz-mfa']).toBe(MFA_HEADER);
      expect(put.body).toContain('<MfaDelete>Enabled</MfaDelete>');
      expect(put.body).toContain('<Status>Enabled</Status>');
      // Signed with the root profile's long-term key, for the bucket's Region.
      expect(put.headers.authorization).toContain(`Credential=${ROOT_ACCESS_KEY_ID}/`);
      expect(put.region).toBe('eu-west-1');
      expect(put.headers['user-agent']).toMatch(cli.userAgent);

      expect(run.stdout).toContain('"MFADelete": "Enabled"');
      expect(JSON.parse(run.stdout)).toEqual({ Status: 'Enabled', MFADelete: 'Enabled' });
      expect(fake.buckets.get('example-bucket')).toMatchObject({
        versioning: 'Enabled',
        mfaDelete: 'Enabled',
      });

      // The guard then sees the fix: the CloudTrail record of this very call yields "restored".
      const invocation = await invoke<Report>(loadEvent(RESTORED_EVENT));
      expect(invocation.ok && invocation.result.results[0]?.status).toBe('restored');
      await Promise.all([drainQueue(clients.sqs, alertQueue), drainQueue(clients.sqs, driftQueue)]);
    },
  );

  it.each([
    ['unset', ''],
    ['5 digits', 'export MFA_CODE=12345\n'],
    ['7 digits', 'export MFA_CODE=1234567\n'],
    ['not digits', 'export MFA_CODE=12345a\n'],
    ['with spaces', "export MFA_CODE=' 123456'\n"],
  ])('the script stops before any request when MFA_CODE is %s', async (_case, exportLine) => {
    const home = await responderHome();
    tempDirs.push(home);
    arrange(fake, file, scenario(DRIFT_EVENT));
    const run = await paste(`${exportLine}${machine.result.remediation?.script}`, home, awsCliV1(fake.url));
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('MFA_CODE must be the 6-digit code');
    expect(run.stdout).toBe('');
    expect(fake.requests).toEqual([]);
    expect(fake.buckets.get('example-bucket')?.mfaDelete).toBe('Disabled');
  });
});
