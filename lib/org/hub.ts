// Organization mode, the hub's side (docs/organization.md): a CloudTrail record forwarded from a member
// account is confirmed live in that account through its spoke role; the org sweep sweeps every account the
// same way and sends one digest that names every account it could not check. Past a few accounts, and
// where the fan-out exists, each account is one message on the sweep's page queue.
import type { S3ClientPool } from '../aws/clients';
import { forEachConcurrent } from '../aws/concurrency';
import { TransientAwsError, describeError } from '../aws/errors';
import { listBucketPages } from '../aws/listBuckets';
import type { OrgAccount } from '../aws/orgAccounts';
import type { SpokeSessions } from '../aws/spokeSessions';
import { worstFirst } from '../domain/digest';
import { memberConfig, type AccountOutcome, type OrgConfig } from '../domain/org';
import type { Invocation } from '../domain/parseInvocation';
import type { CheckResult, Report } from '../domain/types';
import { WATCH_DELAY_SECONDS, messageDigest, type FanOut, type PageMessage } from '../fanout/types';
import { clockNow, deliver, resultFromLive, runInvocation, type GuardDeps, type SweepRunner } from '../guard';
import {
  DEFAULT_MAX_RESULTS,
  checkBuckets,
  clampConcurrency,
  deliverSweep,
  emptyOutcome,
  mergeOutcome,
  type SweepOptions,
  type SweepOutcome,
  type SweepReport,
} from '../sweep';

/** Accounts swept at once inline; each runs its own bucket concurrency, so the total stays bounded. */
export const ACCOUNTS_IN_FLIGHT = 4;

export interface Hub {
  org: OrgConfig;
  sessions: SpokeSessions;
  /**
   * The organization's accounts (ListAccounts), for when the hub is given no account list; only the entry
   * point that sweeps the organization has it (withOrganizations), so that the check function's bundle
   * leaves the Organizations client out.
   */
  listAccounts?: () => Promise<OrgAccount[]>;
}

/**
 * The deps of one member account: S3 through its spoke role, results and scripts in its name; everything else
 * (topic, signing, bus, de-dup, log) is the hub's, but for the Tagging API clients, which act in the hub. Property descriptors are copied so that the hub's lazy
 * clients stay lazy, and a dependency added to GuardDeps later reaches member checks without a change here.
 */
export function memberDeps(deps: GuardDeps, account: string, s3: S3ClientPool): GuardDeps {
  return Object.defineProperties(
    {},
    {
      ...Object.getOwnPropertyDescriptors(deps),
      s3: { value: s3, enumerable: true },
      account: { value: account, enumerable: true },
      config: { value: memberConfig(deps.config), enumerable: true },
      // The hub's Tagging API clients would read the hub's own tags: a member's tags are read per bucket,
      // through its spoke role, instead.
      tagging: { value: undefined, enumerable: true },
    },
  ) as GuardDeps;
}

/**
 * Where a member account's CloudTrail record is checked: through its spoke role (`deps` in its name), or,
 * when the role cannot be used, the result that says so (unverified, naming the account and the cause).
 * Undefined for the hub's own records and everything that is not a CloudTrail record. Whether the record's
 * account is a member was settled when it was parsed (the trust seam, lib/domain/trust.ts, with isMember).
 * Shared by a direct invoke and the check queue, so that a member's record is treated alike on both paths.
 */
export async function memberAccess(
  inv: Invocation,
  deps: GuardDeps,
  hub: Hub,
): Promise<{ deps: GuardDeps } | { unusable: CheckResult } | undefined> {
  // CloudTrail records (a versioning change, or a change of the guard's tag) name their account.
  if ((inv.kind !== 'event' && inv.kind !== 'tagging') || inv.record.account === deps.account)
    return undefined;
  const { record } = inv;
  const access = await hub.sessions.access(record.account);
  if (access.ok) return { deps: memberDeps(deps, record.account, access.s3) };
  // STS failing is worth a retry (Lambda's, or the queue's, then the dead-letter queue); a missing or
  // distrusting role will not heal by itself: the bucket is reported unverified, naming the account and cause.
  if (access.kind === 'fault') throw new TransientAwsError(access.reason, undefined);
  deps.log?.warn('spoke role not usable', { account: record.account, reason: access.reason });
  const unusable = resultFromLive(
    {
      bucket: record.bucket,
      region: record.region,
      account: record.account,
      ...(inv.kind === 'event' && { record: inv.record }),
      trigger: 'cloudtrail',
    },
    {
      kind: 'denied',
      errorCode: 'SpokeRoleUnavailable',
      message: `account ${record.account}: ${access.reason}`,
    },
    deps,
    clockNow(deps).toISOString(),
  );
  return { unusable };
}

