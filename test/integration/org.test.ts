// Organization mode end to end through the real handlers and STS AssumeRole (lib/aws/assumeRole.ts), against
// the loopback fake: the hub in account A; spoke roles in B and C; no role in D. The fake's STS hands out
// keys that act in the role's account, and its S3 shows each account only its own buckets.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CheckResult, Report } from '../../lib/domain/types';
import type { SweepReport } from '../../lib/sweep';
import { lambdaContext } from '../support/lambdaContext';
import { loadEvent } from '../support/scenarios';
import { startFakeAws, type FakeAws } from '../support/fakeAws';

const A = '111122223333'; // the hub (lambdaContext's function ARN)
const B = '222233334444';
const C = '333344445555';
const D = '444455556666'; // in the list, no spoke role
const E = '555566667777'; // not a member
const HUB_ROLE = (fn: string) => `arn:aws:iam::${A}:role/mfa-delete-guard-prod-hub-${fn}`;
const SPOKE_ROLE = (account: string) => `arn:aws:iam::${account}:role/mfa-delete-guard-spoke`;
const HUB_KEY = 'AKIAIOSFODNN7EXAMPLE'; // vitest.config's key: the functions' own credentials

type Handler = (event: unknown, context: ReturnType<typeof lambdaContext>) => Promise<Report>;
let fake: FakeAws;
let check: Handler;
let sweep: Handler;

/** The hub's function runs as its own role (what the spokes trust). */
const actAs = (fn: string) =>
  fake.identities.set(HUB_KEY, {
    account: A,
    arn: `arn:aws:sts::${A}:assumed-role/mfa-delete-guard-prod-hub-${fn}/mfa-delete-guard-prod-${fn}`,
  });

/** A CloudTrail record of `account` turning MFA delete off on `bucket`, as the hub's bus delivers it. */
function eventFrom(account: string, bucket: string, region = 'eu-west-1'): unknown {
  const text = JSON.stringify(loadEvent('cloudtrail-mfa-delete-disabled.json'))
    .replaceAll(A, account)
    .replaceAll('example-bucket', bucket)
    .replaceAll('eu-west-1', region);
  return JSON.parse(text);
}

function arrange(): void {
  fake.reset();
  fake.buckets.clear();
  fake.roles.clear();
  for (const account of [B, C])
    fake.roles.set(SPOKE_ROLE(account), { trusts: ['check', 'sweep', 'sweepPage'].map(HUB_ROLE) });
  const bucket = (name: string, account: string, ok: boolean) =>
    fake.addBucket({
      name,
      account,
      region: 'eu-west-1',
      versioning: ok ? 'Enabled' : 'Suspended',
      mfaDelete: ok ? 'Enabled' : 'Disabled',
    });
  bucket('a-ok-1', A, true);
  bucket('a-ok-2', A, true);
  bucket('b-drift', B, false);
  bucket('b-ok', B, true);
  bucket('c-drift-1', C, false);
  bucket('c-drift-2', C, false);
  bucket('c-ok', C, true);
  bucket('d-drift', D, false); // never seen: D has no spoke role
  actAs('check');
}

beforeAll(async () => {
  fake = await startFakeAws();
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: fake.url,
    ALERT_TOPIC_ARN: `arn:aws:sns:eu-west-1:${A}:mfa-delete-guard-prod-alerts`,
    EVENT_BUS_NAME: 'default',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    ORG_MODE: 'hub',
    ORG_ID: 'o-exampleorg1',
    ORG_ACCOUNTS: [A, B, C, D].join(','),
  });
  delete process.env.IDEMPOTENCY_TABLE;
  vi.resetModules();
  check = (await import('../../functions/check')).handler as Handler;
  sweep = (await import('../../functions/sweep')).handler as Handler;
});
afterAll(async () => {
  for (const k of ['ORG_MODE', 'ORG_ID', 'ORG_ACCOUNTS', 'ALERT_TOPIC_ARN']) delete process.env[k];
  vi.resetModules();
  await fake.close();
});
beforeEach(arrange);

