// The sweep past one invocation (README "Sweep"): the planner (the sweep function) lists the buckets and
// puts one SQS message per page; page workers (the sweepPage function) check a page each and store its
// outcome compactly in DynamoDB; the worker that finds every page stored sends the one digest.
//
// Table layout (one partition per run, so a Query reads a whole run):
//   {pk: runId, sk: 'run'}          startedAt, dryRun, pageCount (once the listing ended), pagesDone,
//                                   digestState ('sending' | 'sent'), claimExpires, expiration (TTL)
//   {pk: runId, sk: 'page#000042'}  total, counts, attention (gzip'd compact records), checkedAt, expiration
import { randomUUID } from 'node:crypto';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { z } from 'zod';
import { packCompact, unpackCompact, type CompactResult } from './domain/compactResult';
import type { StatusCounts } from './domain/digest';
import type { Invocation } from './domain/parseInvocation';
import { errorName } from './aws/errors';
import { newDynamoDbClient, newSqsClient } from './aws/stateClients';
import type { BucketPage, ListedBucket } from './aws/listBuckets';
import type { GuardDeps } from './guard';
import {
  checkBuckets,
  deliverSweep,
  emptyOutcome,
  expandCompact,
  mergeOutcome,
  type SweepFanOutHook,
  type SweepReport,
  type SweepSummaryReport,
} from './sweep';

/** Accounts with at most this many buckets are swept in one invocation, as before. */
export const DEFAULT_INLINE_MAX_BUCKETS = 20_000;
/** Run and page items expire (DynamoDB TTL) this long after the run started. */
export const RUN_TTL_SECONDS = 14 * 24 * 60 * 60;
/** A digest claim older than this is taken to belong to a worker that died (above sweepPage's timeout). */
export const DIGEST_LEASE_MS = 15 * 60 * 1000;
/** SendMessageBatch: at most 10 entries; their bodies together kept under 256 KiB (SQS allows 1 MiB). */
const BATCH_ENTRIES = 10;
const BATCH_BYTES = 256 * 1024;
const MESSAGE_MAX_BYTES = 1024 * 1024;
const SEND_ATTEMPTS = 3;

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

const pageKey = (page: number) => `page#${String(page).padStart(6, '0')}`;
const isConditionFailure = (err: unknown) => errorName(err) === 'ConditionalCheckFailedException';

export class DynamoRunStore implements RunStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => number = Date.now,
  ) {}

  private expiration(): number {
    return Math.floor(this.now() / 1000) + RUN_TTL_SECONDS;
  }

  async createRun(run: {
    runId: string;
    startedAt: string;
    dryRun: boolean;
  }): Promise<RunRecord | undefined> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: run.runId,
            sk: 'run',
            startedAt: run.startedAt,
            dryRun: run.dryRun,
            pagesDone: 0,
            expiration: this.expiration(),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return undefined;
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
      return this.getRun(run.runId);
    }
  }

  async setPageCount(runId: string, pageCount: number): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: runId, sk: 'run' },
        UpdateExpression: 'SET pageCount = :n',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':n': pageCount },
      }),
    );
  }

  async recordPage(runId: string, page: PageRecord): Promise<'recorded' | 'duplicate'> {
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: {
                  pk: runId,
                  sk: pageKey(page.page),
                  page: page.page,
                  total: page.total,
                  counts: page.counts,
                  attention: packCompact(page.attention),
                  checkedAt: page.checkedAt,
                  expiration: this.expiration(),
                },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Update: {
                TableName: this.tableName,
                Key: { pk: runId, sk: 'run' },
                UpdateExpression: 'ADD pagesDone :one',
                ConditionExpression: 'attribute_exists(pk)',
                ExpressionAttributeValues: { ':one': 1 },
              },
            },
          ],
        }),
      );
      return 'recorded';
    } catch (err) {
      if (errorName(err) !== 'TransactionCanceledException') throw err;
      const reasons = (err as { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons;
      if (reasons?.[0]?.Code === 'ConditionalCheckFailed') return 'duplicate';
      if (reasons?.[1]?.Code === 'ConditionalCheckFailed')
        throw new Error(`sweep run ${runId} does not exist`);
      // Without reasons (or for a conflict), only the page item itself can tell whether it was stored.
      const stored = await this.doc.send(
        new GetCommand({
          TableName: this.tableName,
          Key: { pk: runId, sk: pageKey(page.page) },
          ConsistentRead: true,
        }),
      );
      if (stored.Item) return 'duplicate';
      throw err;
    }
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: runId, sk: 'run' }, ConsistentRead: true }),
    );
    const item = out.Item;
    if (!item) return undefined;
    return {
      runId,
      startedAt: String(item.startedAt),
      dryRun: item.dryRun === true,
      pagesDone: Number(item.pagesDone ?? 0),
      ...(item.pageCount !== undefined && { pageCount: Number(item.pageCount) }),
      ...(item.digestState !== undefined && { digestState: item.digestState as 'sending' | 'sent' }),
    };
  }

  async claimDigest(runId: string, nowMs: number): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: runId, sk: 'run' },
          UpdateExpression: 'SET digestState = :sending, claimExpires = :expires',
          ConditionExpression:
            'pagesDone = pageCount AND (attribute_not_exists(digestState) OR (digestState = :sending AND claimExpires < :now))',
          ExpressionAttributeValues: {
            ':sending': 'sending',
            ':expires': nowMs + DIGEST_LEASE_MS,
            ':now': nowMs,
          },
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }

  async *pages(runId: string): AsyncGenerator<PageRecord> {
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :run AND begins_with(sk, :page)',
          ExpressionAttributeValues: { ':run': runId, ':page': 'page#' },
          ConsistentRead: true,
          ...(start && { ExclusiveStartKey: start }),
        }),
      );
      for (const item of out.Items ?? []) {
        yield {
          page: Number(item.page),
          total: Number(item.total),
          counts: (item.counts ?? {}) as StatusCounts,
          attention: unpackCompact(item.attention as Uint8Array),
          checkedAt: String(item.checkedAt),
        };
      }
      start = out.LastEvaluatedKey;
    } while (start);
  }

  async digestSent(runId: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: runId, sk: 'run' },
        UpdateExpression: 'SET digestState = :sent REMOVE claimExpires',
        ExpressionAttributeValues: { ':sent': 'sent' },
      }),
    );
  }

  async releaseDigest(runId: string): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: runId, sk: 'run' },
          UpdateExpression: 'REMOVE digestState, claimExpires',
          ConditionExpression: 'digestState = :sending',
          ExpressionAttributeValues: { ':sending': 'sending' },
        }),
      );
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
    }
  }
}

