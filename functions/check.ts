import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import type { Report } from '../lib/domain/types';
import { checkInvocation } from '../lib/runtime/checkInvocation';
import { logger } from '../lib/runtime/logger';
import { lambdaWiring } from '../lib/runtime/wiring';
import { sweepElsewhereRunner } from '../lib/sweep';

const wiring = lambdaWiring(logger);

// This function does not sweep (its role may not list buckets): {"all": true} gets an invalid-input
// result that names the sweep function; a scheduled sweep sent here fails, to raise the Errors alarm.
const refuseSweep = sweepElsewhereRunner(process.env.SWEEP_FUNCTION_NAME?.trim());

/** EventBridge CloudTrail record or manual `{"bucket": …}` in; the report out. */
export const checkHandler = async (event: unknown, context: Context): Promise<Report> =>
  checkInvocation(event, await wiring.deps(context), refuseSweep, logger);

export const handler = middy(checkHandler).use(injectLambdaContext(logger, { resetKeys: true }));
