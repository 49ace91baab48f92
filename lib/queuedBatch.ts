// The queue path of the check function: CloudTrail records arrive from the rule through an SQS queue, in
// batches gathered for up to the storm window. Each record is checked on its own; then the batch's
// alerting results are planned (lib/domain/storm.ts): a storm of one account and window becomes one
// grouped alert, the rest stay one alert per bucket. Every bucket keeps its own drift event.
//
// Order, so that a fault loses nothing and a retry pages no one twice: a record's drift event first (each
// de-duplicated on its own), then the alerts of the records whose events went out. A record whose check,
// drift event or alert failed is reported in batchItemFailures (Lambda's ReportBatchItemFailures): SQS
// delivers it again and, after the queue's maxReceiveCount, moves it to the dead-letter queue.
// https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html
import { ALERTING_STATUSES } from './domain/decide';
import { driftEventEntry } from './domain/driftEvent';
import { parseInvocation, type InvocationOptions } from './domain/parseInvocation';
import { planStorms, statusCounts, type StormConfig, type StormGroup } from './domain/storm';
import type { CheckResult } from './domain/types';
import { forEachConcurrent } from './aws/concurrency';
import {
  clockNow,
  checkScopeChange,
  checkTarget,
  deliver,
  once,
  loadAlerting,
  uncheckedResult,
  type GuardDeps,
} from './guard';
import { memberAccess, type Hub } from './org/hub';

/** The part of an SQS record the batch reads. */
export interface QueuedRecord {
  messageId: string;
  body: string;
}

export interface BatchOutcome {
  results: CheckResult[];
  /** Lambda's partial batch response: the records to deliver again. */
  batchItemFailures: Array<{ itemIdentifier: string }>;
  /** Grouped alerts published (or already published for a redelivered batch). */
  groups: number;
}

/** Records checked at once: S3 answers in parallel; the function's memory, not S3, is the limit. */
const CHECK_CONCURRENCY = 16;

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** One queued record: a CloudTrail record as the rule delivered it, and nothing else. */
async function checkRecord(
  record: QueuedRecord,
  deps: GuardDeps,
  options: InvocationOptions,
  checkedAt: () => string,
  hub: Hub | undefined,
): Promise<CheckResult> {
  let body: unknown;
  try {
    body = JSON.parse(record.body);
  } catch {
    return uncheckedResult({ kind: 'invalid', reason: 'queued message is not JSON' }, checkedAt());
  }
  const inv = parseInvocation(body, options);
  // Organization mode: a member account's record is checked through its spoke role, as on a direct invoke.
  const member = hub && (await memberAccess(inv, deps, hub));
  if (member && 'unusable' in member) return member.unusable;
  if (member) deps = member.deps;
  switch (inv.kind) {
    case 'event':
      return checkTarget(
        {
          bucket: inv.record.bucket,
          region: inv.record.region,
          account: inv.record.account,
          record: inv.record,
          trigger: 'cloudtrail',
        },
        deps,
      );
    case 'tagging':
      return checkScopeChange(inv.record, deps);
    case 'ignored':
    case 'invalid':
      return uncheckedResult(inv, checkedAt());
    case 'manual':
    case 'sweep':
    case 'test':
      // The queue is fed by the CloudTrail rule: a manual check, sweep or test belongs to a direct invoke.
      return uncheckedResult(
        {
          kind: 'invalid',
          reason: `a ${inv.kind} request on the check queue: the queue carries only CloudTrail records (invoke the function directly instead)`,
        },
        checkedAt(),
      );
  }
}

