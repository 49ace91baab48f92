// The planner's side of the fan-out with recording doubles: batching, ordering, retries of refused entries.
import { describe, expect, it } from 'vitest';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { BucketPage } from '../../lib/aws/listBuckets';
import type { GuardDeps } from '../../lib/guard';
import { SqsPageQueue } from '../../lib/aws/sqsPageQueue';
import { planFanOut, sweepRunId } from '../../lib/fanout/planner';
import type { PageMessage, RunStore } from '../../lib/fanout/types';

const SWEEP = { kind: 'sweep', dryRun: false, scheduled: true } as const;
const deps = {
  config: { scope: 'configured', exemptPatterns: [], rootProfile: 'root_user' },
} as unknown as GuardDeps;

function page(n: number, size: number, last = false): BucketPage {
  const buckets = Array.from({ length: size }, (_, i) => ({ name: `p${n}-b${i}`, region: 'eu-west-1' }));
  return last ? { buckets } : { buckets, nextToken: `t${n}` };
}

function recorder(existing?: { pageCount?: number }) {
  const log: string[] = [];
  const batches: PageMessage[][] = [];
  const store = {
    createRun: async () => {
      log.push('createRun');
      return existing && { runId: 'r', startedAt: '', dryRun: false, pagesDone: 0, ...existing };
    },
    setPageCount: async (_: string, n: number) => void log.push(`pageCount=${n}`),
    planPages: async (_: string, pages: Array<{ page: number }>) =>
      void log.push(`plan ${pages.map((p) => p.page).join(',')}`),
  } as unknown as RunStore;
  const queue = {
    sendBatch: async (messages: PageMessage[]) => {
      batches.push(messages);
      log.push(`send ${messages.map((m) => m.page).join(',')}`);
    },
    sendWatch: async (m: { runId: string }, delay: number) => void log.push(`watch ${m.runId} +${delay}s`),
  };
  return { log, batches, store, queue };
}

async function* rest(pages: BucketPage[]): AsyncGenerator<BucketPage> {
  yield* pages;
}

describe('planFanOut', () => {
  it('plans then sends pages in batches of at most 10, the last page after pageCount, then the deadline watch', async () => {
    const r = recorder();
    const listed = [page(0, 3), page(1, 3)];
    const more = Array.from({ length: 21 }, (_, i) => page(i + 2, 3, i === 20));
    const report = await planFanOut(
      SWEEP,
      deps,
      { store: r.store, queue: r.queue, inlineMaxBuckets: 5, runId: 'run-1' },
      listed,
      rest(more),
      { startedAt: '2026-10-06T03:00:00.000Z', concurrency: 64 },
    );
    expect(report.sweep.fanOut).toEqual({ runId: 'run-1', pageCount: 23 });
    expect(report.sweep.total).toBe(69);
    expect(r.log).toEqual([
      'createRun',
      'plan 0,1,2,3,4,5,6,7,8,9',
      'send 0,1,2,3,4,5,6,7,8,9',
      'plan 10,11,12,13,14,15,16,17,18,19',
      'send 10,11,12,13,14,15,16,17,18,19',
      'plan 20,21',
      'send 20,21',
      'pageCount=23',
      'plan 22',
      'send 22',
      'watch run-1 +900s',
    ]);
    expect(r.batches.at(-1)?.[0]).toMatchObject({ runId: 'run-1', page: 22, pageCount: 23 });
    expect(r.batches[0]?.[0]?.pageCount).toBeUndefined();
    expect(r.batches.flat().flatMap((m) => m.buckets)).toHaveLength(69);
  });

  it('keeps each SendMessageBatch under 256 KiB', async () => {
    const r = recorder();
    const big = Array.from({ length: 6 }, (_, i) => page(i, 1_500, i === 5)); // ~60 KB each
    await planFanOut(
      SWEEP,
      deps,
      { store: r.store, queue: r.queue, inlineMaxBuckets: 1, runId: 'r' },
      [],
      rest(big),
      {
        startedAt: '',
        concurrency: 1,
      },
    );
    for (const batch of r.batches)
      expect(batch.reduce((n, m) => n + Buffer.byteLength(JSON.stringify(m)), 0)).toBeLessThanOrEqual(
        256 * 1024,
      );
    expect(r.batches.length).toBeGreaterThan(2);
    expect(r.batches.flat().map((m) => m.page)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('sends nothing when a retried planner finds its run already planned', async () => {
    const r = recorder({ pageCount: 4 });
    const report = await planFanOut(
      SWEEP,
      deps,
      { store: r.store, queue: r.queue, inlineMaxBuckets: 1, runId: 'r' },
      [page(0, 3)],
      rest([page(1, 3, true)]),
      { startedAt: '', concurrency: 1 },
    );
    expect(r.log).toEqual(['createRun']);
    expect(report.sweep.fanOut).toEqual({ runId: 'r', pageCount: 4 });
  });
});

describe('SqsPageQueue', () => {
  const message = (page: number): PageMessage => ({ runId: 'r', page, buckets: [] });
  const sqs = (answers: Array<{ Failed?: Array<{ Id: string; Code: string; SenderFault: boolean }> }>) => {
    const sent: string[][] = [];
    const client = {
      send: async (cmd: { input: { Entries: Array<{ Id: string }> } }) => {
        sent.push(cmd.input.Entries.map((e) => e.Id));
        return answers.shift() ?? {};
      },
    } as unknown as SQSClient;
    return { client, sent };
  };

  it('retries only the entries SQS refused', async () => {
    const { client, sent } = sqs([{ Failed: [{ Id: '1', Code: 'InternalError', SenderFault: false }] }, {}]);
    await new SqsPageQueue(client, 'https://q').sendBatch([message(0), message(1), message(2)]);
    expect(sent).toEqual([['0', '1', '2'], ['1']]);
  });

  it('throws when entries stay refused, or at once for a sender fault', async () => {
    const refused = { Failed: [{ Id: '0', Code: 'InternalError', SenderFault: false }] };
    const a = sqs([refused, refused, refused, refused]);
    await expect(new SqsPageQueue(a.client, 'https://q').sendBatch([message(0)])).rejects.toThrow(
      'SQS refused 1 of 1 sweep pages (InternalError)',
    );
    expect(a.sent).toHaveLength(3);
    const b = sqs([{ Failed: [{ Id: '0', Code: 'InvalidMessageContents', SenderFault: true }] }]);
    await expect(new SqsPageQueue(b.client, 'https://q').sendBatch([message(0)])).rejects.toThrow(
      'InvalidMessageContents',
    );
    expect(b.sent).toHaveLength(1);
  });
});

describe('sweepRunId', () => {
  it('is the scheduled event ID, so a retried event finds its run, and unique otherwise', () => {
    expect(sweepRunId({ source: 'aws.events', id: 'abc' })).toBe('scheduled-abc');
    const manual = sweepRunId({ all: true });
    expect(manual).toMatch(/^manual-[0-9a-f-]{36}$/);
    expect(sweepRunId({ all: true })).not.toBe(manual);
  });
});
