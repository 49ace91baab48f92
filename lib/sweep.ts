// The sweep: every bucket of the account, each checked live in its own Region with bounded concurrency,
// then ONE digest alert and one drift event per bucket in drift. A scheduled safety net for the events
// EventBridge never delivered, and what `check --all` runs.
import { ALERTING_STATUSES } from './domain/decide';
import { driftEventEntry } from './domain/driftEvent';
import { worstFirst, type StatusCounts, type SweepSummary } from './domain/digest';
import { CLI_FROM_CHECKOUT, seeAllText, sweepInvokeCommand } from './domain/seeAll';
import type { Invocation } from './domain/parseInvocation';
import type { CheckResult, Report } from './domain/types';
import { forEachConcurrent } from './aws/concurrency';
import { DriftEventError, TransientAwsError, describeError } from './aws/errors';
import { bulkGuardTagReader } from './aws/bulkTags';
import type { LiveStateOptions } from './aws/liveState';
import { listBucketPages, type BucketPage, type ListedBucket } from './aws/listBuckets';
import {
  clockNow,
  checkTargetLive,
  faultResult,
  loadAlerting,
  resultFromLive,
  uncheckedResult,
  type GuardDeps,
  type SweepRunner,
} from './guard';
import type { CompactResult } from './domain/compactResult';
import type { AccountOutcome } from './domain/org';

/** Buckets checked at once. Each check is 1–3 small S3 calls; adaptive retry slows down on throttling. */
// The default keeps one core below saturation at S3's usual latency (`npm run bench` measures it); raise it
// where S3 answers more slowly.
export const DEFAULT_CONCURRENCY = 24;
export const MAX_CONCURRENCY = 256;
/** Full results kept in a Lambda's report: with their scripts, far below the 6 MB response limit. */
export const DEFAULT_MAX_RESULTS = 1_000;
/** PutEvents calls in flight while emitting the drift events of a sweep. */
const EVENT_BATCHES_IN_FLIGHT = 8;

export interface SweepProgress {
  /** Buckets listed so far, and buckets whose check has finished. */
  listed: number;
  checked: number;
  /** Whether the listing has reached its last page (so `listed` is the total). */
  listingDone: boolean;
}

export interface SweepOptions {
  concurrency?: number;
  pageSize?: number;
  /**
   * `all`: every result in the report (the CLI's table and --json). `attention`: full results only for
   * buckets that need a person, at most maxResults of them, worst first, with counts for the rest (the
   * Lambda, whose response may not exceed 6 MB).
   */
  keep?: 'all' | 'attention';
  maxResults?: number;
  onProgress?: (progress: SweepProgress) => void;
  /** Where the digest tells readers to see every bucket. */
  seeAll?: string;
  /** Fan out to page workers past inlineMaxBuckets buckets (lib/sweepFanout.ts); none: always inline. */
  fanOut?: SweepFanOutHook;
}

/** How runSweep hands a large account to the fan-out: the pages listed so far and the rest of the listing. */
export interface SweepFanOutHook {
  inlineMaxBuckets: number;
  plan(
    inv: Extract<Invocation, { kind: 'sweep' }>,
    deps: GuardDeps,
    listed: BucketPage[],
    rest: AsyncIterator<BucketPage>,
    ctx: { startedAt: string; concurrency: number },
  ): Promise<SweepReport>;
}

/** What checking a run of buckets produced: enough to merge runs from separate invocations. */
export interface SweepOutcome {
  total: number;
  counts: StatusCounts;
  /** Full results of the buckets that need a person (drift, unverified). */
  attention: CheckResult[];
  /** With keep `all`: every other result too. */
  others: CheckResult[];
  /** With `compact`: a compact record (name, Region, live state) of each result in `attention`. */
  compact?: CompactResult[];
}

