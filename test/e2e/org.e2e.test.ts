/**
 * Organization mode with the packaged hub (serverless package --param orgMode=hub): moto_server holds the
 * organization (CreateOrganization, CreateAccount, CloseAccount, and the ListAccounts the hub's sweep
 * calls), the alert topic and the queue the test reads alerts from. The MFA-aware loopback server answers
 * S3 per account and STS AssumeRole: moto's AssumeRole hands out credentials for any role ARN, existing or
 * not ("the role does not need to exist", its own documentation), so it cannot show a missing spoke role.
 *
 * The hub runs in moto's default account A (the organization's management account here); B and C hold a
 * spoke role that trusts the hub's check and sweep roles; D has none; E is closed (SUSPENDED).
 *
 * Storms: the packaged hub's two CloudTrail rules on moto (the standalone rule on the default bus, the org
 * rule on the org bus), both targeting the check queue as the stack wires them; the queue read in one batch
 * and handed to the packaged check function, as its event source mapping does.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CloseAccountCommand,
  CreateAccountCommand,
  CreateOrganizationCommand,
  ListAccountsCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { CreateEventBusCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateTopicCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import type { SQSBatchResponse } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckResult, Report } from '../../lib/domain/types';
import { emailDigest } from '../../lib/channels/email/digest';
import { classifyTopicMessage } from '../../lib/domain/topicMessage';
import type { PageMessage } from '../../lib/fanout/types';
import type { SweepReport } from '../../lib/sweep';
import { startFakeAws, type FakeAws } from '../support/fakeAws';
import { createSweepRunTable, startMoto, type Moto } from '../support/moto';
import { loadEvent } from '../support/scenarios';
import {
  createQueue,
  drainQueue,
  driftEventQueue,
  putEvents,
  putEventsEntry,
  motoClients,
  receiveBatch,
  REGION,
  type Queue,
} from './support/motoClients';
import { createSigningKey, type SigningKey } from './support/signingKey';
import {
  CHECK_FUNCTION,
  checkPatternRules,
  codeDir,
  lambdaFunction,
  loadTemplate,
  packageService,
  SWEEP_FUNCTION,
} from './support/package';
import { packagedFunction } from './support/packagedFunction';

const A = '111122223333';
const ORG_ID_PATTERN = /^o-[a-z0-9]{10,32}$/;
let packageDir: string;
let moto: Moto;
let fake: FakeAws;
let alerts: Queue;
let signingKey: SigningKey;
let clients: ReturnType<typeof motoClients>;
let accounts: { B: string; C: string; D: string; E: string };
type Fn = 'check' | 'sweep' | 'sweepPage' | 'fannedSweep';
let invoke: Record<Fn, ReturnType<typeof packagedFunction>>;
let pages: Queue;
let checkQueue: Queue;
let driftEvents: Queue;
/** Where each account's CloudTrail records reach the hub: A's own default bus, a member's via the org bus. */
let orgBusName: string;
const RUN_TABLE = 'mfa-delete-guard-prod-sweep-runs';

const hubRole = (fn: string) => `arn:aws:iam::${A}:role/mfa-delete-guard-prod-hub-${fn}`;
const spokeRole = (account: string) => `arn:aws:iam::${account}:role/mfa-delete-guard-spoke`;

/** The execution role's key of each packaged function acts as that function's (fixed-name) hub role. */
const actAs = (fn: 'check' | 'sweep' | 'sweepPage') =>
  fake.identities.set('ASIAE2EEXECUTIONROLE', {
    account: A,
    arn: `arn:aws:sts::${A}:assumed-role/mfa-delete-guard-prod-hub-${fn}/mfa-delete-guard-prod-${fn}`,
  });

function eventFrom(account: string, bucket: string): unknown {
  const text = JSON.stringify(loadEvent('cloudtrail-mfa-delete-disabled.json'))
    .replaceAll(A, account)
    .replaceAll('example-bucket', bucket);
  return JSON.parse(text);
}

