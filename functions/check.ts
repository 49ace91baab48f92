import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import { parseInvocation } from '../lib/domain/parseInvocation';
import { runInvocation } from '../lib/guard';
import type { Report } from '../lib/domain/types';
import { lambdaDeps, logger } from '../lib/runtime/lambdaDeps';

/** EventBridge CloudTrail record, schedule, or manual `{"bucket": …}` in; the report out. */
export const checkHandler = async (event: unknown, context: Context): Promise<Report> => {
  const deps = lambdaDeps(context.invokedFunctionArn);
  const report = await runInvocation(parseInvocation(event), deps);
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
