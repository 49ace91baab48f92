// Organization mode (docs/organization.md): one hub account guards every member account through a read-only
// spoke role in each. This module is pure: the hub's settings, the spoke role's ARN, and what an org sweep
// says about coverage. AWS calls live in lib/aws/spokeSessions.ts and lib/aws/orgAccounts.ts.
import { ConfigError } from './config';
import type { StatusCounts } from './digest';
import { cleanText } from './text';
import type { GuardConfig } from './types';

type Env = Record<string, string | undefined>;

/** The hub's settings; undefined in a standalone deployment (no ORG_MODE). */
export interface OrgConfig {
  mode: 'hub';
  /** o-…: the organization whose accounts the hub guards. */
  organizationId: string;
  /** An explicit list of member accounts; absent: the organization's ACTIVE accounts (ListAccounts). */
  accounts?: string[];
  /** The name of the read-only role every spoke account holds. */
  spokeRoleName: string;
}

export const DEFAULT_SPOKE_ROLE_NAME = 'mfa-delete-guard-spoke';
/** Org sweeps over more accounts than this fan out, one page-queue message per account. */
export const DEFAULT_ORG_INLINE_MAX_ACCOUNTS = 10;
const ACCOUNT = /^\d{12}$/;
// https://docs.aws.amazon.com/organizations/latest/APIReference/API_Organization.html (Id pattern)
const ORGANIZATION_ID = /^o-[a-z0-9]{10,32}$/;
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_Role.html (RoleName pattern, 64 characters)
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;

export const isAccountId = (value: string) => ACCOUNT.test(value);

/** ORG_MODE, ORG_ID, ORG_ACCOUNTS, SPOKE_ROLE_NAME; a bad value stops the function at start-up, loudly. */
export function orgConfigFromEnv(env: Env): OrgConfig | undefined {
  const mode = env.ORG_MODE?.trim() ?? '';
  if (mode === '' || mode === 'standalone') return undefined;
  if (mode !== 'hub')
    throw new ConfigError(
      `ORG_MODE must be "hub" or empty (standalone), not ${JSON.stringify(env.ORG_MODE)}`,
    );
  const organizationId = env.ORG_ID?.trim() ?? '';
  if (!ORGANIZATION_ID.test(organizationId))
    throw new ConfigError(`ORG_ID ${JSON.stringify(env.ORG_ID ?? '')} is not an organization ID (o-…)`);
  const listed = (env.ORG_ACCOUNTS ?? '')
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  for (const a of listed)
    if (!isAccountId(a))
      throw new ConfigError(`ORG_ACCOUNTS entry ${JSON.stringify(a)} is not a 12-digit account ID`);
  const spokeRoleName = env.SPOKE_ROLE_NAME?.trim() || DEFAULT_SPOKE_ROLE_NAME;
  if (!ROLE_NAME.test(spokeRoleName))
    throw new ConfigError(`SPOKE_ROLE_NAME ${JSON.stringify(spokeRoleName)} is not an IAM role name`);
  return {
    mode: 'hub',
    organizationId,
    spokeRoleName,
    ...(listed.length && { accounts: [...new Set(listed)] }),
  };
}

/** The spoke role of one account, in the hub's partition (taken from the hub's Region). */
export function spokeRoleArn(org: Pick<OrgConfig, 'spokeRoleName'>, account: string, region: string): string {
  const partition = region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
  return `arn:${partition}:iam::${account}:role/${org.spokeRoleName}`;
}

/**
 * Whether the hub believes a record from `account`: the hub's own account, a listed account, or (no list)
 * any account, since only the organization's accounts may put events on the hub's bus and the hub may
 * assume only roles inside the organization (aws:ResourceOrgID on its sts:AssumeRole grant).
 */
export function isMember(org: OrgConfig, hubAccount: string | undefined, account: string): boolean {
  if (!isAccountId(account)) return false;
  if (account === hubAccount || !org.accounts) return true;
  return org.accounts.includes(account);
}

/**
 * The settings a member account is checked with: the root MFA serial configured for the hub is the hub
 * account's own, so a member's script finds its root's device itself.
 */
export const memberConfig = (config: GuardConfig): GuardConfig => ({ ...config, rootMfaSerial: undefined });

/** One account as an org sweep saw it. */
export type AccountOutcome =
  | { account: string; covered: true; total: number; counts: StatusCounts }
  | { account: string; covered: false; reason: string };

/** What the org digest says above the buckets: every account's counts, then every account not checked. */
export function orgDigestLines(accounts: AccountOutcome[]): string[] {
  const covered = accounts.filter((a) => a.covered);
  const missing = accounts.filter((a): a is Extract<AccountOutcome, { covered: false }> => !a.covered);
  // Worst first: most drift, then most unverified, then by account ID.
  const sorted = [...covered].sort(
    (a, b) =>
      (b.counts.drift ?? 0) - (a.counts.drift ?? 0) ||
      (b.counts.unverified ?? 0) - (a.counts.unverified ?? 0) ||
      (a.account < b.account ? -1 : 1),
  );
  const lines = [
    `ACCOUNTS: ${accounts.length} (${covered.length} checked, ${missing.length} not covered)`,
    ...sorted.map((a) => {
      const c = a.counts;
      return `  ${a.account}  ${String(a.total).padStart(7)} bucket${a.total === 1 ? ' ' : 's'}  drift ${c.drift ?? 0}  unverified ${c.unverified ?? 0}  compliant ${c.compliant ?? 0}`;
    }),
    '',
  ];
  if (missing.length) {
    lines.push(
      `NOT COVERED (${missing.length}): these accounts were not checked; fix the cause, the next sweep covers them`,
      ...[...missing]
        .sort((a, b) => (a.account < b.account ? -1 : 1))
        .map((a) => `  ${a.account}  ${cleanText(a.reason, 300)}`),
      '',
    );
  }
  return lines;
}
