// Validators for the AWS identifiers that end up in API calls and in the remediation script.

export const isAccountId = (v: unknown): v is string => typeof v === 'string' && /^\d{12}$/.test(v);

// Commercial, China, GovCloud and ISO partitions all follow <area>-<direction>-<n>, e.g. us-gov-west-1.
export const isRegion = (v: unknown): v is string =>
  typeof v === 'string' && /^[a-z]{2}(?:-[a-z]+){1,3}-\d{1,2}$/.test(v);

// IAM's SerialNumber: 9–256 characters of [\w+=/:,.@-] (a virtual device ARN or a hardware serial).
export const isMfaSerial = (v: unknown): v is string =>
  typeof v === 'string' && /^[\w+=/:,.@-]{9,256}$/.test(v);

// A named AWS CLI profile; deliberately narrow so that it is safe in any shell position.
export const isProfileName = (v: unknown): v is string =>
  typeof v === 'string' && /^[A-Za-z0-9_.@+-]{1,64}$/.test(v);

export const partitionOf = (region: string): 'aws' | 'aws-cn' | 'aws-us-gov' =>
  region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';

/** The root user's legacy virtual MFA device ARN, the default serial for the remediation script. */
export const defaultRootMfaSerial = (account: string, region: string): string =>
  `arn:${partitionOf(region)}:iam::${account}:mfa/root-account-mfa-device`;
