// An in-memory RunStore and PageQueue with the semantics the DynamoDB and SQS adapters give the fan-out
// (create once, record a page once, one digest claim), for tests that drive the planner and workers in
// one process. The adapters themselves are tested against moto in the e2e suite.
import type {
  PageMessage,
  PageQueue,
  PageRecord,
  RunRecord,
  RunStore,
  WatchMessage,
} from '../../lib/fanout/types';

export class MemoryRunStore implements RunStore {
  readonly runs = new Map<string, RunRecord & { claimedAt?: number }>();
  readonly pageRecords = new Map<string, Map<number, PageRecord>>();
  readonly plans = new Map<string, Map<number, string>>();

  async createRun(run: { runId: string; startedAt: string; dryRun: boolean }) {
    const existing = this.runs.get(run.runId);
    if (existing) return { ...existing };
    this.runs.set(run.runId, { ...run, pagesDone: 0 });
    this.pageRecords.set(run.runId, new Map());
    return undefined;
  }
  async setPageCount(runId: string, pageCount: number) {
    this.run(runId).pageCount = pageCount;
  }
  async planPages(runId: string, pages: Array<{ page: number; digest: string }>) {
    const plan = this.plans.get(runId) ?? new Map<number, string>();
    for (const p of pages) plan.set(p.page, p.digest);
    this.plans.set(runId, plan);
  }
  async admitPage(runId: string, page: number, digest: string) {
    const ok = this.plans.get(runId)?.get(page) === digest;
    if (!ok && this.runs.has(runId)) this.run(runId).pagesRefused = (this.run(runId).pagesRefused ?? 0) + 1;
    return ok;
  }
  async recordPage(
    runId: string,
    page: PageRecord,
    digest: string,
  ): Promise<'recorded' | 'duplicate' | 'refused'> {
    if (this.plans.get(runId)?.get(page.page) !== digest) return 'refused';
    const pages = this.pageRecords.get(runId) as Map<number, PageRecord>;
    if (pages.has(page.page)) return 'duplicate';
    pages.set(page.page, structuredClone(page));
    this.run(runId).pagesDone += 1;
    return 'recorded';
  }
  async getRun(runId: string) {
    const run = this.runs.get(runId);
    return run && { ...run };
  }
  async claimDigest(runId: string, nowMs: number) {
    const run = this.run(runId);
    if (run.pageCount === undefined || run.pagesDone < run.pageCount || run.digestState === 'sent')
      return false;
    if (run.digestState === 'sending') return false;
    run.digestState = 'sending';
    run.claimedAt = nowMs;
    return true;
  }
  async *pages(runId: string) {
    const pages = this.pageRecords.get(runId) as Map<number, PageRecord>;
    for (const page of [...pages.values()].sort((a, b) => a.page - b.page)) yield structuredClone(page);
  }
  async digestSent(runId: string) {
    this.run(runId).digestState = 'sent';
  }
  async releaseDigest(runId: string) {
    delete this.run(runId).digestState;
  }
  private run(runId: string) {
    const run = this.runs.get(runId);
    if (!run) throw new Error(`no run ${runId}`);
    return run;
  }
}

export class MemoryPageQueue implements PageQueue {
  readonly sent: PageMessage[] = [];
  readonly watches: WatchMessage[] = [];
  async sendWatch(message: WatchMessage) {
    this.watches.push(message);
  }
  async sendBatch(messages: PageMessage[]) {
    if (messages.length > 10) throw new Error('SendMessageBatch takes at most 10 entries');
    this.sent.push(...structuredClone(messages));
  }
}