export interface SweepSummaryReport {
  total: number;
  counts: StatusCounts;
  startedAt: string;
  finishedAt: string;
  /** Results needing a person that are counted but not in `results` (keep `attention` beyond maxResults). */
  omittedResults: number;
  concurrency: number;
  digest: { published: boolean; messageId?: string; included: number; leftOut: number; bytes: number };
  driftEvents: number;
  /** Present when the sweep was handed to page workers: they send the digest once every page is checked. */
  fanOut?: { runId: string; pageCount: number };
  /** An org sweep (organization mode): every account, checked or named with why it was not. */
  org?: { accounts: AccountOutcome[] };
}

export interface SweepReport extends Report {
  sweep: SweepSummaryReport;
}

export const emptyOutcome = (): SweepOutcome => ({ total: 0, counts: {}, attention: [], others: [] });

/** Merge the outcome of another run (another page, another invocation) into `into`. */
export function mergeOutcome(into: SweepOutcome, other: SweepOutcome): SweepOutcome {
  into.total += other.total;
  for (const [status, count] of Object.entries(other.counts) as Array<[keyof StatusCounts, number]>)
    into.counts[status] = (into.counts[status] ?? 0) + count;
  into.attention.push(...other.attention);
  into.others.push(...other.others);
  return into;
}

export function clampConcurrency(value: number | undefined): number {
  const n = Math.trunc(value ?? DEFAULT_CONCURRENCY);
  return Number.isFinite(n) ? Math.min(Math.max(n, 1), MAX_CONCURRENCY) : DEFAULT_CONCURRENCY;
}

/**
 * Check every bucket of the given pages, `concurrency` at a time. Workers pull from the page stream, so
 * only the pages being worked on are in memory. A bucket's failure is that bucket's `unverified`
 * result; only a failure to list (no list, no sweep) rejects.
 */
export async function checkBuckets(
  pages: AsyncIterable<BucketPage>,
  deps: GuardDeps,
  opts: Pick<SweepOptions, 'concurrency' | 'keep' | 'onProgress'> & { compact?: boolean } = {},
): Promise<SweepOutcome> {
  const outcome = emptyOutcome();
  if (opts.compact) outcome.compact = [];
  const progress: SweepProgress = { listed: 0, checked: 0, listingDone: false };
  async function* buckets(): AsyncGenerator<ListedBucket> {
    for await (const page of pages) {
      progress.listed += page.buckets.length;
      if (!page.nextToken) progress.listingDone = true;
      yield* page.buckets;
    }
    progress.listingDone = true;
  }
  // One GetBucketVersioning per bucket, and little else. Tags come in bulk, one GetResources page per
  // hundred tagged buckets of a Region, when the deployment gives the sweep a Tagging API client (else one
  // GetBucketTagging per bucket that needs its tag). No lifecycle read: the remediation script looks for a
  // lifecycle configuration itself right before it changes anything.
  const { tagging } = deps;
  const live: LiveStateOptions = {
    lifecycle: false,
    ...(tagging && { tags: bulkGuardTagReader((region) => tagging.get(region), deps.log) }),
  };
  await forEachConcurrent(buckets(), clampConcurrency(opts.concurrency), async (bucket) => {
    const { result, compact } = await checkOne(bucket, deps, live);
    outcome.total += 1;
    outcome.counts[result.status] = (outcome.counts[result.status] ?? 0) + 1;
    if (ALERTING_STATUSES.has(result.status)) {
      outcome.attention.push(result);
      if (outcome.compact && compact) outcome.compact.push(compact);
    } else if (opts.keep === 'all') outcome.others.push(result);
    // The Lambda's report keeps only alerting results: log the rest so every bucket is on record.
    else
      deps.log?.info('bucket checked', {
        bucket: result.bucket,
        region: result.region,
        status: result.status,
      });
    progress.checked += 1;
    opts.onProgress?.(progress);
  });
  opts.onProgress?.({ ...progress, listingDone: true });
  return outcome;
}

