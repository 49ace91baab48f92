import {
  GetBucketLifecycleConfigurationCommand,
  GetBucketTaggingCommand,
  GetBucketVersioningCommand,
  HeadBucketCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { needsLifecycle, needsTags } from '../domain/decide';
import type { GuardConfig, GuardTag, LiveState, VersioningState } from '../domain/types';
import { CannotRunError, classifyError, describeError, errorName, TransientAwsError } from './errors';

export const GUARD_TAG_KEY = 'mfa-delete-guard';

/**
 * Ask S3 for the bucket's live state: versioning always, tags only when they can change the outcome,
 * lifecycle only for a bucket heading for drift. Throttling and 5xx that outlast the SDK's retries throw.
 */
export async function readLiveState(s3: S3Client, bucket: string, config: GuardConfig): Promise<LiveState> {
  let versioning: VersioningState;
  try {
    const out = await s3.send(new GetBucketVersioningCommand({ Bucket: bucket }));
    versioning = {
      status: out.Status === 'Enabled' || out.Status === 'Suspended' ? out.Status : 'Unversioned',
      mfaDelete:
        out.MFADelete === 'Enabled' || out.MFADelete === 'Disabled' ? out.MFADelete : 'NeverConfigured',
    };
  } catch (err) {
    const kind = classifyError(err);
    if (kind === 'not-found') return { kind: 'gone' };
    if (kind === 'denied') return { kind: 'denied', errorCode: errorName(err), message: describeError(err) };
    if (kind === 'cannot-run')
      throw new CannotRunError(`GetBucketVersioning ${bucket}: ${describeError(err)}`, err);
    throw new TransientAwsError(`GetBucketVersioning ${bucket}: ${describeError(err)}`, err);
  }
  const tag = needsTags(versioning) ? await readGuardTag(s3, bucket) : undefined;
  const lifecycle = needsLifecycle(bucket, versioning, tag, config) ? await hasLifecycle(s3, bucket) : false;
  return tag ? { kind: 'observed', versioning, tag, lifecycle } : { kind: 'observed', versioning, lifecycle };
}

async function readGuardTag(s3: S3Client, bucket: string): Promise<GuardTag | undefined> {
  try {
    const out = await s3.send(new GetBucketTaggingCommand({ Bucket: bucket }));
    const value = out.TagSet?.find((t) => t.Key === GUARD_TAG_KEY)
      ?.Value?.trim()
      .toLowerCase();
    return value === 'required' || value === 'exempt' ? value : undefined;
  } catch (err) {
    if (errorName(err) === 'NoSuchTagSet') return undefined;
    // Without tags we fall back to the deployment's scope; a refusal is not worth failing the check for.
    if (classifyError(err) !== 'transient') return undefined;
    throw new TransientAwsError(`GetBucketTagging ${bucket}: ${describeError(err)}`, err);
  }
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

export type BucketRegionAnswer =
  | { kind: 'region'; region: string }
  | { kind: 'gone' }
  | { kind: 'denied'; errorCode: string; message: string };

/** The bucket's Region, for a manual check that names only the bucket. HeadBucket answers it even on 403/301. */
export async function resolveBucketRegion(s3: S3Client, bucket: string): Promise<BucketRegionAnswer> {
  try {
    const out = await s3.send(new HeadBucketCommand({ Bucket: bucket }));
    if (out.BucketRegion) return { kind: 'region', region: out.BucketRegion };
    return { kind: 'denied', errorCode: 'NoBucketRegion', message: 'HeadBucket gave no x-amz-bucket-region' };
  } catch (err) {
    const header = (err as { $response?: { headers?: Record<string, string> } }).$response?.headers?.[
      'x-amz-bucket-region'
    ];
    if (header) return { kind: 'region', region: header };
    const kind = classifyError(err);
    if (kind === 'not-found') return { kind: 'gone' };
    if (kind === 'denied') return { kind: 'denied', errorCode: errorName(err), message: describeError(err) };
    if (kind === 'cannot-run') throw new CannotRunError(`HeadBucket ${bucket}: ${describeError(err)}`, err);
    throw new TransientAwsError(`HeadBucket ${bucket}: ${describeError(err)}`, err);
  }
}