/**
 * The queue subscribed to the topic gets SNS's `default` key, the machine copy; the email a person reads is
 * rendered from it by the email channel (the topic contract round-trips every field).
 */
function emailOf(p: { Subject: string; Message: string } | undefined): string {
  const message = classifyTopicMessage(p?.Subject, p?.Message ?? '');
  if (message.kind === 'digest') return emailDigest(message.digest).text;
  return JSON.stringify(message);
}

async function published(): Promise<Array<{ Subject: string; Message: string }>> {
  return (await drainQueue(clients.sqs, alerts)).map(
    (b) => JSON.parse(b) as { Subject: string; Message: string },
  );
}

beforeAll(async () => {
  packageDir = await mkdtemp(join(tmpdir(), 'mfa-delete-guard-e2e-hub-'));
  [moto, fake] = await Promise.all([
    startMoto({ account: A }),
    startFakeAws({ homeRegion: REGION }),
    // The organization's ID is only known once moto made it; the bus policy's value does not matter here.
    packageService(packageDir, 'prod', ['orgMode=hub', 'organizationId=o-e2eexampleorg']),
  ]);
  clients = motoClients(moto);
  const org = new OrganizationsClient({
    region: 'us-east-1',
    endpoint: moto.url,
    credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'fake-secret-for-moto' },
  });
  const { Organization } = await org.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
  expect(Organization?.Id).toMatch(ORG_ID_PATTERN);
  const ids: string[] = [];
  for (const name of ['b', 'c', 'd', 'e']) {
    const out = await org.send(new CreateAccountCommand({ AccountName: name, Email: `${name}@example.com` }));
    ids.push(out.CreateAccountStatus?.AccountId as string);
  }
  accounts = { B: ids[0]!, C: ids[1]!, D: ids[2]!, E: ids[3]! };
  await org.send(new CloseAccountCommand({ AccountId: accounts.E }));
  const listed = await org.send(new ListAccountsCommand({}));
  expect(listed.Accounts?.find((a) => a.Id === accounts.E)?.Status).toBe('SUSPENDED');

  for (const account of [accounts.B, accounts.C])
    fake.roles.set(spokeRole(account), {
      trusts: [hubRole('check'), hubRole('sweep'), hubRole('sweepPage')],
    });
  const bucket = (name: string, account: string, ok: boolean) =>
    fake.addBucket({
      name,
      account,
      region: REGION,
      versioning: ok ? 'Enabled' : 'Suspended',
      mfaDelete: ok ? 'Enabled' : 'Disabled',
    });
  bucket('e2e-a-ok', A, true);
  bucket('e2e-b-drift', accounts.B, false);
  bucket('e2e-b-ok', accounts.B, true);
  for (let i = 0; i < 3; i++) bucket(`e2e-c-drift-${i}`, accounts.C, false);
  bucket('e2e-d-drift', accounts.D, false);

  const topic = await clients.sns.send(new CreateTopicCommand({ Name: 'mfa-delete-guard-prod-alerts' }));
  alerts = await createQueue(clients.sqs, 'org-alerts');
  await clients.sns.send(
    new SubscribeCommand({ TopicArn: topic.TopicArn, Protocol: 'sqs', Endpoint: alerts.arn }),
  );

  pages = await createQueue(clients.sqs, 'mfa-delete-guard-prod-sweep-pages');
  await createSweepRunTable(clients.dynamodb, RUN_TABLE);
  // The hub signs what it publishes, with the stack's HMAC key (made in moto's KMS).
  signingKey = await createSigningKey(moto);
  const template = loadTemplate(packageDir);

  // The packaged CloudTrail rules, each on its bus, targeting the check queue as the stack does; drift
  // events (on the default bus) to a queue of their own.
  checkQueue = await createQueue(clients.sqs, 'mfa-delete-guard-prod-check');
  const rules = checkPatternRules(template);
  expect(rules.map((r) => [r.logicalId, r.eventBusName, r.via])).toEqual([
    ['PutBucketVersioningRule', undefined, { queue: 'CheckQueue' }],
    ['OrgPutBucketVersioningRule', 'mfa-delete-guard-prod-org', { queue: 'CheckQueue' }],
  ]);
  orgBusName = rules[1]!.eventBusName!;
  await clients.eventBridge.send(new CreateEventBusCommand({ Name: orgBusName }));
  for (const rule of rules) {
    const bus = rule.eventBusName && { EventBusName: rule.eventBusName };
    await clients.eventBridge.send(
      new PutRuleCommand({ Name: rule.logicalId, EventPattern: JSON.stringify(rule.eventPattern), ...bus }),
    );
    await clients.eventBridge.send(
      new PutTargetsCommand({
        Rule: rule.logicalId,
        ...bus,
        Targets: [{ Id: 'check-queue', Arn: checkQueue.arn }],
      }),
    );
  }
  driftEvents = await driftEventQueue(clients, 'org-drift-events');

  const fnOf = (key: string, fanOut = false) => {
    const fn = lambdaFunction(template, key);
    return packagedFunction({
      fn,
      taskRoot: codeDir(packageDir, fn.zip),
      account: A,
      region: REGION,
      resolvedEnvironment: {
        ALERT_TOPIC_ARN: topic.TopicArn as string,
        ALERT_SIGNING_KEY_ARN: signingKey.arn,
        EVENT_BUS_NAME: 'default',
        SWEEP_RUN_TABLE: fanOut ? RUN_TABLE : '',
        SWEEP_QUEUE_URL: fanOut ? pages.url : '',
      },
      // No de-dup table; S3 and STS at the MFA-aware server; Organizations, SNS and the rest at moto.
      extraEnvironment: {
        IDEMPOTENCY_TABLE: '',
        AWS_ENDPOINT_URL: moto.url,
        AWS_ENDPOINT_URL_S3: fake.url,
        AWS_ENDPOINT_URL_STS: fake.url,
        // Past 0 accounts: every org sweep fans out (the default keeps 10 inline).
        ...(fanOut && { ORG_INLINE_MAX_ACCOUNTS: '0' }),
      },
    });
  };
  invoke = {
    check: fnOf(CHECK_FUNCTION),
    sweep: fnOf(SWEEP_FUNCTION),
    fannedSweep: fnOf(SWEEP_FUNCTION, true),
    sweepPage: fnOf('sweepPage', true),
  };
}, 180_000);

