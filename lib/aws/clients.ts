import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';

// Adaptive retry backs off on throttling across all calls of a client, which matters in a sweep.
// A hung connection must not eat the whole Lambda timeout: each attempt is cut off and retried.
// throwOnRequestTimeout: without it, @smithy/node-http-handler 4.x only logs a warning when requestTimeout passes.
const positiveMs = (value: string | undefined, fallback: number) => {
  const n = Number(value);
  return Number.isInteger(n) && n > 0 ? n : fallback;
};
/** Retry and timeout settings every AWS client of the guard shares (S3, SNS, EventBridge, DynamoDB, SQS). */
export const clientDefaults = {
  retryMode: 'adaptive' as const,
  maxAttempts: Number(process.env.AWS_MAX_ATTEMPTS) || 5,
  requestHandler: {
    connectionTimeout: positiveMs(process.env.AWS_CONNECTION_TIMEOUT_MS, 3_000),
    requestTimeout: positiveMs(process.env.AWS_REQUEST_TIMEOUT_MS, 10_000),
    throwOnRequestTimeout: true,
  },
};
const retry = clientDefaults;

/**
 * Whether the SDK is pointed at a custom endpoint (LocalStack, MinIO, moto, a loopback test server):
 * the SDK reads AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE> itself; this only tells S3 to use path-style
 * addressing there, since a dotted bucket name (logs.example.com) cannot be a host name under an IP address.
 */
export function hasCustomS3Endpoint(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.AWS_ENDPOINT_URL_S3?.trim() || env.AWS_ENDPOINT_URL?.trim());
}

/** One S3 client per Region, created on first use and reused: S3 bucket calls must go to the bucket's Region. */
export class S3ClientPool {
  private readonly clients = new Map<string, S3Client>();
  private readonly maxSockets: number;
  private readonly forcePathStyle: boolean;
  private readonly credentials: S3ClientConfig['credentials'] | undefined;

  /**
   * maxSockets: the SDK's agent allows 50 by default, which would cap a sweep's concurrency; 256 is the
   * sweep's maximum. Sockets are opened only as requests need them. `credentials`: another account's
   * (a hub reading a spoke through its role); absent, the default chain's.
   */
  constructor(
    opts: { maxSockets?: number; forcePathStyle?: boolean; credentials?: S3ClientConfig['credentials'] } = {},
  ) {
    this.maxSockets = opts.maxSockets ?? 256;
    this.forcePathStyle = opts.forcePathStyle ?? hasCustomS3Endpoint(process.env);
    this.credentials = opts.credentials;
  }

  get(region: string): S3Client {
    let client = this.clients.get(region);
    if (!client) {
      const agent = { keepAlive: true, maxSockets: this.maxSockets };
      // No followRegionRedirects: the SDK would retry a wrong-Region request silently and the caller could
      // not tell which Region answered. lib/aws/liveState.ts follows S3's redirect itself and records it.
      client = new S3Client({
        region,
        // The middleware stack resolved once per command class, not on every send (a sweep sends the same
        // command thousands of times); nothing changes these clients' middleware after their first request.
        cacheMiddleware: true,
        followRegionRedirects: false,
        ...(this.forcePathStyle && { forcePathStyle: true }),
        ...retry,
        ...(this.credentials && { credentials: this.credentials }),
        requestHandler: { ...retry.requestHandler, httpAgent: agent, httpsAgent: agent },
      });
      this.clients.set(region, client);
    }
    return client;
  }
}

export const newSnsClient = (region?: string) => new SNSClient({ region, ...retry });
export const newEventBridgeClient = (region?: string) => new EventBridgeClient({ region, ...retry });