/**
 * The hub's entry point: a record from a member account is checked in that account; everything else (the
 * hub's own records, manual checks, sweeps) runs as in a standalone deployment.
 */
export async function runHubInvocation(
  inv: Invocation,
  deps: GuardDeps,
  hub: Hub,
  sweep?: SweepRunner,
): Promise<Report> {
  const member = await memberAccess(inv, deps, hub);
  if (!member) return runInvocation(inv, deps, sweep);
  if ('deps' in member) return runInvocation(inv, member.deps, sweep);
  await deliver([member.unusable], deps, false);
  return { results: [member.unusable] };
}

/** The accounts an org sweep covers: the listed ones (taken as ACTIVE), else the organization's. */
async function orgTargets(hub: Hub): Promise<OrgAccount[]> {
  if (hub.org.accounts) return hub.org.accounts.map((account) => ({ account, state: 'ACTIVE' }));
  if (!hub.listAccounts)
    throw new Error(
      'this entry point cannot list the organization: give the hub its account list (orgAccounts)',
    );
  return hub.listAccounts();
}

/**
 * Sweep one account of the organization: through its spoke role (the hub's own with the hub's role). An
 * account that is not ACTIVE, whose role cannot be assumed or whose buckets cannot be listed is named with
 * the reason, never skipped.
 */
export async function sweepAccount(
  target: OrgAccount,
  deps: GuardDeps,
  hub: Hub,
  opts: Pick<SweepOptions, 'concurrency' | 'keep' | 'pageSize'> & { compact?: boolean },
): Promise<{ account: AccountOutcome; outcome: SweepOutcome }> {
  const { account, state } = target;
  const notCovered = (reason: string) => ({
    account: { account, covered: false as const, reason },
    outcome: emptyOutcome(),
  });
  if (state !== 'ACTIVE') return notCovered(`the account is ${state}, not ACTIVE`);
  let member = deps;
  if (account !== deps.account) {
    const access = await hub.sessions.access(account);
    if (!access.ok) return notCovered(access.reason);
    member = memberDeps(deps, account, access.s3);
  }
  try {
    const pages = listBucketPages(member.s3.get(deps.homeRegion), { pageSize: opts.pageSize });
    const outcome = await checkBuckets(pages, member, {
      concurrency: opts.concurrency,
      keep: opts.keep ?? 'attention',
      ...(opts.compact && { compact: true }),
    });
    return { account: { account, covered: true, total: outcome.total, counts: outcome.counts }, outcome };
  } catch (err) {
    // Most often the spoke role lacks s3:ListAllMyBuckets: the account is named, not skipped.
    return notCovered(`listing its buckets failed: ${describeError(err)}`);
  }
}

export interface OrgSweepOptions extends Omit<SweepOptions, 'fanOut'> {
  /** Where the fan-out exists: past inlineMaxAccounts accounts, one page-queue message per account. */
  fanOut?: FanOut & { runId: string; inlineMaxAccounts: number };
}

/**
 * Sweep every account of the organization and send ONE digest: totals, per-account counts, buckets needing
 * a person worst first with their scripts, and every account not covered with its reason. Only a failure
 * to list the accounts, or to publish, fails the run.
 */
