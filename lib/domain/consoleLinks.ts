// Console deep links for the alert. AWS documents no URL scheme for its console; these are the forms in
// wide public use (the S3 bucket page with ?region=&tab=properties, CloudTrail event history filtered
// with #/events?EventId=). A link is only a convenience: every value it needs is also printed as text.
import { isValidBucketName } from './bucketName';
import { isRegion, partitionOf } from './awsIds';
import type { CheckResult } from './types';

export interface ConsoleLinks {
  /** The bucket's Properties tab, where Bucket Versioning (and MFA delete's state) is shown. */
  bucket?: string;
  /** CloudTrail event history filtered to the event that triggered the check. */
  cloudTrailEvent?: string;
}

const HOST = 'console.aws.amazon.com';

// CloudTrail event IDs are UUIDs; anything else came from a record we should not turn into a link.
const EVENT_ID = /^[0-9a-fA-F-]{36}$/;

export function consoleLinks(r: Pick<CheckResult, 'bucket' | 'region' | 'event'>): ConsoleLinks {
  const links: ConsoleLinks = {};
  // Only the commercial partition: the China and GovCloud consoles live elsewhere and were not checked.
  if (!r.region || !isRegion(r.region) || partitionOf(r.region) !== 'aws') return links;
  const host = HOST;
  const region = encodeURIComponent(r.region);
  if (isValidBucketName(r.bucket, r.region)) {
    links.bucket = `https://s3.${host}/s3/buckets/${encodeURIComponent(r.bucket)}?region=${region}&tab=properties`;
  }
  if (r.event?.id && EVENT_ID.test(r.event.id)) {
    links.cloudTrailEvent = `https://${r.region}.${host}/cloudtrail/home?region=${region}#/events?EventId=${encodeURIComponent(r.event.id)}`;
  }
  return links;
}