const only = (report: Report): CheckResult => {
  expect(report.results).toHaveLength(1);
  return report.results[0] as CheckResult;
};
const assumeRoles = () => fake.requests.filter((r) => r.operation === 'AssumeRole');

describe('the hub check', () => {
  it("confirms an event from B live in B through B's spoke role and alerts in B's name", async () => {
    const result = only(await check(eventFrom(B, 'b-drift'), lambdaContext()));
    expect(result).toMatchObject({ bucket: 'b-drift', account: B, status: 'drift', alerted: true });
    // Read with the key STS issued for B's role, not with the hub's own.
    const reads = fake.requests.filter((r) => r.operation === 'GetBucketVersioning');
    expect(reads.map((r) => /Credential=([^/]+)/.exec(r.headers.authorization ?? '')?.[1])).toEqual([
      expect.stringMatching(/^ASIAFAKE/),
    ]);
    expect(assumeRoles().map((r) => new URLSearchParams(r.body).get('RoleArn'))).toEqual([SPOKE_ROLE(B)]);
    // The script proves it runs as B's root, and finds B's root MFA device there (not the hub's serial).
    expect(result.remediation?.script).toContain(`arn:aws:iam::${B}:root`);
    expect(result.remediation?.script).not.toContain(`${A}:`);
    expect(fake.published).toHaveLength(1);
    const email = JSON.parse(fake.published[0]?.Message ?? '{}').email as string;
    expect(email).toContain(B);
    expect(email).toContain('https://s3.console.aws.amazon.com/s3/buckets/b-drift?region=eu-west-1');
  });

  it('assumes the role once for two events from the same account', async () => {
    // C has not been checked yet in this process; the handler keeps its sessions between invocations.
    await check(eventFrom(C, 'c-drift-1'), lambdaContext());
    await check(eventFrom(C, 'c-ok'), lambdaContext());
    expect(assumeRoles()).toHaveLength(1);
    expect(fake.requests.filter((r) => r.operation === 'GetBucketVersioning')).toHaveLength(2);
  });

  it('reports an event from D, which has no spoke role, as unverified naming D and the reason', async () => {
    const result = only(await check(eventFrom(D, 'd-drift'), lambdaContext()));
    expect(result).toMatchObject({ bucket: 'd-drift', account: D, status: 'unverified', alerted: true });
    expect(result.reason).toContain(`account ${D}`);
    expect(result.reason).toContain(SPOKE_ROLE(D));
    expect(result.reason).toContain('AccessDenied');
    expect(fake.requests.filter((r) => r.operation === 'GetBucketVersioning')).toHaveLength(0);
    expect(fake.published).toHaveLength(1);
    const email = JSON.parse(fake.published[0]?.Message ?? '{}').email as string;
    expect(email).toContain(D);
    expect(email).toContain('mfa-delete-guard-spoke');
  });

  it("believes a member's record from any Region: the spokes forward every Region to the hub's", async () => {
    fake.addBucket({
      name: 'b-frankfurt',
      account: B,
      region: 'eu-central-1',
      versioning: 'Enabled',
      mfaDelete: 'Enabled',
    });
    const result = only(await check(eventFrom(B, 'b-frankfurt', 'eu-central-1'), lambdaContext()));
    expect(result).toMatchObject({ account: B, region: 'eu-central-1', status: 'compliant' });
  });

  it("reads a member's tagging record in that member, through its spoke role", async () => {
    const event = JSON.parse(
      JSON.stringify(loadEvent('cloudtrail-tagging-exempt.json'))
        .replaceAll(A, B)
        .replaceAll('example-bucket', 'b-ok'),
    ) as unknown;
    const result = only(await check(event, lambdaContext()));
    expect(result).toMatchObject({ bucket: 'b-ok', account: B });
    expect(result.status).not.toBe('invalid-input');
    const reads = fake.requests.filter((r) => r.operation === 'GetBucketVersioning');
    expect(reads).toHaveLength(1);
    expect(reads[0]?.headers.authorization).toMatch(/Credential=ASIAFAKE/);
  });

  it("checks the hub's own account with its own credentials", async () => {
    const result = only(await check(eventFrom(A, 'a-ok-1'), lambdaContext()));
    expect(result).toMatchObject({ account: A, status: 'compliant' });
    expect(assumeRoles()).toHaveLength(0);
  });

  it('refuses a record from an account outside ORG_ACCOUNTS without reading or publishing', async () => {
    const result = only(await check(eventFrom(E, 'e-bucket'), lambdaContext()));
    expect(result).toMatchObject({ status: 'invalid-input', account: E, alerted: false });
    expect(result.reason).toContain(E);
    expect(assumeRoles()).toHaveLength(0);
    expect(fake.published).toHaveLength(0);
  });

  it('fails the invocation when STS keeps failing, so that Lambda retries it', async () => {
    fake.fail('AssumeRole', { status: 500, code: 'InternalFailure', message: 'STS is down' });
    await expect(check(eventFrom(D, 'd-drift'), lambdaContext())).rejects.toThrow(/STS kept failing/);
    expect(fake.published).toHaveLength(0);
  });
});

