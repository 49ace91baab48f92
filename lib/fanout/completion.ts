// The completion of a fanned-out sweep: the one worker that claims the digest merges the pages and delivers.
import type { StatusCounts } from '../domain/digest';
import { memberConfig, type AccountOutcome } from '../domain/org';
import { clockNow, type GuardDeps } from '../guard';
import { deliverSweep, emptyOutcome, expandCompact, mergeOutcome, type SweepSummaryReport } from '../sweep';
import type { RunStore } from './types';

export type CompletionReport =
  | { state: 'waiting'; pagesDone: number; pageCount?: number }
  | { state: 'already-sent' | 'claimed-elsewhere' | 'refused' }
  | ({ state: 'sent'; total: number; counts: StatusCounts } & Pick<
      SweepSummaryReport,
      'digest' | 'driftEvents'
    >);

/**
 * When every page is stored, the one worker that claims the digest rebuilds the results needing a person
 * from their compact records, merges the pages, and delivers. On failure it releases the claim and throws,
 * so that SQS redelivers its message and a later attempt sends the digest.
 */
export async function completeRun(
  runId: string,
  deps: GuardDeps,
  store: RunStore,
  opts: { seeAll?: string } = {},
): Promise<CompletionReport> {
  const run = await store.getRun(runId);
  if (!run) throw new Error(`sweep run ${runId} does not exist`);
  if (run.pageCount === undefined || run.pagesDone < run.pageCount)
    return {
      state: 'waiting',
      pagesDone: run.pagesDone,
      ...(run.pageCount !== undefined && { pageCount: run.pageCount }),
    };
  if (run.digestState === 'sent') return { state: 'already-sent' };
  const nowMs = clockNow(deps).getTime();
  if (!(await store.claimDigest(runId, nowMs))) return { state: 'claimed-elsewhere' };
  try {
    const outcome = emptyOutcome();
    // Organization mode: each page is one member account, checked (with its counts) or named with why not.
    const accounts: AccountOutcome[] = [];
    let finishedAt = run.startedAt;
    let pages = 0;
    for await (const page of store.pages(runId)) {
      pages += 1;
      if (page.checkedAt > finishedAt) finishedAt = page.checkedAt;
      const { account } = page;
      // A member's results are rebuilt in its own name, with the settings it was checked with.
      const view =
        account !== undefined && account !== deps.account
          ? { account, config: memberConfig(deps.config) }
          : deps;
      mergeOutcome(outcome, {
        total: page.total,
        counts: page.counts,
        attention: page.attention.map((c) => expandCompact(c, view, page.checkedAt)),
        others: [],
      });
      if (account !== undefined)
        accounts.push(
          page.notCovered !== undefined
            ? { account, covered: false, reason: page.notCovered }
            : { account, covered: true, total: page.total, counts: page.counts },
        );
    }
    if (pages !== run.pageCount)
      throw new Error(`sweep run ${runId}: read ${pages} of ${run.pageCount} pages`);
    accounts.sort((a, b) => (a.account < b.account ? -1 : 1));
    const delivery = await deliverSweep(outcome, accounts.length ? { ...deps, account: undefined } : deps, {
      dryRun: run.dryRun,
      startedAt: run.startedAt,
      finishedAt,
      seeAll: opts.seeAll,
      ...(accounts.length && { org: { accounts } }),
    });
    await store.digestSent(runId);
    deps.log?.info('sweep run complete', { runId, pages, total: outcome.total, counts: outcome.counts });
    return { state: 'sent', total: outcome.total, counts: outcome.counts, ...delivery };
  } catch (err) {
    await store
      .releaseDigest(runId)
      .catch((releaseErr: unknown) =>
        deps.log?.error('could not release the digest claim', { runId, error: String(releaseErr) }),
      );
    throw err;
  }
}
