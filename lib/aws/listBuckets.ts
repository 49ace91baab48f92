import { ListBucketsCommand, type S3Client } from '@aws-sdk/client-s3';
import { TransientAwsError, describeError } from './errors';

/** A bucket as ListBuckets names it. `region` is absent when S3 did not say (unpaginated answers). */
export interface ListedBucket {
  name: string;
  region?: string;
}

export interface BucketPage {
  buckets: ListedBucket[];
  /** The token for the page after this one; absent on the last page. */
  nextToken?: string;
}

/** ListBuckets accepts 1–10,000 for MaxBuckets (https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListBuckets.html). */
export const MAX_PAGE_SIZE = 10_000;
export const DEFAULT_PAGE_SIZE = 1_000;

/**
 * One page of ListBuckets. MaxBuckets is always sent: only paginated requests return BucketRegion, and
 * unpaginated ones are refused for accounts allowed more than 10,000 buckets. Listing failures throw:
 * without the list there is no sweep to report.
 */
export async function listBucketPage(
  s3: S3Client,
  opts: { pageSize?: number; continuationToken?: string } = {},
): Promise<BucketPage> {
  const pageSize = Math.min(Math.max(Math.trunc(opts.pageSize ?? DEFAULT_PAGE_SIZE), 1), MAX_PAGE_SIZE);
  try {
    const out = await s3.send(
      new ListBucketsCommand({
        MaxBuckets: pageSize,
        ...(opts.continuationToken && { ContinuationToken: opts.continuationToken }),
      }),
    );
    const buckets: ListedBucket[] = [];
    for (const b of out.Buckets ?? []) {
      if (!b.Name) continue;
      buckets.push(b.BucketRegion ? { name: b.Name, region: b.BucketRegion } : { name: b.Name });
    }
    return out.ContinuationToken ? { buckets, nextToken: out.ContinuationToken } : { buckets };
  } catch (err) {
    throw new TransientAwsError(`ListBuckets: ${describeError(err)}`, err);
  }
}

/**
 * Every page of the account's buckets, in order. The next page is requested while the caller works
 * through the current one, so checking never waits on listing; at most two pages are held at once,
 * which keeps memory flat however many buckets the account has.
 */
export async function* listBucketPages(
  s3: S3Client,
  opts: { pageSize?: number; continuationToken?: string; maxPages?: number } = {},
): AsyncGenerator<BucketPage> {
  const maxPages = opts.maxPages ?? Infinity;
  let pending: Promise<BucketPage> | undefined = listBucketPage(s3, opts);
  for (let fetched = 1; pending; fetched++) {
    const page: BucketPage = await pending;
    pending =
      page.nextToken && fetched < maxPages
        ? listBucketPage(s3, { pageSize: opts.pageSize, continuationToken: page.nextToken })
        : undefined;
    // A rejected prefetch must not surface as an unhandled rejection if the caller stops early.
    pending?.catch(() => undefined);
    yield page;
  }
}

/** Every bucket, one at a time (see listBucketPages). */
export async function* listAllBuckets(
  s3: S3Client,
  opts: { pageSize?: number } = {},
): AsyncGenerator<ListedBucket> {
  for await (const page of listBucketPages(s3, opts)) yield* page.buckets;
}