async function checkOne(
  bucket: ListedBucket,
  deps: GuardDeps,
  options: LiveStateOptions,
): Promise<{ result: CheckResult; compact?: CompactResult }> {
  try {
    const { result, live } = await checkTargetLive(
      { bucket: bucket.name, region: bucket.region, account: deps.account, trigger: 'sweep' },
      deps,
      options,
    );
    return live
      ? { result, compact: { bucket: bucket.name, region: result.region, state: live } }
      : { result };
  } catch (err) {
    // Transient faults that outlasted the SDK's retries, and anything unexpected about one bucket,
    // must not stop the other 9,999: the bucket is reported as not verified, with the cause.
    if (!(err instanceof TransientAwsError))
      deps.log?.error('unexpected error checking a bucket', {
        bucket: bucket.name,
        error: describeError(err),
      });
    const checkedAt = clockNow(deps).toISOString();
    const fault = { kind: 'fault', message: describeError(err) } as const;
    return {
      result: faultResult(bucket.name, bucket.region, deps.account, fault.message, checkedAt, 'sweep'),
      compact: { bucket: bucket.name, region: bucket.region, state: fault },
    };
  }
}

/**
 * The full result a compact record stands for, rebuilt with the same code as the check (resultFromLive,
 * faultResult): same status, findings and remediation script as when the bucket was checked.
 */
export function expandCompact(
  c: CompactResult,
  deps: Pick<GuardDeps, 'config' | 'account'>,
  checkedAt: string,
): CheckResult {
  if (c.state.kind === 'fault')
    return faultResult(c.bucket, c.region, deps.account, c.state.message, checkedAt, 'sweep');
  return resultFromLive(
    { bucket: c.bucket, region: c.region, account: deps.account, trigger: 'sweep' },
    c.state,
    deps,
    checkedAt,
  );
}

/**
 * Send the one digest (unless dry run or no topic), then one drift event per bucket in drift. A publish
 * failure propagates so that the invocation fails and is retried.
 */
export async function deliverSweep(
  outcome: SweepOutcome,
  deps: GuardDeps,
  ctx: { dryRun: boolean; startedAt: string; finishedAt: string; seeAll?: string; org?: SweepSummary['org'] },
): Promise<Pick<SweepSummaryReport, 'digest' | 'driftEvents'>> {
  const { digestPublication, emitDriftEvents, publishAlert } = await loadAlerting();
  const digest = digestPublication({
    ...(ctx.org && { org: ctx.org }),
    account: deps.account,
    startedAt: ctx.startedAt,
    finishedAt: ctx.finishedAt,
    total: outcome.total,
    counts: outcome.counts,
    attention: outcome.attention,
    seeAll: ctx.seeAll ?? seeAllText(),
  });
  const summary = {
    published: false,
    included: digest.included,
    leftOut: digest.leftOut,
    bytes: digest.bytes,
  };
  let messageId: string | undefined;
  if (!ctx.dryRun && deps.publish.topicArn && deps.sns) {
    messageId = await publishAlert(deps.sns, deps.publish.topicArn, digest, deps.mac);
    // The digest describes the worst `included` buckets; the others are only counted in it.
    for (const r of digest.digest.attention) r.alerted = true;
    deps.log?.info('sweep digest published', { messageId, ...summary });
  } else {
    deps.log?.info('sweep digest not published', {
      dryRun: ctx.dryRun,
      topic: deps.publish.topicArn ?? null,
    });
  }
  let driftEvents = 0;
  if (!ctx.dryRun && deps.publish.eventBusName && deps.eventBridge) {
    const busName = deps.publish.eventBusName;
    const entries = outcome.attention
      .filter((r) => r.status === 'drift')
      .map((r) => driftEventEntry(r, deps.publish.eventSource, busName));
    // PutEvents takes 10 entries a call: send the batches side by side rather than one after another.
    const eventBridge = deps.eventBridge;
    const batches = Array.from({ length: Math.ceil(entries.length / 10) }, (_, i) =>
      entries.slice(i * 10, i * 10 + 10),
    );
    const failures: DriftEventError[] = [];
    await forEachConcurrent(batches, EVENT_BATCHES_IN_FLIGHT, async (batch) => {
      try {
        // Read the count only after the await: `x += await y` would add to a stale x.
        const sent = await emitDriftEvents(eventBridge, batch);
        driftEvents += sent;
      } catch (err) {
        if (!(err instanceof DriftEventError)) throw err;
        failures.push(err);
      }
    });
    if (failures.length) {
      const failed = failures.flatMap((f) => f.failed);
      const codes = [...new Set(failed.map((f) => f.errorCode))].join(', ');
      throw new DriftEventError(
        `${failed.length} of ${entries.length} drift events were not accepted (${codes})`,
        failed,
      );
    }
  }
  return {
    digest: { ...summary, published: messageId !== undefined, ...(messageId && { messageId }) },
    driftEvents,
  };
}

