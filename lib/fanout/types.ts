// The sweep past one invocation (README "Sweep"): the planner (the sweep function) lists the buckets and
// puts one SQS message per page; page workers (the sweepPage function) check a page each and store its
// outcome compactly; the worker that finds every page stored sends the one digest. This module holds the
// messages and the two interfaces the orchestration runs over: the run store and the page queue
// (DynamoDB and SQS adapters in lib/aws/).
import { z } from 'zod';
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
}

const PageMessageSchema = z.strictObject({
  runId: z.string().min(1).max(200),
  page: z.number().int().min(0),
  pageCount: z.number().int().min(1).optional(),
  buckets: z.array(
    z.strictObject({ name: z.string().min(1).max(1024), region: z.string().max(64).optional() }),
  ),
});

export function parsePageMessage(body: string): PageMessage {
  return PageMessageSchema.parse(JSON.parse(body));
}

export interface RunRecord {
  runId: string;
  startedAt: string;
  dryRun: boolean;
  pageCount?: number;
  pagesDone: number;
  digestState?: 'sending' | 'sent';
}

export interface PageRecord {
  page: number;
  total: number;
  counts: StatusCounts;
  attention: CompactResult[];
  checkedAt: string;
}

/** Where a run and its pages are kept (DynamoDB in the stack; an in-memory double is easy to write). */
export interface RunStore {
  /** Create the run unless it exists (a retried planner); then return the existing one. */
  createRun(run: { runId: string; startedAt: string; dryRun: boolean }): Promise<RunRecord | undefined>;
  setPageCount(runId: string, pageCount: number): Promise<void>;
  /** Store the page and count it done, atomically, once: a redelivered page is `duplicate`. */
  recordPage(runId: string, page: PageRecord): Promise<'recorded' | 'duplicate'>;
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
}

export interface FanOut {
  store: RunStore;
  queue: PageQueue;
  inlineMaxBuckets: number;
}