afterAll(async () => {
  await Promise.all([moto?.stop(), fake?.close()]);
  if (packageDir) await rm(packageDir, { recursive: true, force: true });
});

async function run<T>(fn: Fn, event: unknown): Promise<T> {
  actAs(fn === 'fannedSweep' ? 'sweep' : fn);
  const out = await invoke[fn]<T>(event);
  if (!out.ok) throw new Error(`${out.errorType}: ${out.errorMessage}\n${out.logs}`);
  return out.result;
}

describe('the packaged hub check', () => {
  it("alerts an event from B in B's name, read through B's spoke role", async () => {
    fake.reset();
    const report = await run<Report>('check', eventFrom(accounts.B, 'e2e-b-drift'));
    expect(report.results.map((r: CheckResult) => [r.account, r.bucket, r.status, r.alerted])).toEqual([
      [accounts.B, 'e2e-b-drift', 'drift', true],
    ]);
    expect(
      fake.requests
        .filter((r) => r.operation === 'AssumeRole')
        .map((r) => new URLSearchParams(r.body).get('RoleArn')),
    ).toEqual([spokeRole(accounts.B)]);
    const [alert, ...more] = await published();
    expect(more).toEqual([]);
    expect(alert?.Subject).toContain('e2e-b-drift');
    await expect(signingKey.check(alert!.Message)).resolves.toEqual({ verdict: 'genuine' });
    const email = emailOf(alert);
    expect(email).toContain(accounts.B);
    expect(email).toContain(`arn:aws:iam::${accounts.B}:root`);
  });

  it('alerts an event from D, which has no spoke role, as unverified naming D', async () => {
    fake.reset();
    const report = await run<Report>('check', eventFrom(accounts.D, 'e2e-d-drift'));
    expect(report.results[0]).toMatchObject({ account: accounts.D, status: 'unverified', alerted: true });
    const [alert] = await published();
    const email = emailOf(alert);
    expect(email).toContain(accounts.D);
    expect(email).toContain(spokeRole(accounts.D));
  });
});