/** Records as the check queue hands them to the function: one batch, one SQS record per event. */
const batchOf = (events: unknown[]) => ({
  Records: events.map((event, i) => ({
    messageId: `m-${i}`,
    receiptHandle: `r-${i}`,
    body: JSON.stringify(event),
    attributes: { ApproximateReceiveCount: '1' },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: `arn:aws:sqs:eu-west-1:${A}:mfa-delete-guard-prod-check`,
    awsRegion: 'eu-west-1',
  })),
});
const checkBatch = async (events: unknown[]) =>
  (await check(batchOf(events), lambdaContext())) as unknown as { batchItemFailures: unknown[] };

/** What one delivery left behind, the check's own time masked: published messages and drift events. */
function delivered(): { published: string[]; driftEvents: string[] } {
  const times = new Set<string>();
  for (const p of fake.published) {
    const machine = JSON.parse(JSON.parse(p.Message).default as string) as {
      result?: { checkedAt?: string };
    };
    if (machine.result?.checkedAt) times.add(machine.result.checkedAt);
  }
  const mask = (text: string) => [...times].reduce((t, time) => t.replaceAll(time, '<checkedAt>'), text);
  return {
    published: fake.published.map((p) => mask(`${p.Subject}\n${p.Message}`)).sort(),
    driftEvents: fake.putEvents.map((e) => mask(e.Detail)).sort(),
  };
}

