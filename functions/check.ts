import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { stormConfigFromEnv } from '../lib/domain/storm';
import type { Report } from '../lib/domain/types';
import { checkInvocation } from '../lib/runtime/checkInvocation';
import { logger } from '../lib/runtime/logger';
import { lambdaWiring, lazy, seeAllFromEnv } from '../lib/runtime/wiring';
import { sweepElsewhereRunner } from '../lib/sweep';
import { runHubInvocation } from '../lib/org/hub';
import { runQueuedBatch } from '../lib/queuedBatch';

const wiring = lambdaWiring(logger);

// This function does not sweep (its role may not list buckets): {"all": true} and a scheduled event get an
// invalid-input result that names the sweep function (parseInvocation's `sweep` option); the runner is the
// last line should one get through.
const refuseSweep = sweepElsewhereRunner(process.env.SWEEP_FUNCTION_NAME?.trim());

const storm = lazy(() => stormConfigFromEnv(process.env));

/** A batch from the check queue (the event source mapping), not a direct invoke. */
const isQueueBatch = (event: unknown): event is SQSEvent =>
  Array.isArray((event as SQSEvent | undefined)?.Records) &&
  (event as SQSEvent).Records.length > 0 &&
  (event as SQSEvent).Records.every((r) => r?.eventSource === 'aws:sqs');

/**
 * EventBridge CloudTrail record or manual `{"bucket": …}` in (a direct invoke): the report out. A batch of
 * the same records from the check queue: storms grouped, and the records to retry out.
 */
export const checkHandler = async (event: unknown, context: Context): Promise<Report | SQSBatchResponse> => {
  // Believe a CloudTrail record only from this function's own account (a hub: also the organization's
  // member accounts, lib/domain/org.ts) and served Regions.
  const options = await wiring.invocationOptions(context, 'check');
  const hub = await wiring.hub();
  const deps = await wiring.deps(context, options);
  if (isQueueBatch(event)) {
    const records = event.Records.map((r) => ({ messageId: r.messageId, body: r.body }));
    const outcome = await runQueuedBatch(records, deps, options, storm(), seeAllFromEnv(process.env), hub);
    for (const r of outcome.results)
      logger.info('bucket checked', {
        bucket: r.bucket,
        account: r.account,
        status: r.status,
        severity: r.severity,
        alerted: r.alerted,
      });
    logger.info('batch checked', {
      records: records.length,
      groups: outcome.groups,
      retry: outcome.batchItemFailures.length,
    });
    return { batchItemFailures: outcome.batchItemFailures };
  }
  return checkInvocation(
    event,
    deps,
    refuseSweep,
    logger,
    options,
    hub && ((inv, deps, sweep) => runHubInvocation(inv, deps, hub, sweep)),
  );
};

export const handler = middy(checkHandler).use(injectLambdaContext(logger, { resetKeys: true }));