describe('the packaged org sweep', () => {
  it("lists the organization's accounts and sends one digest with per-account counts and coverage", async () => {
    fake.reset();
    const report = await run<SweepReport>('sweep', loadEvent('scheduled-sweep.json'));
    const byAccount = Object.fromEntries(report.sweep.org!.accounts.map((a) => [a.account, a]));
    expect(byAccount[A]).toEqual({ account: A, covered: true, total: 1, counts: { compliant: 1 } });
    expect(byAccount[accounts.B]).toMatchObject({
      covered: true,
      total: 2,
      counts: { drift: 1, compliant: 1 },
    });
    expect(byAccount[accounts.C]).toMatchObject({ covered: true, total: 3, counts: { drift: 3 } });
    expect(byAccount[accounts.D]).toMatchObject({
      covered: false,
      reason: expect.stringContaining('AccessDenied'),
    });
    expect(byAccount[accounts.E]).toEqual({
      account: accounts.E,
      covered: false,
      reason: 'the account is SUSPENDED, not ACTIVE',
    });
    // One AssumeRole per account reached, however many buckets it has; none for the hub's own or E.
    const assumed = fake.requests
      .filter((r) => r.operation === 'AssumeRole')
      .map((r) => new URLSearchParams(r.body).get('RoleArn'))
      .sort();
    expect(assumed).toEqual([accounts.B, accounts.C, accounts.D].map(spokeRole).sort());

    const digests = await published();
    expect(digests).toHaveLength(1);
    expect(digests[0]?.Subject).toBe(
      '[CRITICAL] S3 MFA delete org sweep: 4 in drift, 2 accounts not covered',
    );
    const email = emailOf(digests[0]);
    expect(email).toContain('Swept 6 buckets in 3 of 5 accounts');
    expect(email).toContain('NOT COVERED (2)');
    expect(email).toContain(`  ${accounts.E}  the account is SUSPENDED, not ACTIVE`);
    console.log(`--- org digest of the e2e run ---\n${email}`);
  });
});

describe('the packaged org sweep, fanned out per account over SQS and DynamoDB', () => {
  it('plans one message per account; the page workers store them and the last sends the one digest', async () => {
    fake.reset();
    const planned = await run<SweepReport>('fannedSweep', loadEvent('scheduled-sweep.json'));
    expect(planned.sweep.fanOut?.pageCount).toBe(5);
    const messages = (await drainQueue(clients.sqs, pages)).map((b) => JSON.parse(b) as PageMessage);
    expect(messages.map((m) => m.account).sort()).toEqual([A, ...Object.values(accounts)].sort());
    expect(messages.find((m) => m.account === accounts.E)?.accountState).toBe('SUSPENDED');
    expect(await published()).toEqual([]);

    for (const message of messages.sort((a, b) => b.page - a.page)) {
      const body = JSON.stringify(message);
      const response = await run<{ batchItemFailures: unknown[] }>('sweepPage', {
        Records: [
          {
            messageId: `m-${message.page}`,
            receiptHandle: `r-${message.page}`,
            body,
            attributes: { ApproximateReceiveCount: '1' },
            messageAttributes: {},
            md5OfBody: '',
            eventSource: 'aws:sqs',
            eventSourceARN: pages.arn,
            awsRegion: REGION,
          },
        ],
      });
      expect(response.batchItemFailures).toEqual([]);
    }
    const digests = await published();
    expect(digests).toHaveLength(1);
    expect(digests[0]?.Subject).toBe(
      '[CRITICAL] S3 MFA delete org sweep: 4 in drift, 2 accounts not covered',
    );
    const email = emailOf(digests[0]);
    expect(email).toContain('Swept 6 buckets in 3 of 5 accounts');
    expect(email).toContain(`  ${accounts.E}  the account is SUSPENDED, not ACTIVE`);
    expect(email).toMatch(new RegExp(`  ${accounts.D}  could not assume the spoke role`));
    // Rebuilt from DynamoDB in each member's name.
    expect(email).toContain(`arn:aws:iam::${accounts.C}:root`);
  });
});

