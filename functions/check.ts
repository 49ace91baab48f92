import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import { parseInvocation } from '../lib/domain/parseInvocation';
import { runInvocation } from '../lib/guard';
import type { Report } from '../lib/domain/types';
import { lambdaDeps, logger } from '../lib/runtime/lambdaDeps';
import { dedupeFromEnv } from '../lib/idempotency';
import { createSweepRunner } from '../lib/sweep';

// The Lambda's report keeps full results only for buckets that need a person (response limit 6 MB).
const sweep = createSweepRunner({
  keep: 'attention',
  concurrency: Number(process.env.SWEEP_CONCURRENCY) || undefined,
});

// At-least-once delivery: with IDEMPOTENCY_TABLE set, a repeated CloudTrail event does not alert twice.
const dedupe = dedupeFromEnv(process.env, logger);

/** EventBridge CloudTrail record, schedule, or manual `{"bucket": …}` in; the report out. */
export const checkHandler = async (event: unknown, context: Context): Promise<Report> => {
  const deps = lambdaDeps(context.invokedFunctionArn);
  if (dedupe) {
    dedupe.registerLambdaContext(context);
    deps.dedupe = dedupe;
  }
  const report = await runInvocation(parseInvocation(event), deps, sweep);
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