describe('the hub check on its queue (the org rule and the standalone rule feed it)', () => {
  it("treats a member's queued record exactly as a direct invoke: the same alert, drift event and reads", async () => {
    const cases: Array<[string, unknown]> = [
      ['B, through its spoke role', eventFrom(B, 'b-drift')],
      [
        "C's tag change",
        JSON.parse(
          JSON.stringify(loadEvent('cloudtrail-tagging-exempt.json'))
            .replaceAll(A, C)
            .replaceAll('example-bucket', 'c-ok'),
        ),
      ],
      ['D, which has no spoke role', eventFrom(D, 'd-drift')],
      ['E, not a member', eventFrom(E, 'e-bucket')],
    ];
    for (const [name, event] of cases) {
      arrange();
      await check(event, lambdaContext());
      const direct = delivered();
      const directReads = fake.requests.filter((r) => r.operation === 'GetBucketVersioning').length;
      arrange();
      expect(await checkBatch([event]), name).toEqual({ batchItemFailures: [] });
      expect(delivered(), name).toEqual(direct);
      expect(fake.requests.filter((r) => r.operation === 'GetBucketVersioning').length, name).toBe(
        directReads,
      );
    }
  });

  it("groups storms per account in one batch: one alert for B's six buckets, one for D's, A's two stay single", async () => {
    const bEvents: unknown[] = [];
    const dEvents: unknown[] = [];
    for (let i = 0; i < 6; i++) {
      fake.addBucket({
        name: `b-storm-${i}`,
        account: B,
        region: 'eu-west-1',
        versioning: 'Suspended',
        mfaDelete: 'Disabled',
      });
      bEvents.push(eventFrom(B, `b-storm-${i}`));
      dEvents.push(eventFrom(D, `d-storm-${i}`));
    }
    for (const name of ['a-drift-1', 'a-drift-2'])
      fake.addBucket({
        name,
        account: A,
        region: 'eu-west-1',
        versioning: 'Suspended',
        mfaDelete: 'Disabled',
      });
    const events = [eventFrom(A, 'a-drift-1'), ...bEvents, eventFrom(A, 'a-drift-2'), ...dEvents];
    expect(await checkBatch(events)).toEqual({ batchItemFailures: [] });

    const { classifyTopicMessage } = await import('../../lib/domain/topicMessage');
    const messages = fake.published.map((p) =>
      classifyTopicMessage(p.Subject, JSON.parse(p.Message).default as string),
    );
    const groups = messages.flatMap((m) => (m.kind === 'digest' ? [m.digest] : []));
    expect(groups.map((g) => [g.account, g.total, g.storm?.actors[0]?.buckets]).sort()).toEqual([
      [B, 6, 6],
      [D, 6, 6],
    ]);
    const group = (account: string) => groups.find((g) => g.account === account)!;
    expect(
      group(B)
        .attention.map((r) => [r.bucket, r.status])
        .sort(),
    ).toEqual(bEvents.map((_, i) => [`b-storm-${i}`, 'drift']));
    // B's grouped email holds every script, each for B's root; D's says why D's buckets were not read.
    const emailOf = (account: string) =>
      JSON.parse(
        fake.published[messages.findIndex((m) => m.kind === 'digest' && m.digest.account === account)]!
          .Message,
      ).email as string;
    expect(emailOf(B).split(`arn:aws:iam::${B}:root`).length - 1).toBeGreaterThanOrEqual(6);
    expect(emailOf(B)).not.toContain(A);
    expect(emailOf(D)).toContain(SPOKE_ROLE(D));
    for (const r of group(D).attention) expect(r).toMatchObject({ status: 'unverified', account: D });
    expect(group(D).attention[0]?.reason).toContain(SPOKE_ROLE(D));
    const singles = messages.flatMap((m) => (m.kind === 'alert' ? [m] : []));
    expect(singles.map((m) => [m.result.account, m.result.bucket]).sort()).toEqual([
      [A, 'a-drift-1'],
      [A, 'a-drift-2'],
    ]);
    expect(messages).toHaveLength(4);
    // Drift events stay one per bucket, in each bucket's own account.
    const drift = fake.putEvents.map((e) => JSON.parse(e.Detail) as { account: string; bucket: string });
    expect(drift).toHaveLength(14);
    expect(new Set(drift.map((d) => `${d.account}/${d.bucket}`)).size).toBe(14);
  });

  it("gives a member's records back to the queue while STS fails; the hub's own record is alerted", async () => {
    fake.addBucket({
      name: 'a-drift',
      account: A,
      region: 'eu-west-1',
      versioning: 'Suspended',
      mfaDelete: 'Disabled',
    });
    fake.fail('AssumeRole', { status: 500, code: 'InternalFailure', message: 'STS is down' });
    const response = await checkBatch([eventFrom(A, 'a-drift'), eventFrom(D, 'd-drift')]);
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-1' }] });
    expect(fake.published.map((p) => p.Subject)).toEqual([expect.stringContaining('a-drift')]);
  });
});

