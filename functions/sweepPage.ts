import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { describeError } from '../lib/aws/errors';
import { runDeadlineWatch, runSweepPage } from '../lib/fanout/pageWorker';
import { parseQueueMessage } from '../lib/fanout/types';
import { logger } from '../lib/runtime/logger';
import { lazy, lambdaWiring, seeAllFromEnv } from '../lib/runtime/wiring';
import { fanOutFromEnv, sweepConcurrencyFromEnv, withTagging } from '../lib/runtime/sweepWiring';

// The page worker of a fanned-out sweep (README "Sweep"): one SQS message, one page of buckets.
const wiring = lambdaWiring(logger);
const fanOut = lazy(() => fanOutFromEnv(process.env));
const concurrency = sweepConcurrencyFromEnv(process.env);
const seeAll = seeAllFromEnv(process.env);
const processor = new BatchProcessor(EventType.SQS);

/**
 * Each record is checked and stored on its own, one after the other; a failed one is reported in
 * batchItemFailures (ReportBatchItemFailures), so SQS redelivers only it, and after maxReceiveCount parks
 * it in the DLQ. A batch where every record failed is answered the same way, not thrown.
 */
export const sweepPageHandler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  const fan = await fanOut();
  if (!fan) throw new Error('SWEEP_RUN_TABLE and SWEEP_QUEUE_URL must be set for the sweep page worker');
  const deps = withTagging(await wiring.deps(context));
  // Organization mode: a page may be a whole member account, read through its spoke role.
  const hub = await wiring.hub();
  const page = async (record: SQSRecord): Promise<void> => {
    try {
      const message = parseQueueMessage(record.body);
      if ('watch' in message) return await runDeadlineWatch(message, deps, fan.store);
      const report = await runSweepPage(message, deps, fan.store, {
        concurrency,
        seeAll,
        ...(hub && { hub }),
      });
      logger.info('sweep page done', { ...report });
    } catch (err) {
      logger.error('sweep page failed; SQS will redeliver it', {
        messageId: record.messageId,
        receiveCount: record.attributes?.ApproximateReceiveCount,
        error: describeError(err),
      });
      throw err;
    }
  };
  return processPartialResponse(event, page, processor, {
    context,
    processInParallel: false,
    throwOnFullBatchFailure: false,
  });
};

export const handler = middy(sweepPageHandler).use(injectLambdaContext(logger, { resetKeys: true }));
