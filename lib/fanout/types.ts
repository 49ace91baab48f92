// The sweep past one invocation (README "Sweep"): the planner (the sweep function) lists the buckets and
// puts one SQS message per page; page workers (the sweepPage function) check a page each and store its
// outcome compactly; the worker that finds every page stored sends the one digest. This module holds the
// messages and the two interfaces the orchestration runs over: the run store and the page queue
// (DynamoDB and SQS adapters in lib/aws/).
import { createHash } from 'node:crypto';
import * as z from 'zod/mini';
import { lazySchema } from '../domain/schema';
import type { CompactResult } from '../domain/compactResult';
import type { StatusCounts } from '../domain/digest';
import type { ListedBucket } from '../aws/listBuckets';

/** Accounts with at most this many buckets are swept in one invocation, as before. */
export const DEFAULT_INLINE_MAX_BUCKETS = 20_000;
/** Run and page items expire (DynamoDB TTL) this long after the run started. */
export const RUN_TTL_SECONDS = 14 * 24 * 60 * 60;
/** A digest claim older than this is taken to belong to a worker that died (above sweepPage's timeout). */
export const DIGEST_LEASE_MS = 15 * 60 * 1000;

/** One SQS message: one listed page of buckets. `pageCount` is present only once the listing has ended. */
export interface PageMessage {
  runId: string;
  page: number;
  pageCount?: number;
  buckets: ListedBucket[];
  /** Organization mode: this page is a whole member account, swept through its spoke role (`buckets` empty). */
  account?: string;
  /** With `account`: its state when it is not ACTIVE, so the worker records it as not covered. */
  accountState?: string;
}

const schemas = lazySchema(() => {
  const runId = z.string().check(z.minLength(1), z.maxLength(200));
  const PageMessageSchema = z.strictObject({
    runId,
    page: z.int().check(z.minimum(0)),
    pageCount: z.optional(z.int().check(z.minimum(1))),
    buckets: z.array(
      z.strictObject({
        name: z.string().check(z.minLength(1), z.maxLength(1024)),
        region: z.optional(z.string().check(z.maxLength(64))),
      }),
    ),
    account: z.optional(z.string().check(z.regex(/^\d{12}$/))),
    accountState: z.optional(z.string().check(z.regex(/^[A-Z_]{1,40}$/))),
  });
  const WatchMessageSchema = z.strictObject({ runId, watch: z.literal(true) });
  return { PageMessageSchema, WatchMessageSchema };
});

export function parsePageMessage(body: string): PageMessage {
  return schemas().PageMessageSchema.parse(JSON.parse(body));
}

/**
 * The deadline watch of a run: sent by the planner with the last page, delayed. Its worker fails it (SQS
 * redelivers it) until the run's digest is sent; a run that never completes sends it to the dead-letter
 * queue after maxReceiveCount receives, which raises the dead-letter alarm. So a run's deadline is the
 * queue's delay + maxReceiveCount x visibility timeout.
 */
export interface WatchMessage {
  runId: string;
  watch: true;
}

/** A message of the page queue: a page, or a run's deadline watch. */
export function parseQueueMessage(body: string): PageMessage | WatchMessage {
  const json: unknown = JSON.parse(body);
  const { PageMessageSchema, WatchMessageSchema } = schemas();
  const watch = WatchMessageSchema.safeParse(json);
  return watch.success ? watch.data : PageMessageSchema.parse(json);
}

/**
 * What the planner promises about a page: its index and a digest of its buckets. A page worker stores a page
 * only when the planner recorded this very digest for this index, so a page sent by anyone else (an index
 * outside the plan, or other buckets under a planned index) is refused, and cannot finish a run early or
 * push it past its page count.
 */
export function pageDigest(buckets: ListedBucket[]): string {
  return createHash('sha256')
    .update(JSON.stringify(buckets.map((b) => [b.name, b.region ?? null])))
    .digest('base64url');
}

/**
 * The digest of a page message: its buckets' for a page of buckets; in organization mode, the account it
 * names and its state, so that a planned index cannot be pointed at another account.
 */
export function messageDigest(m: Pick<PageMessage, 'buckets' | 'account' | 'accountState'>): string {
  if (m.account === undefined) return pageDigest(m.buckets);
  return createHash('sha256')
    .update(JSON.stringify(['account', m.account, m.accountState ?? null]))
    .digest('base64url');
}

export interface RunRecord {
  runId: string;
  startedAt: string;
  dryRun: boolean;
  pageCount?: number;
  pagesDone: number;
  /** Pages refused: outside the plan, or not the planned buckets. */
  pagesRefused?: number;
  digestState?: 'sending' | 'sent';
}

export interface PageRecord {
  page: number;
  total: number;
  counts: StatusCounts;
  attention: CompactResult[];
  checkedAt: string;
  /** Organization mode: the member account this page swept. */
  account?: string;
  /** Organization mode: why that account could not be checked. */
  notCovered?: string;
}

/** Where a run and its pages are kept (DynamoDB in the stack; an in-memory double is easy to write). */
export interface RunStore {
  /** Create the run unless it exists (a retried planner); then return the existing one. */
  createRun(run: { runId: string; startedAt: string; dryRun: boolean }): Promise<RunRecord | undefined>;
  setPageCount(runId: string, pageCount: number): Promise<void>;
  /** Record, before the pages are sent, the digest of each page's buckets (the plan). */
  planPages(runId: string, pages: Array<{ page: number; digest: string }>): Promise<void>;
  /**
   * Store the page and count it done, atomically, once, and only as planned: a redelivered page is
   * `duplicate`; a page whose index or digest the planner did not record is `refused` (and counted).
   */
  recordPage(runId: string, page: PageRecord, digest: string): Promise<'recorded' | 'duplicate' | 'refused'>;
  /** Whether the planner planned this page with these buckets; a page that was not is counted as refused. */
  admitPage(runId: string, page: number, digest: string): Promise<boolean>;
  getRun(runId: string): Promise<RunRecord | undefined>;
  /** Claim the digest: only when every page is done and no live claim exists, and not once it was sent. */
  claimDigest(runId: string, nowMs: number): Promise<boolean>;
  pages(runId: string): AsyncIterable<PageRecord>;
  digestSent(runId: string): Promise<void>;
  releaseDigest(runId: string): Promise<void>;
}

export interface PageQueue {
  /** Send up to 10 messages; entries SQS refuses are retried, and still-refused ones throw. */
  sendBatch(messages: PageMessage[]): Promise<void>;
  /** Send a run's deadline watch, delayed by `delaySeconds` (SQS allows at most 900). */
  sendWatch(message: WatchMessage, delaySeconds: number): Promise<void>;
}

/** The watch's first delivery: SQS's maximum message delay, so that most runs finish before it is seen. */
export const WATCH_DELAY_SECONDS = 900;

export interface FanOut {
  store: RunStore;
  queue: PageQueue;
  inlineMaxBuckets: number;
}
