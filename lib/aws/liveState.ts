import {
  GetBucketLifecycleConfigurationCommand,
  GetBucketVersioningCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { isRegion } from '../domain/awsIds';
import { needsLifecycle, needsTags } from '../domain/decide';
import type { GuardConfig, LiveState, VersioningState } from '../domain/types';
import { readGuardTag, type GuardTagReader } from './bucketTags';
import {
  CannotRunError,
  classifyError,
  describeError,
  errorName,
  httpStatus,
  TransientAwsError,
} from './errors';

export { GUARD_TAG_KEY } from './bucketTags';

/** S3 clients by Region (lib/aws/clients.ts S3ClientPool). */
export interface S3ByRegion {
  get(region: string): S3Client;
}

export interface LiveStateOptions {
  /** How the guard tag is read: GetBucketTagging (the default, freshest) or a sweep's bulk reader. */
  tags?: GuardTagReader;
  /**
   * Read the lifecycle configuration of a bucket heading for drift (default true). A sweep does not: the
   * remediation script looks for one itself right before it changes anything, and the event path keeps
   * its upfront warning.
   */
  lifecycle?: boolean;
}

export interface LiveAnswer {
  live: LiveState;
  /** The Region whose S3 endpoint answered for the bucket; absent when S3 said the bucket is gone. */
  region?: string;
}

/**
 * The Region S3 names in a wrong-Region answer: 301 PermanentRedirect, or 400 (AuthorizationHeaderMalformed,
 * IllegalLocationConstraintException), each with the x-amz-bucket-region header
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html). Only a well-formed Region counts.
 */
export function redirectRegion(err: unknown): string | undefined {
  const status = httpStatus(err);
  if (status !== 301 && status !== 307 && status !== 400) return undefined;
  const headers = (err as { $response?: { headers?: Record<string, string | undefined> } }).$response
    ?.headers;
  const region = headers?.['x-amz-bucket-region']?.trim();
  return isRegion(region) ? region : undefined;
}

/**
 * Ask S3 for the bucket's live state: versioning always, tags only when they can change the outcome,
 * lifecycle only for a bucket heading for drift (and only when asked). The first call goes to
 * `regionHint`; S3 serves a bucket only from its own Region and answers any other with a redirect naming
 * it, so the call is repeated once there, and the Region that answered is the one reported. No HeadBucket
 * is needed. Throttling and 5xx that outlast the SDK's retries throw.
 */
export async function readLiveState(
  s3: S3ByRegion,
  bucket: string,
  regionHint: string,
  config: GuardConfig,
  opts: LiveStateOptions = {},
): Promise<LiveAnswer> {
  let region = regionHint;
  let versioning: VersioningState | undefined;
  // At most one redirect is followed: a second one would be a loop.
  for (let redirected = false; !versioning;) {
    try {
      const out = await s3.get(region).send(new GetBucketVersioningCommand({ Bucket: bucket }));
      versioning = {
        status: out.Status === 'Enabled' || out.Status === 'Suspended' ? out.Status : 'Unversioned',
        mfaDelete:
          out.MFADelete === 'Enabled' || out.MFADelete === 'Disabled' ? out.MFADelete : 'NeverConfigured',
      };
    } catch (err) {
      const named = redirectRegion(err);
      if (named && !redirected && named !== region) {
        region = named;
        redirected = true;
        continue;
      }
      if (named)
        throw new TransientAwsError(
          `GetBucketVersioning ${bucket}: S3 in ${region} redirected to ${named} again`,
          err,
        );
      const kind = classifyError(err);
      if (kind === 'not-found') return { live: { kind: 'gone' } };
      if (kind === 'denied')
        return { region, live: { kind: 'denied', errorCode: errorName(err), message: describeError(err) } };
      if (kind === 'cannot-run')
        throw new CannotRunError(`GetBucketVersioning ${bucket}: ${describeError(err)}`, err);
      throw new TransientAwsError(`GetBucketVersioning ${bucket}: ${describeError(err)}`, err);
    }
  }
  const client = s3.get(region);
  const tag = needsTags(versioning) ? await (opts.tags ?? readGuardTag)(client, bucket, region) : undefined;
  const live: LiveState = { kind: 'observed', versioning };
  if (tag) live.tag = tag;
  if (!needsLifecycle(bucket, versioning, tag, config)) live.lifecycle = false;
  else live.lifecycle = (opts.lifecycle ?? true) ? await hasLifecycle(client, bucket) : 'not-read';
  return { region, live };
}

/** true / false, or undefined when S3 would not say. */
async function hasLifecycle(s3: S3Client, bucket: string): Promise<boolean | undefined> {
  try {
    const out = await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }));
    return (out.Rules?.length ?? 0) > 0;
  } catch (err) {
    if (errorName(err) === 'NoSuchLifecycleConfiguration') return false;
    if (classifyError(err) !== 'transient') return undefined;
    throw new TransientAwsError(`GetBucketLifecycleConfiguration ${bucket}: ${describeError(err)}`, err);
  }
}