export async function runOrgSweep(
  inv: Extract<Invocation, { kind: 'sweep' }>,
  deps: GuardDeps,
  hub: Hub,
  opts: OrgSweepOptions = {},
): Promise<SweepReport> {
  const now = () => clockNow(deps).toISOString();
  const startedAt = now();
  const concurrency = clampConcurrency(opts.concurrency);
  const targets = await orgTargets(hub);
  if (opts.fanOut && targets.length > opts.fanOut.inlineMaxAccounts)
    return planOrgFanOut(inv, deps, opts.fanOut, targets, { startedAt, concurrency });
  const accounts: AccountOutcome[] = [];
  const merged = emptyOutcome();
  await forEachConcurrent(targets, ACCOUNTS_IN_FLIGHT, async (target) => {
    const swept = await sweepAccount(target, deps, hub, { ...opts, concurrency });
    accounts.push(swept.account);
    mergeOutcome(merged, swept.outcome);
  });
  accounts.sort((a, b) => (a.account < b.account ? -1 : 1));
  const finishedAt = now();
  deps.log?.info('org sweep checked', {
    accounts: accounts.length,
    notCovered: accounts.filter((a) => !a.covered).length,
    total: merged.total,
  });
  const delivery = await deliverSweep(
    merged,
    { ...deps, account: undefined },
    {
      dryRun: inv.dryRun,
      startedAt,
      finishedAt,
      ...(opts.seeAll && { seeAll: opts.seeAll }),
      org: { accounts },
    },
  );
  merged.attention.sort(worstFirst);
  const maxResults = opts.keep === 'all' ? Infinity : (opts.maxResults ?? DEFAULT_MAX_RESULTS);
  const kept = merged.attention.slice(0, maxResults);
  return {
    results: opts.keep === 'all' ? [...kept, ...merged.others.sort(worstFirst)] : kept,
    sweep: {
      total: merged.total,
      counts: merged.counts,
      startedAt,
      finishedAt,
      omittedResults: merged.attention.length - kept.length,
      concurrency,
      ...delivery,
      org: { accounts },
    },
  };
}

/**
 * The planner of an org sweep past inlineMaxAccounts: one page message per account. As in the bucket
 * fan-out, the last message is sent only after pageCount is written, so the worker that completes the
 * run always sees it; a retried planner finds its run planned and sends nothing twice.
 */
export async function planOrgFanOut(
  inv: Extract<Invocation, { kind: 'sweep' }>,
  deps: GuardDeps,
  fan: FanOut & { runId: string },
  targets: OrgAccount[],
  ctx: { startedAt: string; concurrency: number },
): Promise<SweepReport> {
  const { runId } = fan;
  const report = (pageCount: number): SweepReport => ({
    results: [],
    sweep: {
      total: 0,
      counts: {},
      startedAt: ctx.startedAt,
      finishedAt: clockNow(deps).toISOString(),
      omittedResults: 0,
      concurrency: ctx.concurrency,
      digest: { published: false, included: 0, leftOut: 0, bytes: 0 },
      driftEvents: 0,
      fanOut: { runId, pageCount },
    },
  });
  const existing = await fan.store.createRun({ runId, startedAt: ctx.startedAt, dryRun: inv.dryRun });
  if (existing?.pageCount !== undefined) {
    deps.log?.info('org sweep run already planned', { runId, pageCount: existing.pageCount });
    return report(existing.pageCount);
  }
  const messages: PageMessage[] = targets.map((t, page) => ({
    runId,
    page,
    buckets: [],
    account: t.account,
    ...(t.state !== 'ACTIVE' && { accountState: t.state }),
  }));
  // A page is planned (index and digest of the account it names) before it is on the queue; the worker
  // stores only planned pages (lib/fanout/types.ts, messageDigest).
  const send = async (batch: PageMessage[]) => {
    await fan.store.planPages(
      runId,
      batch.map((m) => ({ page: m.page, digest: messageDigest(m) })),
    );
    await fan.queue.sendBatch(batch);
  };
  const last = messages.pop() as PageMessage;
  for (let i = 0; i < messages.length; i += 10) await send(messages.slice(i, i + 10));
  await fan.store.setPageCount(runId, targets.length);
  await send([{ ...last, pageCount: targets.length }]);
  // The run's deadline, as in the bucket fan-out: the watch fails until the digest is sent.
  await fan.queue.sendWatch({ runId, watch: true }, WATCH_DELAY_SECONDS);
  deps.log?.info('org sweep fanned out', { runId, accounts: targets.length, dryRun: inv.dryRun });
  return report(targets.length);
}

/** The runner `runInvocation` delegates `{kind: 'sweep'}` to, in a hub. */
export function orgSweepRunner(hub: Hub, opts: OrgSweepOptions = {}): SweepRunner {
  return (inv, deps) => runOrgSweep(inv, deps, hub, opts);
}
