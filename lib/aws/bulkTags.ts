// A sweep's guard tags in bulk: the Resource Groups Tagging API's GetResources lists, per Region, every
// bucket carrying the tag key, up to 100 a call, so a sweep spends one call per hundred tagged buckets
// rather than one GetBucketTagging per bucket. That API is regional, eventually consistent and lists only
// tagged resources (https://docs.aws.amazon.com/resourcegroupstagging/latest/APIReference/API_GetResources.html);
// the event path keeps GetBucketTagging for the freshest value.
import {
  GetResourcesCommand,
  type ResourceGroupsTaggingAPIClient,
} from '@aws-sdk/client-resource-groups-tagging-api';
import type { GuardTag } from '../domain/types';
import { GUARD_TAG_KEY, guardTagOf, readGuardTag, type GuardTagReader } from './bucketTags';
import { describeError } from './errors';

/** GetResources returns at most 100 resources a page. */
const RESOURCES_PER_PAGE = 100;

/** The bucket name of an S3 bucket ARN (arn:PARTITION:s3:::NAME); undefined for anything else. */
export function bucketOfArn(arn: string | undefined): string | undefined {
  const m = /^arn:[a-z-]+:s3:::([^/]+)$/.exec(arn ?? '');
  return m?.[1];
}

/** Every bucket of the Region that carries the guard tag key, with its value read as the guard reads it. */
export async function listGuardTags(tagging: ResourceGroupsTaggingAPIClient): Promise<Map<string, GuardTag>> {
  const tags = new Map<string, GuardTag>();
  let token: string | undefined;
  do {
    const out = await tagging.send(
      new GetResourcesCommand({
        TagFilters: [{ Key: GUARD_TAG_KEY }],
        // service[:resourceType]; a bucket ARN has no resource type, so the service alone. Access points
        // and other S3 resources that it also matches are dropped by bucketOfArn.
        ResourceTypeFilters: ['s3'],
        ResourcesPerPage: RESOURCES_PER_PAGE,
        ...(token && { PaginationToken: token }),
      }),
    );
    for (const mapping of out.ResourceTagMappingList ?? []) {
      const bucket = bucketOfArn(mapping.ResourceARN);
      const tag = guardTagOf(mapping.Tags?.find((t) => t.Key === GUARD_TAG_KEY)?.Value);
      if (bucket && tag) tags.set(bucket, tag);
    }
    token = out.PaginationToken || undefined;
  } while (token);
  return tags;
}

export interface BulkTagLog {
  warn(message: string, ...extra: Array<Record<string, unknown>>): void;
}

/**
 * A reader for one sweep: the first bucket of a Region that needs its tag reads the whole Region's guard
 * tags with GetResources; the other buckets of that Region wait for the same answer. If GetResources
 * fails there (no tag:GetResources permission, the API unavailable), that Region falls back to
 * GetBucketTagging per bucket, so a sweep never reports a tagged bucket as untagged.
 */
export function bulkGuardTagReader(
  taggingFor: (region: string) => ResourceGroupsTaggingAPIClient,
  log?: BulkTagLog,
): GuardTagReader {
  const byRegion = new Map<string, Promise<Map<string, GuardTag> | undefined>>();
  return async (s3, bucket, region) => {
    let pending = byRegion.get(region);
    if (!pending) {
      pending = listGuardTags(taggingFor(region)).catch((err: unknown) => {
        log?.warn('GetResources failed: reading tags bucket by bucket in this Region', {
          region,
          error: describeError(err),
        });
        return undefined;
      });
      byRegion.set(region, pending);
    }
    const tags = await pending;
    return tags ? tags.get(bucket) : readGuardTag(s3, bucket, region);
  };
}
