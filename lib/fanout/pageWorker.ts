// A page worker of a fanned-out sweep: check one page of buckets, store its outcome once, then see
// whether the run is complete.
import type { StatusCounts } from '../domain/digest';
import type { BucketPage } from '../aws/listBuckets';
import type { GuardDeps } from '../guard';
import { checkBuckets } from '../sweep';
import { completeRun, type CompletionReport } from './completion';
import type { PageMessage, RunStore } from './types';

export interface PageWorkerOptions {
  concurrency?: number;
  seeAll?: string;
}

export interface PageWorkerReport {
  runId: string;
  page: number;
  stored: 'recorded' | 'duplicate';
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
  async function* onePage(): AsyncGenerator<BucketPage> {
    yield { buckets: message.buckets };
  }
  const outcome = await checkBuckets(onePage(), deps, {
    concurrency: opts.concurrency,
    keep: 'attention',
    compact: true,
  });
  const checkedAt = (deps.now ? deps.now() : new Date()).toISOString();
  const stored = await store.recordPage(message.runId, {
    page: message.page,
    total: outcome.total,
    counts: outcome.counts,
    attention: outcome.compact ?? [],
    checkedAt,
  });
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