describe('the org sweep', () => {
  it('sweeps A, B, C and D into one digest with per-account counts, naming D as not covered', async () => {
    actAs('sweep');
    const report = (await sweep(loadEvent('scheduled-sweep.json'), lambdaContext())) as SweepReport;

    expect(report.sweep.total).toBe(7);
    expect(report.sweep.counts).toEqual({ compliant: 4, drift: 3 });
    expect(report.sweep.org?.accounts).toEqual([
      { account: A, covered: true, total: 2, counts: { compliant: 2 } },
      { account: B, covered: true, total: 2, counts: { compliant: 1, drift: 1 } },
      { account: C, covered: true, total: 3, counts: { compliant: 1, drift: 2 } },
      { account: D, covered: false, reason: expect.stringContaining('AccessDenied') },
    ]);
    expect(report.results.map((r) => [r.account, r.bucket, r.status])).toEqual([
      [B, 'b-drift', 'drift'],
      [C, 'c-drift-1', 'drift'],
      [C, 'c-drift-2', 'drift'],
    ]);
    expect(fake.published).toHaveLength(1);
    expect(fake.published[0]?.Subject).toBe(
      '[CRITICAL] S3 MFA delete org sweep: 3 in drift, 1 account not covered',
    );
    const email = JSON.parse(fake.published[0]?.Message ?? '{}').email as string;
    expect(email).toContain('Swept 7 buckets in 3 of 4 accounts');
    expect(email).toContain('ACCOUNTS: 4 (3 checked, 1 not covered)');
    expect(email).toMatch(new RegExp(`NOT COVERED \\(1\\)[^\\n]*\\n  ${D}  could not assume the spoke role`));
    // Worst first: C (two in drift) before B, then A.
    expect(email.indexOf(`  ${C}  `)).toBeLessThan(email.indexOf(`  ${B}  `));
    expect(email.indexOf(`  ${B}  `)).toBeLessThan(email.indexOf(`  ${A}  `));
    // Each bucket's script is in its own account's name.
    expect(report.results[0]?.remediation?.script).toContain(`arn:aws:iam::${B}:root`);
    expect(report.results[1]?.remediation?.script).toContain(`arn:aws:iam::${C}:root`);
    // The machine copy carries the coverage, so that the Slack notifier shows the accounts not covered.
    const { classifyTopicMessage } = await import('../../lib/domain/topicMessage');
    const { slackDigest } = await import('../../lib/channels/slack/digest');
    const machine = JSON.parse(fake.published[0]?.Message ?? '{}').default as string;
    const message = classifyTopicMessage(fake.published[0]?.Subject, machine);
    expect(message.kind).toBe('digest');
    if (message.kind !== 'digest') return;
    expect(message.digest.org?.accounts.filter((a) => !a.covered).map((a) => a.account)).toEqual([D]);
    const slack = JSON.stringify(slackDigest(message.digest));
    expect(slack).toContain('S3 MFA delete org sweep: 3 in drift, 1 account not covered');
    expect(slack).toContain(`Accounts not covered (1 of 4):*\\n${D}: could not assume the spoke role`);
    console.log(`--- org digest of the test run ---\n${email}`);
  });

  it('names an account whose role cannot list buckets instead of skipping it', async () => {
    actAs('sweep');
    fake.fail('ListBuckets', { status: 403, code: 'AccessDenied', message: 'Access Denied', times: 100 });
    const report = (await sweep(loadEvent('scheduled-sweep.json'), lambdaContext())) as SweepReport;
    expect(report.sweep.org?.accounts.filter((a) => !a.covered).map((a) => a.account)).toEqual([A, B, C, D]);
    expect(fake.published[0]?.Subject).toBe(
      '[MEDIUM] S3 MFA delete org sweep: all 0 buckets OK, 4 accounts not covered',
    );
  });
});

