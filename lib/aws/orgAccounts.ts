// The organization's accounts, as the hub's org sweep needs them: every account with its state, so that
// one that is not ACTIVE is named in the digest's coverage rather than skipped in silence.
import { ListAccountsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { clientDefaults } from './clientDefaults';
import { TransientAwsError, describeError } from './errors';

// Organizations is a global service; the SDK resolves its one endpoint from any Region of the partition.
export const newOrganizationsClient = (region: string) =>
  new OrganizationsClient({ region, ...clientDefaults });

export interface OrgAccount {
  account: string;
  /** ACTIVE, SUSPENDED, PENDING_CLOSURE, … (State, else the older Status field). */
  state: string;
}

/**
 * Every account of the organization, page by page (ListAccounts answers at most 20 a page). Callable from
 * the management account or a delegated administrator; any failure throws, since without the list the
 * sweep cannot say which accounts it covers.
 * https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListAccounts.html
 */
export async function listOrgAccounts(client: OrganizationsClient): Promise<OrgAccount[]> {
  const accounts: OrgAccount[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    try {
      const out = await client.send(new ListAccountsCommand({ ...(token && { NextToken: token }) }));
      for (const a of out.Accounts ?? [])
        if (a.Id) accounts.push({ account: a.Id, state: String(a.State ?? a.Status ?? 'UNKNOWN') });
      token = out.NextToken;
    } catch (err) {
      throw new TransientAwsError(`organizations:ListAccounts: ${describeError(err)}`, err);
    }
    // A token that never ends must not loop for ever: 100,000 accounts is far above any quota.
    if (++pages > 5_000) throw new Error('organizations:ListAccounts kept returning a NextToken');
  } while (token);
  return accounts;
}
