// A page worker of a fanned-out sweep: check one page of buckets, store its outcome once, then see
// whether the run is complete.
import type { StatusCounts } from '../domain/digest';
import type { BucketPage } from '../aws/listBuckets';
import { clockNow, type GuardDeps } from '../guard';
import { checkBuckets, type SweepOutcome } from '../sweep';
import { sweepAccount, type Hub } from '../org/hub';
import { completeRun, type CompletionReport } from './completion';
import { messageDigest, type PageMessage, type PageRecord, type RunStore, type WatchMessage } from './types';

export interface PageWorkerOptions {
  concurrency?: number;
  seeAll?: string;
  /** Organization mode: a page that names an account is that whole account, read through its spoke role. */
  hub?: Hub;
}

export interface PageWorkerReport {
  runId: string;
  page: number;
  stored: 'recorded' | 'duplicate' | 'refused';
  total: number;
  counts: StatusCounts;
  completion: CompletionReport;
}

/** A page worker: check the page's buckets, store the outcome once, then see whether the run is complete. */
export async function runSweepPage(
  message: PageMessage,
  deps: GuardDeps,
  store: RunStore,
  opts: PageWorkerOptions = {},
): Promise<PageWorkerReport> {
  const digest = messageDigest(message);
  // A page the planner did not plan costs no S3 call: refused before its buckets are checked. recordPage
  // checks the plan again, atomically with the write.
  if (!(await store.admitPage(message.runId, message.page, digest))) return refused(message, deps);
  async function* onePage(): AsyncGenerator<BucketPage> {
    yield { buckets: message.buckets };
  }
  let org: Pick<PageRecord, 'account' | 'notCovered'> = {};
  let outcome: SweepOutcome;
  if (message.account !== undefined) {
    if (!opts.hub) throw new Error('this page names an account, but the function is not an organization hub');
    const target = { account: message.account, state: message.accountState ?? 'ACTIVE' };
    const swept = await sweepAccount(target, deps, opts.hub, {
      concurrency: opts.concurrency,
      compact: true,
    });
    outcome = swept.outcome;
    org = swept.account.covered
      ? { account: message.account }
      : { account: message.account, notCovered: swept.account.reason };
  } else {
    outcome = await checkBuckets(onePage(), deps, {
      concurrency: opts.concurrency,
      keep: 'attention',
      compact: true,
    });
  }
  const checkedAt = clockNow(deps).toISOString();
  const stored = await store.recordPage(
    message.runId,
    {
      page: message.page,
      total: outcome.total,
      counts: outcome.counts,
      attention: outcome.compact ?? [],
      checkedAt,
      ...org,
    },
    digest,
  );
  if (stored === 'refused') return refused(message, deps);
  deps.log?.info('sweep page checked', {
    runId: message.runId,
    page: message.page,
    stored,
    total: outcome.total,
    counts: outcome.counts,
  });
  const completion = await completeRun(message.runId, deps, store, opts);
  return {
    runId: message.runId,
    page: message.page,
    stored,
    total: outcome.total,
    counts: outcome.counts,
    completion,
  };
}

/** Not the planner's page: nothing stored, nothing completed; counted on the run (by the store) and logged. */
function refused(message: PageMessage, deps: GuardDeps): PageWorkerReport {
  deps.log?.warn('sweep page refused: not in the plan', { runId: message.runId, page: message.page });
  return {
    runId: message.runId,
    page: message.page,
    stored: 'refused',
    total: 0,
    counts: {},
    completion: { state: 'refused' },
  };
}

/**
 * A run's deadline watch: done once the run's digest is sent; otherwise it throws, so that SQS delivers it
 * again, and after maxReceiveCount the dead-letter queue holds it and its alarm fires.
 */
export async function runDeadlineWatch(
  message: WatchMessage,
  deps: GuardDeps,
  store: RunStore,
): Promise<void> {
  const run = await store.getRun(message.runId);
  if (!run) throw new Error(`sweep run ${message.runId} does not exist`);
  if (run.digestState === 'sent') {
    deps.log?.info('sweep run finished before its watch', { runId: message.runId });
    return;
  }
  throw new Error(
    `sweep run ${message.runId} is not complete: ${run.pagesDone} of ${run.pageCount ?? '?'} pages stored, ${run.pagesRefused ?? 0} refused`,
  );
}
