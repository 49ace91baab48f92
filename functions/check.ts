import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import { parseInvocation } from '../lib/domain/parseInvocation';
import { runInvocation } from '../lib/guard';
import type { Report } from '../lib/domain/types';
import { lambdaDeps, logger } from '../lib/runtime/lambdaDeps';
import { dedupeFromEnv } from '../lib/idempotency';
import { createSweepRunner, sweepElsewhereRunner, type SweepOptions } from '../lib/sweep';
import { fanOutFromEnv, fanOutHook, sweepRunId } from '../lib/sweepFanout';

// The Lambda's report keeps full results only for buckets that need a person (response limit 6 MB).
const sweepOptions: SweepOptions = {
  keep: 'attention',
  concurrency: Number(process.env.SWEEP_CONCURRENCY) || undefined,
};
const sweep = createSweepRunner(sweepOptions);
// In the sweep Region of a deployed stack: accounts above SWEEP_INLINE_MAX_BUCKETS fan out to sweepPage.
const fanOut = fanOutFromEnv(process.env);

// The check function names the sweep function here: it refuses {"all": true} rather than fail at ListBuckets.
const sweepVia = process.env.SWEEP_VIA_FUNCTION?.trim();

// At-least-once delivery: with IDEMPOTENCY_TABLE set, a repeated CloudTrail event does not alert twice.
const dedupe = dedupeFromEnv(process.env, logger);

/** EventBridge CloudTrail record, schedule, or manual `{"bucket": …}` in; the report out. */
export const checkHandler = async (event: unknown, context: Context): Promise<Report> => {
  const deps = lambdaDeps(context.invokedFunctionArn);
  if (dedupe) {
    dedupe.registerLambdaContext(context);
    deps.dedupe = dedupe;
  }
  // The run ID comes from the scheduled event, so that Lambda's retry of the same event finds its run.
  const runner = sweepVia
    ? sweepElsewhereRunner(sweepVia)
    : fanOut
      ? createSweepRunner({ ...sweepOptions, fanOut: fanOutHook(fanOut, sweepRunId(event)) })
      : sweep;
  const report = await runInvocation(parseInvocation(event), deps, runner);
  for (const r of report.results) {
    logger.info('bucket checked', {
      bucket: r.bucket,
      status: r.status,
      severity: r.severity,
      alerted: r.alerted,
    });
  }
  return report;
};

export const handler = middy(checkHandler).use(injectLambdaContext(logger, { resetKeys: true }));
