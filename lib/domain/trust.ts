// What a CloudTrail record must be to be believed. Anyone allowed lambda:InvokeFunction can hand the check
// function a record shaped like CloudTrail; the live check confirms the bucket's state, but the account,
// Region and caller in the alert come from the record. A record from an account the function does not
// guard, or a Region its stack does not serve, cannot have come from the stack's own rules.
import { describe } from './bucketName';
import type { CloudTrailCall } from './types';

export interface TrustPolicy {
  /** The account the function runs in (from its ARN, or STS where the ARN is a placeholder). */
  account: string;
  /** The Regions whose rules deliver to this function; empty: only `account` is checked. */
  regions: readonly string[];
  /**
   * Organization mode (a hub guarding member accounts): whether `account` is a member. Unset: only the
   * function's own account is believed.
   */
  isMember?: (account: string) => boolean;
}

/** Why the record cannot be believed, or undefined when it can. */
export function untrustedReason(record: CloudTrailCall, policy: TrustPolicy): string | undefined {
  const ownOrMember = record.account === policy.account || (policy.isMember?.(record.account) ?? false);
  if (!ownOrMember) {
    return `the record's account ${describe(record.account)} is not the account this function guards (${policy.account}); it was not delivered by the guard's own rule`;
  }
  if (policy.regions.length && !policy.regions.includes(record.region)) {
    return `the record's Region ${describe(record.region)} is not one this stack serves (${policy.regions.join(', ')})`;
  }
  return undefined;
}
