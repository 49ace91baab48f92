// The DynamoDB run store of a fanned-out sweep. One partition per run, so a Query reads a whole run:
//   {pk: runId, sk: 'run'}          startedAt, dryRun, pageCount (once the listing ended), pagesDone,
//                                   digestState ('sending' | 'sent'), claimExpires, expiration (TTL)
//   {pk: runId, sk: 'page#000042'}  total, counts, attention (gzip'd compact records), checkedAt, expiration
//   {pk: runId, sk: 'plan#000042'}  digest (of the page's buckets, written by the planner before sending)
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { packCompact, unpackCompact } from '../domain/compactResult';
import type { StatusCounts } from '../domain/digest';
import {
  DIGEST_LEASE_MS,
  RUN_TTL_SECONDS,
  type PageRecord,
  type RunRecord,
  type RunStore,
} from '../fanout/types';
import { errorName } from './errors';

const pageKey = (page: number) => `page#${String(page).padStart(6, '0')}`;
const planKey = (page: number) => `plan#${String(page).padStart(6, '0')}`;
/** TransactWriteItems takes at most 100 actions. */
const TRANSACT_MAX = 100;
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

  async planPages(runId: string, pages: Array<{ page: number; digest: string }>): Promise<void> {
    for (let i = 0; i < pages.length; i += TRANSACT_MAX) {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: pages.slice(i, i + TRANSACT_MAX).map((p) => ({
            Put: {
              TableName: this.tableName,
              Item: { pk: runId, sk: planKey(p.page), digest: p.digest, expiration: this.expiration() },
            },
          })),
        }),
      );
    }
  }

  async recordPage(
    runId: string,
    page: PageRecord,
    digest: string,
  ): Promise<'recorded' | 'duplicate' | 'refused'> {
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              // Only the page the planner planned, with the buckets it planned.
              ConditionCheck: {
                TableName: this.tableName,
                Key: { pk: runId, sk: planKey(page.page) },
                ConditionExpression: 'digest = :digest',
                ExpressionAttributeValues: { ':digest': digest },
              },
            },
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
                  ...(page.account && { account: page.account }),
                  ...(page.notCovered && { notCovered: page.notCovered }),
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
      if (reasons?.[0]?.Code === 'ConditionalCheckFailed') {
        await this.countRefused(runId);
        return 'refused';
      }
      if (reasons?.[1]?.Code === 'ConditionalCheckFailed') return 'duplicate';
      if (reasons?.[2]?.Code === 'ConditionalCheckFailed')
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

  async admitPage(runId: string, page: number, digest: string): Promise<boolean> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: runId, sk: planKey(page) },
        ConsistentRead: true,
      }),
    );
    if (out.Item?.digest === digest) return true;
    await this.countRefused(runId);
    return false;
  }

  /** Count a refused page on its run (when the run exists: a page of no run is only logged). */
  private async countRefused(runId: string): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: runId, sk: 'run' },
          UpdateExpression: 'ADD pagesRefused :one',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':one': 1 },
        }),
      );
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
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
      ...(item.pagesRefused !== undefined && { pagesRefused: Number(item.pagesRefused) }),
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
          ...(item.account !== undefined && { account: String(item.account) }),
          ...(item.notCovered !== undefined && { notCovered: String(item.notCovered) }),
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

/** The run store on `tableName`; attributes left undefined (an optional field) are not written. */
export const newDynamoRunStore = (client: DynamoDBClient, tableName: string) =>
  new DynamoRunStore(
    DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } }),
    tableName,
  );
