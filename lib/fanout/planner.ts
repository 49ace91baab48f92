// The planner of a fanned-out sweep: once the listing passes inlineMaxBuckets, it sends every page to the
// page queue and records the page count in the run store.
import { randomUUID } from 'node:crypto';
import type { Invocation } from '../domain/parseInvocation';
import type { BucketPage } from '../aws/listBuckets';
import { clockNow, type GuardDeps } from '../guard';
import type { SweepFanOutHook, SweepReport, SweepSummaryReport } from '../sweep';
import {
  WATCH_DELAY_SECONDS,
  pageDigest,
  type FanOut,
  type PageMessage,
  type PageQueue,
  type RunStore,
} from './types';

/** SendMessageBatch: at most 10 entries; their bodies together kept under 256 KiB (SQS allows 1 MiB). */
const BATCH_ENTRIES = 10;
const BATCH_BYTES = 256 * 1024;
const MESSAGE_MAX_BYTES = 1024 * 1024;

/** Collects page messages into SendMessageBatch calls of at most 10 entries and 256 KiB. */
class PageBatcher {
  private batch: PageMessage[] = [];
  private bytes = 0;
  constructor(
    private readonly queue: PageQueue,
    private readonly store: RunStore,
    private readonly runId: string,
  ) {}

  async add(message: PageMessage): Promise<void> {
    const size = Buffer.byteLength(JSON.stringify(message), 'utf8');
    if (size > MESSAGE_MAX_BYTES)
      throw new Error(
        `a sweep page of ${message.buckets.length} buckets is ${size} bytes, above SQS's limit`,
      );
    if (this.batch.length && (this.batch.length >= BATCH_ENTRIES || this.bytes + size > BATCH_BYTES))
      await this.flush();
    this.batch.push(message);
    this.bytes += size;
  }

  async flush(): Promise<void> {
    if (!this.batch.length) return;
    const batch = this.batch;
    this.batch = [];
    this.bytes = 0;
    await sendPlanned(this.queue, this.store, this.runId, batch);
  }
}

/** Record the pages in the plan, then send them: a page is never on the queue before it is planned. */
async function sendPlanned(
  queue: PageQueue,
  store: RunStore,
  runId: string,
  batch: PageMessage[],
): Promise<void> {
  await store.planPages(
    runId,
    batch.map((m) => ({ page: m.page, digest: pageDigest(m.buckets) })),
  );
  await queue.sendBatch(batch);
}

/**
 * The planner's side, once the listing passed inlineMaxBuckets: create the run, send every page (those
 * already listed, then each as it is listed), write pageCount when the listing ends. The last page is
 * sent only after pageCount is written, so the worker that completes the run always sees pageCount.
 */
export async function planFanOut(
  inv: Extract<Invocation, { kind: 'sweep' }>,
  deps: GuardDeps,
  fan: FanOut & { runId: string },
  listed: BucketPage[],
  rest: AsyncIterator<BucketPage>,
  ctx: { startedAt: string; concurrency: number },
): Promise<SweepReport> {
  const now = () => clockNow(deps).toISOString();
  const { runId } = fan;
  const report = (pageCount: number, buckets: number): SweepReport => {
    const sweep: SweepSummaryReport = {
      total: buckets,
      counts: {},
      startedAt: ctx.startedAt,
      finishedAt: now(),
      omittedResults: 0,
      concurrency: ctx.concurrency,
      digest: { published: false, included: 0, leftOut: 0, bytes: 0 },
      driftEvents: 0,
      fanOut: { runId, pageCount },
    };
    return { results: [], sweep };
  };
  const existing = await fan.store.createRun({ runId, startedAt: ctx.startedAt, dryRun: inv.dryRun });
  if (existing?.pageCount !== undefined) {
    deps.log?.info('sweep run already planned', { runId, pageCount: existing.pageCount });
    return report(existing.pageCount, 0);
  }
  const batcher = new PageBatcher(fan.queue, fan.store, runId);
  let page = 0;
  let buckets = 0;
  let held: BucketPage | undefined;
  const take = async (next: BucketPage) => {
    if (held) await batcher.add({ runId, page: page++, buckets: held.buckets });
    held = next;
    buckets += next.buckets.length;
  };
  while (listed.length) await take(listed.shift() as BucketPage);
  for (let next = await rest.next(); !next.done; next = await rest.next()) await take(next.value);
  await batcher.flush();
  const pageCount = page + 1;
  await fan.store.setPageCount(runId, pageCount);
  await sendPlanned(fan.queue, fan.store, runId, [{ runId, page, pageCount, buckets: held?.buckets ?? [] }]);
  // The run's deadline: this watch fails until the digest is sent, and ends in the DLQ (an alarm) if never.
  await fan.queue.sendWatch({ runId, watch: true }, WATCH_DELAY_SECONDS);
  deps.log?.info('sweep fanned out', { runId, pageCount, buckets, dryRun: inv.dryRun });
  return report(pageCount, buckets);
}

/** The hook runSweep calls for an account above fan.inlineMaxBuckets, for the run `runId`. */
export function fanOutHook(fan: FanOut, runId: string): SweepFanOutHook {
  return {
    inlineMaxBuckets: fan.inlineMaxBuckets,
    plan: (inv, deps, listed, rest, ctx) => planFanOut(inv, deps, { ...fan, runId }, listed, rest, ctx),
  };
}

/** The run ID of a sweep: a scheduled event's ID (so Lambda's retry of it finds its run), else a new UUID. */
export function sweepRunId(event: unknown): string {
  const e = event as { id?: unknown; source?: unknown } | null;
  if (e && typeof e === 'object' && e.source === 'aws.events' && typeof e.id === 'string' && e.id)
    return `scheduled-${e.id}`;
  return `manual-${randomUUID()}`;
}