describe('the org sweep fanned out, one page message per account', () => {
  it('plans one message per account, and the last worker sends the one org digest', async () => {
    actAs('sweep');
    const { guardWiringFromEnv, guardClients, guardDeps, hubFromEnv } =
      await import('../../lib/runtime/wiring');
    const { runOrgSweep } = await import('../../lib/org/hub');
    const { runSweepPage } = await import('../../lib/fanout/pageWorker');
    const { MemoryPageQueue, MemoryRunStore } = await import('../support/memoryRunStore');
    const wiring = guardWiringFromEnv(process.env);
    const deps = guardDeps(wiring, guardClients(wiring), A);
    const hub = (await hubFromEnv(process.env))!;
    const store = new MemoryRunStore();
    const queue = new MemoryPageQueue();

    const planned = await runOrgSweep({ kind: 'sweep', dryRun: false, scheduled: true }, deps, hub, {
      fanOut: { store, queue, inlineMaxBuckets: 20_000, runId: 'org-run-1', inlineMaxAccounts: 2 },
    });
    expect(planned.sweep.fanOut).toEqual({ runId: 'org-run-1', pageCount: 4 });
    expect(queue.sent.map((m) => [m.page, m.account, m.buckets, m.pageCount])).toEqual([
      [0, A, [], undefined],
      [1, B, [], undefined],
      [2, C, [], undefined],
      [3, D, [], 4],
    ]);
    expect(fake.published).toHaveLength(0);

    // Workers in any order; a redelivered page changes nothing.
    const steps = [];
    for (const message of [queue.sent[3], queue.sent[1], queue.sent[1], queue.sent[0], queue.sent[2]]) {
      const report = await runSweepPage(message!, deps, store, { hub });
      steps.push([report.stored, report.completion.state]);
    }
    expect(steps).toEqual([
      ['recorded', 'waiting'],
      ['recorded', 'waiting'],
      ['duplicate', 'waiting'],
      ['recorded', 'waiting'],
      ['recorded', 'sent'],
    ]);
    expect(fake.published).toHaveLength(1);
    expect(fake.published[0]?.Subject).toBe(
      '[CRITICAL] S3 MFA delete org sweep: 3 in drift, 1 account not covered',
    );
    const email = JSON.parse(fake.published[0]?.Message ?? '{}').email as string;
    expect(email).toContain('Swept 7 buckets in 3 of 4 accounts');
    expect(email).toMatch(new RegExp(`NOT COVERED \\(1\\)[^\\n]*\\n  ${D}  could not assume the spoke role`));
    // Rebuilt from the stored pages in each member's name.
    expect(email).toContain(`arn:aws:iam::${C}:root`);
    expect(email).toContain(`arn:aws:iam::${B}:root`);
  });

  it('refuses an account page in a function that is not a hub, and one pointed at another account', async () => {
    const { runSweepPage } = await import('../../lib/fanout/pageWorker');
    const { MemoryRunStore } = await import('../support/memoryRunStore');
    const { guardWiringFromEnv, guardClients, guardDeps } = await import('../../lib/runtime/wiring');
    const wiring = guardWiringFromEnv(process.env);
    const { messageDigest } = await import('../../lib/fanout/types');
    const message = { runId: 'r', page: 0, pageCount: 1, buckets: [], account: B };
    const store = new MemoryRunStore();
    await store.createRun({ runId: 'r', startedAt: '2026-11-29T00:00:00Z', dryRun: false });
    await store.planPages('r', [{ page: 0, digest: messageDigest(message) }]);
    await expect(
      runSweepPage(message, guardDeps(wiring, guardClients(wiring), A), store, {}),
    ).rejects.toThrow('not an organization hub');
    // A page pointed at another account than planned is refused before any call.
    const forged = { ...message, account: C };
    fake.reset();
    const report = await runSweepPage(forged, guardDeps(wiring, guardClients(wiring), A), store, {});
    expect(report.stored).toBe('refused');
    expect(fake.requests).toHaveLength(0);
  });
});