/** The account each CloudTrail record was recorded in, by eventID (see `asDelivered`). */
const recordedIn = new Map<string, string>();
let storm = 0;

/**
 * CloudTrail records of `account` turning MFA delete off on n buckets in drift, 100 ms apart, put where they
 * reach the hub: the hub's own on its default bus (its standalone rule), a member's on the org bus (as the
 * member's spoke rule forwards it).
 */
async function putRecords(account: string, n: number): Promise<string[]> {
  storm++;
  const sample = eventFrom(account, 'x') as {
    source: string;
    'detail-type': string;
    resources: string[];
    time: string;
    detail: { eventID: string; eventTime: string; requestParameters: { bucketName: string } };
  };
  const start = Date.parse(sample.detail.eventTime);
  const names: string[] = [];
  const entries = Array.from({ length: n }, (_, i) => {
    const name = `e2e-storm-${storm}-${account.slice(-4)}-${String(i).padStart(2, '0')}`;
    names.push(name);
    fake.addBucket({ name, account, region: REGION, versioning: 'Enabled', mfaDelete: 'Disabled' });
    const detail = structuredClone(sample.detail);
    detail.eventTime = new Date(start + i * 100).toISOString().replace(/\.\d{3}Z$/, 'Z');
    detail.eventID = `7c1d2e3f-${String(storm).padStart(4, '0')}-4a5b-8c9d-${account}${String(i).padStart(2, '0')}`;
    detail.requestParameters.bucketName = name;
    recordedIn.set(detail.eventID, account);
    return putEventsEntry(
      { ...sample, detail, resources: [`arn:aws:s3:::${name}`] },
      account !== A ? orgBusName : undefined,
    );
  });
  await putEvents(clients.eventBridge, entries);
  return names;
}

/**
 * The event as EventBridge delivers it: `account` is the account the event occurred in, also when a rule
 * forwarded it from that account's bus to the hub's
 * (https://docs.aws.amazon.com/eventbridge/latest/ref/overiew-event-structure.html). moto (5.2) sets its own
 * account, or none, so the account each record was recorded in is put back, and nothing else changes.
 */
function asDelivered(body: string): string {
  const event = JSON.parse(body) as { account?: string; detail: { eventID: string } };
  const account = recordedIn.get(event.detail.eventID);
  if (!account)
    throw new Error(`the check queue holds an event this test did not put: ${body.slice(0, 200)}`);
  return JSON.stringify({ ...event, account });
}

/** The check queue's batch through the packaged hub check: what it answered, published and emitted. */
async function runStormBatch() {
  const records = await receiveBatch(clients.sqs, checkQueue, asDelivered);
  const response = await run<SQSBatchResponse>('check', { Records: records });
  const messages = (await published()).map((p) => ({
    ...p,
    parsed: classifyTopicMessage(p.Subject, p.Message),
  }));
  const drift = (await drainQueue(clients.sqs, driftEvents)).map(
    (b) => (JSON.parse(b) as { detail: { account: string; bucket: string } }).detail,
  );
  return { records, response, messages, drift };
}