/**
 * The runner of a function that does not sweep (the check function: its role may not list buckets). A
 * manual `{"all": true}` gets an `invalid-input` result that names the function to invoke instead; a
 * scheduled event throws, since a schedule pointed at the wrong function is a fault worth an alarm.
 */
export function sweepElsewhereRunner(sweepFunction?: string): SweepRunner {
  return (inv, deps) => {
    const command = sweepInvokeCommand({
      functionName: sweepFunction,
      region: deps.homeRegion,
      dryRun: false,
    });
    const reason = `this function does not sweep (its role may not list buckets); ${command ? `invoke the sweep function: ${command}` : `invoke the sweep function of this stack with {"all": true}, or ${CLI_FROM_CHECKOUT}`}`;
    if (inv.scheduled) throw new Error(reason);
    deps.log?.warn('sweep refused', { reason });
    const checkedAt = clockNow(deps).toISOString();
    return Promise.resolve({
      results: [uncheckedResult({ kind: 'invalid', reason, account: deps.account }, checkedAt)],
    });
  };
}

/** The runner `runInvocation` delegates `{kind: 'sweep'}` to. */
export function createSweepRunner(opts: SweepOptions = {}): SweepRunner {
  return (inv, deps) => runSweep(inv, deps, opts);
}

export async function runSweep(
  inv: Extract<Invocation, { kind: 'sweep' }>,
  deps: GuardDeps,
  opts: SweepOptions = {},
): Promise<SweepReport> {
  const now = () => clockNow(deps).toISOString();
  const startedAt = now();
  const concurrency = clampConcurrency(opts.concurrency);
  // ListBuckets is a global call; any Region's endpoint answers it, with each bucket's BucketRegion.
  let pages: AsyncIterable<BucketPage> = listBucketPages(deps.s3.get(deps.homeRegion), {
    pageSize: opts.pageSize,
  });
  if (opts.fanOut) {
    // List up to the threshold first: a small account is then checked inline from these pages, exactly
    // as without fan-out; a larger one is handed to the planner with the pages listed so far.
    const rest = pages[Symbol.asyncIterator]();
    const listed: BucketPage[] = [];
    let count = 0;
    let next = await rest.next();
    for (; !next.done; next = await rest.next()) {
      listed.push(next.value);
      count += next.value.buckets.length;
      if (count > opts.fanOut.inlineMaxBuckets) break;
    }
    if (!next.done) return opts.fanOut.plan(inv, deps, listed, rest, { startedAt, concurrency });
    pages = (async function* () {
      yield* listed;
    })();
  }
  const outcome = await checkBuckets(pages, deps, { ...opts, concurrency });
  const finishedAt = now();
  deps.log?.info('sweep checked', { total: outcome.total, counts: outcome.counts, scheduled: inv.scheduled });
  const delivery = await deliverSweep(outcome, deps, {
    dryRun: inv.dryRun,
    startedAt,
    finishedAt,
    seeAll: opts.seeAll,
  });

  outcome.attention.sort(worstFirst);
  const maxResults = opts.keep === 'all' ? Infinity : (opts.maxResults ?? DEFAULT_MAX_RESULTS);
  const kept = outcome.attention.slice(0, maxResults);
  const results = opts.keep === 'all' ? [...kept, ...outcome.others.sort(worstFirst)] : kept;
  return {
    results,
    sweep: {
      total: outcome.total,
      counts: outcome.counts,
      startedAt,
      finishedAt,
      omittedResults: outcome.attention.length - kept.length,
      concurrency,
      ...delivery,
    },
  };
}
