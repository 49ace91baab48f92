// A page worker of a fanned-out sweep: check one page of buckets, store its outcome once, then see
// whether the run is complete.
import type { StatusCounts } from '../domain/digest';
import type { BucketPage } from '../aws/listBuckets';
import type { GuardDeps } from '../guard';
import { checkBuckets } from '../sweep';
import { completeRun, type CompletionReport } from './completion';
import { pageDigest, type PageMessage, type RunStore, type WatchMessage } from './types';

export interface PageWorkerOptions {
  concurrency?: number;
  seeAll?: string;
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
  const digest = pageDigest(message.buckets);
  // A page the planner did not plan costs no S3 call: refused before its buckets are checked. recordPage
  // checks the plan again, atomically with the write.
  if (!(await store.admitPage(message.runId, message.page, digest))) return refused(message, deps);
  async function* onePage(): AsyncGenerator<BucketPage> {
    yield { buckets: message.buckets };
  }
  const outcome = await checkBuckets(onePage(), deps, {
    concurrency: opts.concurrency,
    keep: 'attention',
    compact: true,
  });
  const checkedAt = (deps.now ? deps.now() : new Date()).toISOString();
  const stored = await store.recordPage(
    message.runId,
    {
      page: message.page,
      total: outcome.total,
      counts: outcome.counts,
      attention: outcome.compact ?? [],
      checkedAt,
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
