import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { describeError } from '../lib/aws/errors';
import { lambdaDeps, logger } from '../lib/runtime/lambdaDeps';
import { fanOutFromEnv, parsePageMessage, runSweepPage } from '../lib/sweepFanout';

// The page worker of a fanned-out sweep (README "Sweep"): one SQS message, one page of buckets.
const fanOut = fanOutFromEnv(process.env);
const concurrency = Number(process.env.SWEEP_CONCURRENCY) || undefined;

/**
 * Each record is checked and stored on its own; a failed one is reported in batchItemFailures
 * (ReportBatchItemFailures), so SQS redelivers only it, and after maxReceiveCount parks it in the DLQ.
 */
export const sweepPageHandler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  if (!fanOut) throw new Error('SWEEP_RUN_TABLE and SWEEP_QUEUE_URL must be set for the sweep page worker');
  const deps = lambdaDeps(context.invokedFunctionArn);
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    try {
      const report = await runSweepPage(parsePageMessage(record.body), deps, fanOut.store, { concurrency });
      logger.info('sweep page done', { ...report });
    } catch (err) {
      logger.error('sweep page failed; SQS will redeliver it', {
        messageId: record.messageId,
        receiveCount: record.attributes?.ApproximateReceiveCount,
        error: describeError(err),
      });
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
};

export const handler = middy(sweepPageHandler).use(injectLambdaContext(logger, { resetKeys: true }));