export async function runQueuedBatch(
  records: QueuedRecord[],
  deps: GuardDeps,
  options: InvocationOptions,
  storm: StormConfig,
  seeAll: string,
  hub?: Hub,
): Promise<BatchOutcome> {
  const now = () => clockNow(deps).toISOString();
  const failed = new Set<string>();
  const checked: Array<{ messageId: string; result: CheckResult }> = [];
  await forEachConcurrent(records, CHECK_CONCURRENCY, async (record) => {
    try {
      const result = await checkRecord(record, deps, options, now, hub);
      if (result.status === 'invalid-input' || result.status === 'ignored')
        deps.log?.warn(`queued message ${result.status}`, {
          messageId: record.messageId,
          reason: result.reason,
        });
      checked.push({ messageId: record.messageId, result });
    } catch (err) {
      deps.log?.error('queued record not checked: it will be delivered again', {
        messageId: record.messageId,
        error: errorText(err),
      });
      failed.add(record.messageId);
    }
  });
  const messageOf = new Map(checked.map((c) => [c.result, c.messageId]));

  // 1. Each bucket's drift event, de-duplicated on its own CloudTrail record.
  const alerting = checked.map((c) => c.result).filter((r) => ALERTING_STATUSES.has(r.status));
  const { eventBusName, eventSource } = deps.publish;
  const eventBridge = deps.eventBridge;
  if (eventBusName && eventBridge) {
    await forEachConcurrent(alerting, CHECK_CONCURRENCY, async (r) => {
      try {
        const entry = driftEventEntry(r, eventSource, eventBusName);
        const { emitDriftEvents } = await loadAlerting();
        await once(deps, 'drift-event', r, () => emitDriftEvents(eventBridge, [entry]));
      } catch (err) {
        deps.log?.error('drift event not sent: the record will be delivered again', {
          bucket: r.bucket,
          error: errorText(err),
        });
        failed.add(messageOf.get(r)!);
      }
    });
  }

  // 2. Alerts for the records whose drift events went out: groups for storms, one per bucket otherwise.
  const plan = planStorms(
    alerting.filter((r) => !failed.has(messageOf.get(r)!)),
    storm,
  );
  let groups = 0;
  for (const group of plan.groups) {
    try {
      await publishGroup(group, deps, seeAll, now());
      groups++;
    } catch (err) {
      deps.log?.error('grouped alert not published: its records will be delivered again', {
        account: group.account,
        buckets: group.results.length,
        error: errorText(err),
      });
      for (const r of group.results) failed.add(messageOf.get(r)!);
    }
  }
  for (const r of plan.singles) {
    try {
      // Drift events are already out: deliver() here publishes the alert only.
      await deliver([r], { ...deps, publish: { ...deps.publish, eventBusName: undefined } }, false);
    } catch (err) {
      deps.log?.error('alert not published: the record will be delivered again', {
        bucket: r.bucket,
        error: errorText(err),
      });
      failed.add(messageOf.get(r)!);
    }
  }
  return {
    results: checked.map((c) => c.result),
    batchItemFailures: [...failed].map((itemIdentifier) => ({ itemIdentifier })),
    groups,
  };
}

/** One storm's grouped alert, published at most once per group of CloudTrail records. */
async function publishGroup(group: StormGroup, deps: GuardDeps, seeAll: string, checkedAt: string) {
  const { digestPublication, publishAlert } = await loadAlerting();
  const publication = digestPublication({
    account: group.account,
    startedAt: group.info.firstEventAt,
    finishedAt: checkedAt,
    total: group.results.length,
    counts: statusCounts(group.results),
    attention: group.results,
    seeAll,
    storm: group.info,
  });
  const { topicArn } = deps.publish;
  const sns = deps.sns;
  if (!topicArn || !sns) {
    deps.log?.info('grouped alert not published: no alert topic', { account: group.account });
    return;
  }
  // Signed like every message on the topic (deps.mac), so that notifiers verify it before rendering.
  const send = () => publishAlert(sns, topicArn, publication, deps.mac);
  const { sent, value: messageId } = deps.dedupe
    ? await deps.dedupe.once('alert', { eventId: group.key, bucket: group.account, status: 'storm' }, send)
    : { sent: true, value: await send() };
  for (const r of group.results) r.alerted = true;
  deps.log?.info(sent ? 'grouped alert published' : 'grouped alert already published for these records', {
    account: group.account,
    buckets: group.results.length,
    included: publication.included,
    leftOut: publication.leftOut,
    bytes: publication.bytes,
    messageId,
  });
}