export class SqsPageQueue implements PageQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async sendBatch(messages: PageMessage[]): Promise<void> {
    let pending = messages.map((m, i) => ({ Id: String(i), MessageBody: JSON.stringify(m) }));
    for (let attempt = 1; pending.length; attempt++) {
      const out = await this.sqs.send(
        new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: pending }),
      );
      const failed = out.Failed ?? [];
      if (!failed.length) return;
      const senderFault = failed.find((f) => f.SenderFault);
      if (senderFault || attempt >= SEND_ATTEMPTS) {
        const codes = [...new Set(failed.map((f) => f.Code))].join(', ');
        throw new Error(`SQS refused ${failed.length} of ${messages.length} sweep pages (${codes})`);
      }
      const ids = new Set(failed.map((f) => f.Id));
      pending = pending.filter((e) => ids.has(e.Id));
    }
  }
}

/** Collects page messages into SendMessageBatch calls of at most 10 entries and 256 KiB. */
class PageBatcher {
  private batch: PageMessage[] = [];
  private bytes = 0;
  constructor(private readonly queue: PageQueue) {}

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
    await this.queue.sendBatch(batch);
  }
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
  const now = () => (deps.now ? deps.now() : new Date()).toISOString();
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
  const batcher = new PageBatcher(fan.queue);
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
  await fan.queue.sendBatch([{ runId, page, pageCount, buckets: held?.buckets ?? [] }]);
  deps.log?.info('sweep fanned out', { runId, pageCount, buckets, dryRun: inv.dryRun });
  return report(pageCount, buckets);
}

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

export type CompletionReport =
  | { state: 'waiting'; pagesDone: number; pageCount?: number }
  | { state: 'already-sent' | 'claimed-elsewhere' }
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
  opts: Pick<PageWorkerOptions, 'seeAll'> = {},
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
  const nowMs = (deps.now ? deps.now() : new Date()).getTime();
  if (!(await store.claimDigest(runId, nowMs))) return { state: 'claimed-elsewhere' };
  try {
    const outcome = emptyOutcome();
    let finishedAt = run.startedAt;
    let pages = 0;
    for await (const page of store.pages(runId)) {
      pages += 1;
      if (page.checkedAt > finishedAt) finishedAt = page.checkedAt;
      mergeOutcome(outcome, {
        total: page.total,
        counts: page.counts,
        attention: page.attention.map((c) => expandCompact(c, deps, page.checkedAt)),
        others: [],
      });
    }
    if (pages !== run.pageCount)
      throw new Error(`sweep run ${runId}: read ${pages} of ${run.pageCount} pages`);
    const delivery = await deliverSweep(outcome, deps, {
      dryRun: run.dryRun,
      startedAt: run.startedAt,
      finishedAt,
      seeAll: opts.seeAll,
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

/**
 * The fan-out the deployment asks for: SWEEP_RUN_TABLE and SWEEP_QUEUE_URL both set (the sweep Region of a
 * deployed stack). Without them (other Regions, the `local` stage, the CLI) every sweep runs inline.
 */
export function fanOutFromEnv(env: Record<string, string | undefined>): FanOut | undefined {
  const tableName = env.SWEEP_RUN_TABLE?.trim();
  const queueUrl = env.SWEEP_QUEUE_URL?.trim();
  if (!tableName || !queueUrl) return undefined;
  const max = Number(env.SWEEP_INLINE_MAX_BUCKETS);
  return {
    store: new DynamoRunStore(
      DynamoDBDocumentClient.from(newDynamoDbClient(), {
        marshallOptions: { removeUndefinedValues: true },
      }),
      tableName,
    ),
    queue: new SqsPageQueue(newSqsClient(), queueUrl),
    inlineMaxBuckets: Number.isInteger(max) && max >= 0 ? max : DEFAULT_INLINE_MAX_BUCKETS,
  };
}
