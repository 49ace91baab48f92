import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import type { Report } from '../lib/domain/types';
import { checkInvocation } from '../lib/runtime/checkInvocation';
import { logger } from '../lib/runtime/logger';
import { lambdaWiring } from '../lib/runtime/wiring';
import { sweepElsewhereRunner } from '../lib/sweep';
import { runHubInvocation } from '../lib/org/hub';

const wiring = lambdaWiring(logger);

// This function does not sweep (its role may not list buckets): {"all": true} and a scheduled event get an
// invalid-input result that names the sweep function (parseInvocation's `sweep` option); the runner is the
// last line should one get through.
const refuseSweep = sweepElsewhereRunner(process.env.SWEEP_FUNCTION_NAME?.trim());

/** EventBridge CloudTrail record or manual `{"bucket": …}` in; the report out. */
export const checkHandler = async (event: unknown, context: Context): Promise<Report> => {
  // Believe a CloudTrail record only from this function's own account (a hub: also the organization's
  // member accounts, lib/domain/org.ts) and served Regions.
  const options = await wiring.invocationOptions(context, 'check');
  const hub = await wiring.hub();
  return checkInvocation(
    event,
    await wiring.deps(context, options),
    refuseSweep,
    logger,
    options,
    hub && ((inv, deps, sweep) => runHubInvocation(inv, deps, hub, sweep)),
  );
};

export const handler = middy(checkHandler).use(injectLambdaContext(logger, { resetKeys: true }));
