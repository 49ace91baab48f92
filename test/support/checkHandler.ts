// Load the real check handler (middy + Powertools + the SDK) against a loopback fake AWS. The handler reads its
// environment once, at its first invocation, so the environment is set here, before the import.
import type { Report } from '../../lib/domain/types';
import type { FakeAws } from './fakeAws';
import type { lambdaContext } from './lambdaContext';

export type CheckHandler = (event: unknown, context: ReturnType<typeof lambdaContext>) => Promise<Report>;

/** Every client to the fake, the default bus, quiet logs and no de-dup table, then the caller's overrides. */
export async function loadCheckHandler(
  fake: FakeAws,
  env: Record<string, string> = {},
): Promise<CheckHandler> {
  delete process.env.IDEMPOTENCY_TABLE;
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: fake.url,
    EVENT_BUS_NAME: 'default',
    // The sample records come from three Regions; the function's own (the context ARN's) is eu-west-1.
    SERVED_REGIONS: 'eu-west-1,us-west-2,us-east-1',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    ...env,
  });
  return (await import('../../functions/check')).handler as CheckHandler;
}
