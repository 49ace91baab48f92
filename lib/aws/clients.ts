import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';

// Adaptive retry backs off on throttling across all calls of a client, which matters in a sweep.
const retry = { retryMode: 'adaptive' as const, maxAttempts: Number(process.env.AWS_MAX_ATTEMPTS) || 5 };

/** One S3 client per Region, created on first use and reused: S3 bucket calls must go to the bucket's Region. */
export class S3ClientPool {
  private readonly clients = new Map<string, S3Client>();

  get(region: string): S3Client {
    let client = this.clients.get(region);
    if (!client) {
      // followRegionRedirects: a 301 with x-amz-bucket-region is retried in the right Region.
      client = new S3Client({ region, followRegionRedirects: true, ...retry });
      this.clients.set(region, client);
    }
    return client;
  }
}

export const newSnsClient = (region?: string) => new SNSClient({ region, ...retry });
export const newEventBridgeClient = (region?: string) => new EventBridgeClient({ region, ...retry });
