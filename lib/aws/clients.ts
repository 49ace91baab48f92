// The S3 clients, one per Region. Every check needs them; the clients of other services live in the modules
// that call them (publishAlert.ts, emitDriftEvents.ts, messageMac.ts, …), loaded only on the paths that do.
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { clientDefaults } from './clientDefaults';

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
        ...clientDefaults,
        ...(this.credentials && { credentials: this.credentials }),
        requestHandler: { ...clientDefaults.requestHandler, httpAgent: agent, httpsAgent: agent },
      });
      this.clients.set(region, client);
    }
    return client;
  }
}
