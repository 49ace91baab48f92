import { checkBucketName } from './bucketName';
import { defaultRootMfaSerial, isAccountId, isMfaSerial, isProfileName, isRegion } from './awsIds';
import type { Remediation } from './types';

export interface RemediationTarget {
  bucket: string;
  account: string;
  region: string;
  /** true: has a lifecycle configuration; undefined: could not tell. */
  lifecycle?: boolean;
}

export interface RootCredentials {
  /** Root MFA device serial; defaults to the legacy root virtual device of the account. */
  mfaSerial?: string;
  profile: string;
}

export class RemediationInputError extends Error {
  override name = 'RemediationInputError';
}

/** POSIX single-quoting: safe for any string, in any shell word position. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * The bash block a root user pastes after `export MFA_CODE=<code>`: turn MFA delete back on, verify,
 * then clean up the root key. Every interpolated value is validated first and single-quoted anyway.
 */
export function remediationScript(target: RemediationTarget, creds: RootCredentials): Remediation {
  const { bucket, account, region } = validated(target, creds);
  const serial = creds.mfaSerial ?? defaultRootMfaSerial(account, region);
  const q = { bucket: shellQuote(bucket), region: shellQuote(region), profile: shellQuote(creds.profile) };
  const common = `--profile ${q.profile} --region ${q.region} --bucket ${q.bucket}`;
  const warnings: string[] = [
    `Run as the ROOT user of account ${account} with long-term root access keys in the AWS CLI profile "${creds.profile}": S3 refuses MFA requests made with temporary credentials (SSO, assumed roles, CloudShell).`,
    'Delete the root access key as soon as you are done (step 3).',
  ];
  const lifecycleLines: string[] = [];
  if (target.lifecycle !== false) {
    const known = target.lifecycle === true;
    warnings.unshift(
      known
        ? `Bucket ${bucket} has a lifecycle configuration: S3 refuses to enable MFA delete while one exists, so step 1 fails with InvalidBucketState until you remove it. Removing it stops every expiration and transition rule on the bucket (old versions are then kept, and billed, until deleted by hand). Save it first.`
        : `Whether bucket ${bucket} has a lifecycle configuration could not be read. If step 1 fails with InvalidBucketState, a lifecycle configuration is in the way: save it, remove it, and run the block again.`,
    );
    lifecycleLines.push(
      known
        ? '# 0. This bucket has a lifecycle configuration, which blocks MFA delete. Save it, then remove it'
        : '# 0. If step 1 fails with InvalidBucketState, a lifecycle configuration blocks MFA delete. Save it, then remove it',
      '#    (this stops its expiration and transition rules):',
      `#    aws s3api get-bucket-lifecycle-configuration ${common} > ${shellQuote(`lifecycle-${bucket}.json`)}`,
      `#    aws s3api delete-bucket-lifecycle ${common}`,
    );
  }

  const script = [
    `# mfa-delete-guard: turn MFA delete back on for s3://${bucket} (account ${account}, ${region})`,
    `# Run as the ROOT user with long-term access keys in profile ${q.profile}; temporary credentials are refused.`,
    '# First: export MFA_CODE=<6-digit code from the root MFA device>, then paste this whole block.',
    ...lifecycleLines,
    '(',
    '  set -eu',
    '  case "${MFA_CODE:-}" in',
    '    [0-9][0-9][0-9][0-9][0-9][0-9]) ;;',
    "    *) echo 'MFA_CODE must be the 6-digit code from the root MFA device: export MFA_CODE=123456' >&2; exit 1 ;;",
    '  esac',
    '  # 1. Turn versioning and MFA delete back on.',
    `  aws s3api put-bucket-versioning ${common} \\`,
    "    --versioning-configuration 'Status=Enabled,MFADelete=Enabled' \\",
    `    --mfa ${shellQuote(`${serial} `)}"$MFA_CODE"`,
    '  # 2. Verify: expect "Status": "Enabled" and "MFADelete": "Enabled".',
    `  aws s3api get-bucket-versioning ${common}`,
    ')',
    `# 3. When every bucket is done, delete the root access key that profile ${q.profile} holds, then remove the profile:`,
    `#    aws iam delete-access-key --profile ${q.profile} --access-key-id "$(aws configure get aws_access_key_id --profile ${q.profile})"`,
    '',
  ].join('\n');
  return { script, warnings };
}

function validated(target: RemediationTarget, creds: RootCredentials): RemediationTarget {
  const name = checkBucketName(target.bucket, target.region);
  if (!name.valid) throw new RemediationInputError(name.reason);
  if (!isAccountId(target.account))
    throw new RemediationInputError(`account ${JSON.stringify(target.account)} is not a 12-digit ID`);
  if (!isRegion(target.region))
    throw new RemediationInputError(`region ${JSON.stringify(target.region)} is not an AWS Region`);
  if (!isProfileName(creds.profile))
    throw new RemediationInputError(`profile ${JSON.stringify(creds.profile)} is not a safe profile name`);
  if (creds.mfaSerial !== undefined && !isMfaSerial(creds.mfaSerial)) {
    throw new RemediationInputError(
      `MFA serial ${JSON.stringify(creds.mfaSerial)} is not an IAM serial number`,
    );
  }
  return target;
}
