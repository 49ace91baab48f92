// The mfa-delete-guard tag of one bucket, from S3 itself (GetBucketTagging): the freshest value, which
// the event path and manual checks use. A sweep reads the tags in bulk instead (lib/aws/bulkTags.ts).
import { GetBucketTaggingCommand, type S3Client } from '@aws-sdk/client-s3';
import type { GuardTag } from '../domain/types';
import { classifyError, describeError, errorName, TransientAwsError } from './errors';

export const GUARD_TAG_KEY = 'mfa-delete-guard';

/** The guard tag of `bucket`, which S3 confirmed lives in `region`; `s3` is that Region's client. */
export type GuardTagReader = (s3: S3Client, bucket: string, region: string) => Promise<GuardTag | undefined>;

/** A tag value as the guard reads it: `required` or `exempt` (any case, trimmed); anything else is no tag. */
export function guardTagOf(value: string | undefined): GuardTag | undefined {
  const v = value?.trim().toLowerCase();
  return v === 'required' || v === 'exempt' ? v : undefined;
}

/** GetBucketTagging: one call for one bucket. */
export const readGuardTag: GuardTagReader = async (s3, bucket) => {
  try {
    const out = await s3.send(new GetBucketTaggingCommand({ Bucket: bucket }));
    return guardTagOf(out.TagSet?.find((t) => t.Key === GUARD_TAG_KEY)?.Value);
  } catch (err) {
    if (errorName(err) === 'NoSuchTagSet') return undefined;
    // Without tags we fall back to the deployment's scope; a refusal is not worth failing the check for.
    if (classifyError(err) !== 'transient') return undefined;
    throw new TransientAwsError(`GetBucketTagging ${bucket}: ${describeError(err)}`, err);
  }
};
