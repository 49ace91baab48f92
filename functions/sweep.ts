import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import type { Report } from '../lib/domain/types';
import { fanOutHook, sweepRunId } from '../lib/fanout/planner';
import { checkInvocation } from '../lib/runtime/checkInvocation';
import { logger } from '../lib/runtime/logger';
import { lazy, lambdaWiring, seeAllFromEnv } from '../lib/runtime/wiring';
import {
  fanOutFromEnv,
  orgInlineMaxAccountsFromEnv,
  sweepConcurrencyFromEnv,
  withOrganizations,
  withTagging,
} from '../lib/runtime/sweepWiring';
import { createSweepRunner } from '../lib/sweep';
import { orgSweepRunner, runHubInvocation } from '../lib/org/hub';

const wiring = lambdaWiring(logger);
const fanOut = lazy(() => fanOutFromEnv(process.env));
const concurrency = sweepConcurrencyFromEnv(process.env);
const seeAll = seeAllFromEnv(process.env);

/**
 * The schedule or a manual `{"all": true}` sweeps every bucket (a CloudTrail record or `{"bucket": …}` is
 * checked as by the check function). The Lambda's report keeps full results only for buckets that need a
 * person (response limit 6 MB). In the sweep Region of a deployed stack, accounts above
 * SWEEP_INLINE_MAX_BUCKETS fan out to the sweepPage function.
 */
export const sweepHandler = async (event: unknown, context: Context): Promise<Report> => {
  const options = await wiring.invocationOptions(context, 'sweep');
  const hub = withOrganizations(await wiring.hub());
  const fan = await fanOut();
  if (hub) {
    // Organization mode: every account through its spoke role, one org digest; past a few accounts, one
    // page message per account (the run ID from the scheduled event, as below).
    const inlineMaxAccounts = orgInlineMaxAccountsFromEnv(process.env);
    const sweep = orgSweepRunner(hub, {
      keep: 'attention',
      concurrency,
      ...(fan && { fanOut: { ...fan, runId: sweepRunId(event), inlineMaxAccounts } }),
    });
    return checkInvocation(
      event,
      await wiring.deps(context, options),
      sweep,
      logger,
      options,
      (inv, deps, s) => runHubInvocation(inv, deps, hub, s),
    );
  }
  // The run ID comes from the scheduled event, so that Lambda's retry of the same event finds its run.
  const sweep = createSweepRunner({
    keep: 'attention',
    concurrency,
    seeAll,
    ...(fan && { fanOut: fanOutHook(fan, sweepRunId(event)) }),
  });
  return checkInvocation(event, withTagging(await wiring.deps(context, options)), sweep, logger, options);
};

export const handler = middy(sweepHandler).use(injectLambdaContext(logger, { resetKeys: true }));
