// What only the entry points that sweep use (the sweep and sweepPage functions, the CLI): the Tagging API
// clients of the bulk tag read, the fan-out's run table and page queue, the Organizations client of the org
// sweep. Apart from wiring.ts, so that the check function's bundle holds none of it (wiring.ts, header).
import { TaggingClientPool } from '../aws/taggingClients';
import { DEFAULT_ORG_INLINE_MAX_ACCOUNTS } from '../domain/org';
import { DEFAULT_INLINE_MAX_BUCKETS, type FanOut } from '../fanout/types';
import type { GuardDeps } from '../guard';
import type { Hub } from '../org/hub';
import { lazy, regionFromEnv, type Env } from './wiring';

let taggingPool: TaggingClientPool | undefined;

/**
 * The deps of an entry point that sweeps (the sweep and sweepPage functions, the CLI), with Resource Groups
 * Tagging API clients for the sweep's bulk tag read, built on first use. A function of its own, so that
 * the check function's bundle leaves that SDK client out.
 */
export function withTagging(deps: GuardDeps): GuardDeps {
  return Object.defineProperty(deps, 'tagging', {
    enumerable: true,
    configurable: true,
    get: () => (taggingPool ??= new TaggingClientPool()),
  });
}

/**
 * The fan-out the deployment asks for: SWEEP_RUN_TABLE and SWEEP_QUEUE_URL both set (the sweep Region of a
 * deployed stack). Without them (other Regions, the `local` stage, the CLI) every sweep runs inline.
 */
export async function fanOutFromEnv(env: Env): Promise<FanOut | undefined> {
  const tableName = env.SWEEP_RUN_TABLE?.trim();
  const queueUrl = env.SWEEP_QUEUE_URL?.trim();
  if (!tableName || !queueUrl) return undefined;
  const [{ newDynamoRunStore }, { SqsPageQueue }, { newDynamoDbClient }, { newSqsClient }] =
    await Promise.all([
      import('../aws/dynamoRunStore'),
      import('../aws/sqsPageQueue'),
      import('../aws/dynamoDbClient'),
      import('../aws/sqsClient'),
    ]);
  const max = Number(env.SWEEP_INLINE_MAX_BUCKETS);
  return {
    store: newDynamoRunStore(newDynamoDbClient(), tableName),
    queue: new SqsPageQueue(newSqsClient(), queueUrl),
    inlineMaxBuckets: Number.isInteger(max) && max >= 0 ? max : DEFAULT_INLINE_MAX_BUCKETS,
  };
}

/**
 * The hub of an entry point that sweeps the organization (the sweep function), able to list the
 * organization's accounts: the Organizations client is loaded and built the first time an org sweep is
 * given no account list. A function of its own, like withTagging, so that the check function's bundle
 * leaves that SDK client out.
 */
export function withOrganizations(hub: Hub | undefined, env: Env = process.env): Hub | undefined {
  if (!hub || hub.listAccounts) return hub;
  const list = lazy(async () => {
    const { listOrgAccounts, newOrganizationsClient } = await import('../aws/orgAccounts');
    const organizations = newOrganizationsClient(regionFromEnv(env));
    return () => listOrgAccounts(organizations);
  });
  return Object.assign(hub, { listAccounts: async () => (await list())() });
}

/** ORG_INLINE_MAX_ACCOUNTS: an org sweep over more accounts fans out, one page message per account. */
export function orgInlineMaxAccountsFromEnv(env: Env): number {
  const n = Number(env.ORG_INLINE_MAX_ACCOUNTS?.trim() || NaN);
  return Number.isInteger(n) && n >= 0 ? n : DEFAULT_ORG_INLINE_MAX_ACCOUNTS;
}

/** The sweep's concurrency from SWEEP_CONCURRENCY; unset or not a number: the sweep's default. */
export const sweepConcurrencyFromEnv = (env: Env): number | undefined =>
  Number(env.SWEEP_CONCURRENCY) || undefined;