describe('storms through the org rule and the standalone rule → the check queue → the packaged hub check', () => {
  it("the hub's own storm and a member's, in one batch: one grouped alert per account, every bucket accounted for", async () => {
    fake.reset();
    await Promise.all([drainQueue(clients.sqs, driftEvents), published()]);
    const own = await putRecords(A, 7);
    const member = await putRecords(accounts.B, 9);
    const { records, response, messages, drift } = await runStormBatch();
    expect(records).toHaveLength(16);
    expect(response.batchItemFailures).toEqual([]);

    expect(messages.map((m) => m.parsed.kind)).toEqual(['digest', 'digest']);
    for (const m of messages)
      await expect(signingKey.check(m.Message)).resolves.toEqual({ verdict: 'genuine' });
    const groups = new Map(
      messages.flatMap((m) => (m.parsed.kind === 'digest' ? [[m.parsed.digest.account, m] as const] : [])),
    );
    for (const [account, names] of [
      [A, own],
      [accounts.B, member],
    ] as const) {
      const m = groups.get(account);
      expect(m, account).toBeDefined();
      if (m?.parsed.kind !== 'digest') continue;
      const { digest } = m.parsed;
      expect(digest.total).toBe(names.length);
      expect(digest.storm?.actors.map((a) => a.buckets)).toEqual([names.length]);
      expect(digest.leftOut).toBe(0);
      expect(digest.attention.map((r) => [r.account, r.bucket, r.status]).sort()).toEqual(
        names.map((n) => [account, n, 'drift']),
      );
      // Every bucket's script, each for its own account's root.
      const email = emailOf(m);
      for (const n of names) expect(email).toContain(n);
      expect(email.split(`arn:aws:iam::${account}:root`).length - 1).toBeGreaterThanOrEqual(names.length);
    }
    expect(emailOf(groups.get(accounts.B))).not.toContain(`arn:aws:iam::${A}:root`);
    // B read through its spoke role, once for the whole storm; the hub's own buckets with its own role.
    expect(
      fake.requests
        .filter((r) => r.operation === 'AssumeRole')
        .map((r) => new URLSearchParams(r.body).get('RoleArn')),
    ).toEqual([spokeRole(accounts.B)]);
    // Drift events stay one per bucket, each in its own account.
    expect(drift.map((d) => `${d.account}/${d.bucket}`).sort()).toEqual(
      [...own.map((n) => `${A}/${n}`), ...member.map((n) => `${accounts.B}/${n}`)].sort(),
    );
    console.log(
      `--- the member's grouped alert of the e2e run (top) ---\n${emailOf(groups.get(accounts.B)).slice(0, 1500)}`,
    );
  }, 180_000);

  it("a storm in the hub's account and two records from a member: one grouped alert, and two single ones", async () => {
    fake.reset();
    await Promise.all([drainQueue(clients.sqs, driftEvents), published()]);
    const own = await putRecords(A, 6);
    const member = await putRecords(accounts.B, 2);
    const { records, response, messages, drift } = await runStormBatch();
    expect(records).toHaveLength(8);
    expect(response.batchItemFailures).toEqual([]);
    const digests = messages.flatMap((m) => (m.parsed.kind === 'digest' ? [m.parsed.digest] : []));
    expect(digests.map((d) => [d.account, d.total])).toEqual([[A, own.length]]);
    const singles = messages.flatMap((m) => (m.parsed.kind === 'alert' ? [m.parsed.result] : []));
    expect(singles.map((r) => [r.account, r.bucket, r.status]).sort()).toEqual(
      member.map((n) => [accounts.B, n, 'drift']),
    );
    expect(messages).toHaveLength(3);
    expect(drift).toHaveLength(8);
  }, 180_000);
});
