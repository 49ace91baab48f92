/**
 * A small, dependency-free loopback server that speaks enough of AWS's wire protocols
 * (S3 REST-XML path-style, SNS awsQuery, EventBridge JSON 1.1, STS GetCallerIdentity and IAM
 * ListMFADevices in awsQuery) for the real AWS SDK v3 and the real AWS CLI to talk to it. Unlike moto,
 * it models S3 MFA delete: the MFA header must name one of root's devices (when they are registered),
 * and a code is accepted once, as a time-based code is.
 *
 * Never contacts AWS; binds to 127.0.0.1 only.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { createFakeKms, type FakeKms } from './fakeKms';

export interface FakeBucket {
  name: string;
  region: string;
  versioning?: 'Enabled' | 'Suspended';
  mfaDelete?: 'Enabled' | 'Disabled';
  tags?: Record<string, string>;
  lifecycle?: boolean;
  /** ISO timestamp for ListBuckets CreationDate (default 2026-01-01T00:00:00.000Z). */
  creationDate?: string;
  /**
   * The owning account. A bucket with an owner is seen only by keys known (identities) to be in that
   * account: others get AccessDenied, and ListBuckets lists only the signer's. Without: any key sees it.
   */
  account?: string;
}

/** An IAM role STS AssumeRole may hand out: who its trust policy names (exact role or user ARNs). */
export interface FakeRole {
  trusts: string[];
  /** A session lasts this long (AssumeRole's Expiration); default 3600 s. */
  sessionSeconds?: number;
}

export type Fault = {
  status: number;
  code: string;
  message?: string;
  /** How many matching requests fail; default Infinity. */
  times?: number;
  headers?: Record<string, string>;
  delayMs?: number;
};

export interface RecordedRequest {
  service: 's3' | 'sns' | 'events' | 'ssm' | 'sts' | 'iam' | 'kms' | 'tagging' | 'unknown';
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: string;
  operation: string;
  /** Region from the SigV4 credential scope (undefined when unsigned). */
  region?: string;
}

export interface PublishedMessage {
  TopicArn?: string;
  Subject?: string;
  Message: string;
  MessageStructure?: string;
  MessageAttributes?: Record<string, { DataType: string; StringValue?: string }>;
}

export interface PutEventsEntry {
  Source: string;
  DetailType: string;
  Detail: string;
  Resources?: string[];
  EventBusName?: string;
}

/** Who an access key belongs to, as STS GetCallerIdentity answers it. */
export interface FakeIdentity {
  account: string;
  /** `arn:aws:iam::ACCOUNT:root` for root keys, `arn:aws:iam::ACCOUNT:user/NAME` for an IAM user. */
  arn: string;
  /** Default: the account ID for root, `AIDA…` otherwise. */
  userId?: string;
}

export interface FakeAws {
  url: string;
  /** Access key ID → identity. Keys not listed get InvalidClientTokenId from STS, as unknown keys do. */
  identities: Map<string, FakeIdentity>;
  /** Account → serial numbers of its root user's MFA devices, as ListMFADevices lists them. */
  rootMfaDevices: Map<string, string[]>;
  /**
   * Role ARN → trust. STS AssumeRole answers AccessDenied for a role not listed or not trusting the caller
   * (as AWS does for both), else issues a key that acts in the role's account (added to identities).
   */
  roles: Map<string, FakeRole>;
  port: number;
  buckets: Map<string, FakeBucket>;
  requests: RecordedRequest[];
  published: PublishedMessage[];
  putEvents: PutEventsEntry[];
  /** SSM parameters answered by GetParameter (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetParameter.html). */
  parameters: Map<string, { type: 'String' | 'SecureString'; value: string }>;
  /** KMS GenerateMac/VerifyMac with real HMAC keys (test/support/fakeKms.ts). */
  kms: FakeKms;
  /** Adds (or replaces) a bucket; stores a copy. Read live state via `buckets.get(name)`. */
  addBucket(b: FakeBucket): void;
  /** Inject a fault for an operation name (e.g. 'GetBucketVersioning', 'Publish', 'PutEvents', 'ListBuckets', 'HeadBucket', 'GetBucketTagging', 'GetBucketLifecycleConfiguration'), optionally only for one bucket. */
  fail(operation: string, fault: Fault, bucket?: string): void;
  /** PutEvents partial failure: the next N entries get this ErrorCode (HTTP 200, FailedEntryCount>0). */
  failPutEventsEntries(errorCode: string, count: number, message?: string): void;
  stats(): { requests: number; peakInFlight: number; byOperation: Record<string, number> };
  /** Clear requests/published/putEvents/faults/pending entry failures and stats (keeps buckets). */
  reset(): void;
  close(): Promise<void>;
}

export const ROOT_ARN = (account: string) => `arn:aws:iam::${account}:root`;

export interface StartFakeAwsOptions {
  port?: number;
  latencyMs?: number;
  homeRegion?: string;
  redirectWrongRegion?: boolean;
  recordRequests?: boolean;
}

const S3_NS = 'http://s3.amazonaws.com/doc/2006-03-01/';
const SNS_NS = 'http://sns.amazonaws.com/doc/2010-03-31/';
const STS_NS = 'https://sts.amazonaws.com/doc/2011-06-15/';
const IAM_NS = 'https://iam.amazonaws.com/doc/2010-05-08/';
const ACCOUNT = '111122223333';
const OWNER_ID = '75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a';
const DEFAULT_CREATION_DATE = '2026-01-01T00:00:00.000Z';
const XML_DECL = '<?xml version="1.0" encoding="UTF-8"?>\n';

/** Map that notifies on mutation, so direct `fake.buckets.set()` also invalidates the sorted index. */
class BucketMap extends Map<string, FakeBucket> {
  onChange: () => void = () => {};
  override set(key: string, value: FakeBucket): this {
    super.set(key, value);
    this.onChange?.();
    return this;
  }
  override delete(key: string): boolean {
    const r = super.delete(key);
    this.onChange?.();
    return r;
  }
  override clear(): void {
    super.clear();
    this.onChange?.();
  }
}

interface FaultEntry {
  operation: string;
  bucket?: string;
  fault: Fault;
  remaining: number;
}

interface Ctx {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  service: RecordedRequest['service'];
  operation: string;
  bucket?: string;
  region?: string;
  requestId: string;
  extraDelay: number;
  head: boolean;
}

interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export function xmlEscape(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function xmlUnescape(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#x([0-9a-fA-F]+);/g, (_m, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_m, d: string) => String.fromCodePoint(parseInt(d, 10)))
    .replace(/&amp;/g, '&');
}

/** Region (and service) from a SigV4 Authorization header or presigned X-Amz-Credential. */
function parseScope(
  auth: string | undefined,
  query: Record<string, string>,
): { region?: string; service?: string } {
  const src = auth ?? query['X-Amz-Credential'];
  if (!src) return {};
  const m = /Credential=?([^/,\s]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request/.exec(
    auth ? src : `Credential=${src}`,
  );
  if (!m) return {};
  return { region: m[3], service: m[4] };
}

/** The access key ID that signed a request (SigV4 Authorization header). */
function accessKeyOf(auth: string | undefined): string | undefined {
  return auth ? /Credential=([^/,\s]+)\//.exec(auth)?.[1] : undefined;
}

function lowerBound(arr: string[], key: string): number {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((arr[mid] as string) < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function startFakeAws(opts: StartFakeAwsOptions = {}): Promise<FakeAws> {
  const latencyMs = opts.latencyMs ?? 0;
  const homeRegion = opts.homeRegion ?? 'us-east-1';
  // Like S3, a bucket is served only from its own Region: a request signed for another gets 301 + x-amz-bucket-region.
  const redirectWrongRegion = opts.redirectWrongRegion ?? true;
  const recordRequests = opts.recordRequests ?? true;

  const buckets = new BucketMap();
  let sortedNames: string[] | null = null;
  buckets.onChange = () => {
    sortedNames = null;
  };
  const getSorted = (): string[] => {
    if (!sortedNames) sortedNames = [...buckets.keys()].sort();
    return sortedNames;
  };

  const requests: RecordedRequest[] = [];
  const identities = new Map<string, FakeIdentity>();
  const rootMfaDevices = new Map<string, string[]>();
  const roles = new Map<string, FakeRole>();
  let issuedKeys = 0;
  const usedCodes = new Set<string>();
  const published: PublishedMessage[] = [];
  const putEvents: PutEventsEntry[] = [];
  const kms = createFakeKms();
  const faults: FaultEntry[] = [];
  const entryFailures: Array<{ code: string; message: string; remaining: number }> = [];
  let totalRequests = 0;
  let inFlight = 0;
  let peakInFlight = 0;
  let byOperation: Record<string, number> = {};
  let reqCounter = 0;
  const sockets = new Set<import('node:net').Socket>();

  const nextRequestId = (): string => {
    reqCounter += 1;
    return `FAKE${reqCounter.toString(16).toUpperCase().padStart(12, '0')}`;
  };

  const takeFault = (operation: string, bucket: string | undefined): Fault | undefined => {
    if (faults.length === 0) return undefined;
    for (let i = 0; i < faults.length; i++) {
      const f = faults[i] as FaultEntry;
      if (f.operation !== operation) continue;
      if (f.bucket !== undefined && f.bucket !== bucket) continue;
      if (f.remaining <= 0) continue;
      f.remaining -= 1;
      if (f.remaining <= 0) faults.splice(i, 1);
      return f.fault;
    }
    return undefined;
  };

  // ---------------------------------------------------------------- renderers
  const s3Error = (
    ctx: Ctx,
    status: number,
    code: string,
    message: string,
    extra: Record<string, string> = {},
    headers: Record<string, string> = {},
  ): Reply => {
    if (ctx.head) return { status, headers };
    const extraXml = Object.entries(extra)
      .map(([k, v]) => `<${k}>${xmlEscape(v)}</${k}>`)
      .join('');
    return {
      status,
      headers: { 'content-type': 'application/xml', ...headers },
      body:
        `${XML_DECL}<Error><Code>${xmlEscape(code)}</Code><Message>${xmlEscape(message)}</Message>` +
        `${extraXml}<RequestId>${ctx.requestId}</RequestId><HostId>${hostId(ctx.requestId)}</HostId></Error>`,
    };
  };

  const snsError = (
    ctx: Ctx,
    status: number,
    code: string,
    message: string,
    headers: Record<string, string> = {},
  ): Reply => ({
    status,
    headers: { 'content-type': 'text/xml', ...headers },
    body:
      `<ErrorResponse xmlns="${SNS_NS}"><Error><Type>${status >= 500 ? 'Receiver' : 'Sender'}</Type>` +
      `<Code>${xmlEscape(code)}</Code><Message>${xmlEscape(message)}</Message></Error>` +
      `<RequestId>${ctx.requestId}</RequestId></ErrorResponse>`,
  });

  const jsonError = (
    _ctx: Ctx,
    status: number,
    code: string,
    message: string,
    headers: Record<string, string> = {},
  ): Reply => ({
    status,
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': code, ...headers },
    body: JSON.stringify({ __type: code, message }),
  });

  const renderFault = (ctx: Ctx, f: Fault): Reply => {
    const msg = f.message ?? defaultFaultMessage(f.code);
    if (ctx.service === 's3') {
      const extra: Record<string, string> = {};
      if (ctx.bucket && f.code === 'NoSuchBucket') extra['BucketName'] = ctx.bucket;
      return s3Error(ctx, f.status, f.code, msg, extra, f.headers);
    }
    if (ctx.service === 'sns' || ctx.service === 'sts' || ctx.service === 'iam' || ctx.service === 'unknown')
      return snsError(ctx, f.status, f.code, msg, f.headers);
    return jsonError(ctx, f.status, f.code, msg, f.headers);
  };

  // ---------------------------------------------------------------- S3
  const s3Operation = (method: string, bucket: string | undefined, query: Record<string, string>): string => {
    if (!bucket) {
      if (method === 'GET') return 'ListBuckets';
      return 'Unknown';
    }
    const has = (k: string) => Object.prototype.hasOwnProperty.call(query, k);
    if (method === 'HEAD') return 'HeadBucket';
    if (has('versioning'))
      return method === 'GET' ? 'GetBucketVersioning' : method === 'PUT' ? 'PutBucketVersioning' : 'Unknown';
    if (has('tagging'))
      return method === 'GET'
        ? 'GetBucketTagging'
        : method === 'PUT'
          ? 'PutBucketTagging'
          : method === 'DELETE'
            ? 'DeleteBucketTagging'
            : 'Unknown';
    if (has('lifecycle'))
      return method === 'GET'
        ? 'GetBucketLifecycleConfiguration'
        : method === 'PUT'
          ? 'PutBucketLifecycleConfiguration'
          : method === 'DELETE'
            ? 'DeleteBucketLifecycle'
            : 'Unknown';
    if (has('location') && method === 'GET') return 'GetBucketLocation';
    if (method === 'PUT' && Object.keys(query).filter((k) => k !== 'x-id').length === 0)
      return 'CreateBucket';
    return 'Unknown';
  };

  const handleS3 = (ctx: Ctx, query: Record<string, string>, body: string): Reply => {
    const op = ctx.operation;
    if (op === 'ListBuckets') return listBuckets(ctx, query);
    if (op === 'Unknown' || !ctx.bucket) {
      return s3Error(
        ctx,
        501,
        'NotImplemented',
        'A header or query you provided implies functionality that is not implemented (fake S3).',
      );
    }
    const name = ctx.bucket;
    if (op === 'CreateBucket') {
      if (buckets.has(name)) {
        return s3Error(
          ctx,
          409,
          'BucketAlreadyOwnedByYou',
          'Your previous request to create the named bucket succeeded and you already own it.',
          { BucketName: name },
        );
      }
      const loc = /<LocationConstraint>([^<]*)<\/LocationConstraint>/.exec(body)?.[1];
      const region = loc ? (loc === 'EU' ? 'eu-west-1' : loc) : 'us-east-1';
      buckets.set(name, { name, region, creationDate: new Date().toISOString() });
      return { status: 200, headers: { location: `/${name}` } };
    }
    const b = buckets.get(name);
    if (!b) {
      if (ctx.head) return { status: 404 };
      return s3Error(ctx, 404, 'NoSuchBucket', 'The specified bucket does not exist', { BucketName: name });
    }
    // Another account's bucket: its policy does not admit this caller.
    if (b.account !== undefined && signerOf(ctx)?.account !== b.account) {
      if (ctx.head) return { status: 403 };
      return s3Error(ctx, 403, 'AccessDenied', 'Access Denied');
    }
    if (redirectWrongRegion && op !== 'GetBucketLocation' && (ctx.region ?? homeRegion) !== b.region) {
      const hdr = { 'x-amz-bucket-region': b.region };
      if (ctx.head) return { status: 301, headers: hdr };
      return s3Error(
        ctx,
        301,
        'PermanentRedirect',
        'The bucket you are attempting to access must be addressed using the specified endpoint. Please send all future requests to this endpoint.',
        { Endpoint: `${name}.s3.${b.region}.amazonaws.com`, Bucket: name },
        hdr,
      );
    }
    const xml = (inner: string): Reply => ({
      status: 200,
      headers: { 'content-type': 'application/xml' },
      body: XML_DECL + inner,
    });
    switch (op) {
      case 'HeadBucket':
        return {
          status: 200,
          headers: { 'x-amz-bucket-region': b.region, 'x-amz-access-point-alias': 'false' },
        };
      case 'GetBucketLocation':
        return xml(
          b.region === 'us-east-1'
            ? `<LocationConstraint xmlns="${S3_NS}"/>`
            : `<LocationConstraint xmlns="${S3_NS}">${xmlEscape(b.region)}</LocationConstraint>`,
        );
      case 'GetBucketVersioning': {
        let inner = '';
        if (b.versioning) inner += `<Status>${b.versioning}</Status>`;
        if (b.mfaDelete) inner += `<MfaDelete>${b.mfaDelete}</MfaDelete>`;
        return xml(
          inner
            ? `<VersioningConfiguration xmlns="${S3_NS}">${inner}</VersioningConfiguration>`
            : `<VersioningConfiguration xmlns="${S3_NS}"/>`,
        );
      }
      case 'PutBucketVersioning':
        return putBucketVersioning(ctx, b, body);
      case 'GetBucketTagging': {
        const tags = b.tags ? Object.entries(b.tags) : [];
        if (tags.length === 0) {
          return s3Error(ctx, 404, 'NoSuchTagSet', 'The TagSet does not exist', { BucketName: name });
        }
        const tagXml = tags
          .map(([k, v]) => `<Tag><Key>${xmlEscape(k)}</Key><Value>${xmlEscape(v)}</Value></Tag>`)
          .join('');
        return xml(`<Tagging xmlns="${S3_NS}"><TagSet>${tagXml}</TagSet></Tagging>`);
      }
      case 'PutBucketTagging': {
        const tags: Record<string, string> = {};
        for (const m of body.matchAll(/<Tag>\s*<Key>([^<]*)<\/Key>\s*<Value>([^<]*)<\/Value>\s*<\/Tag>/g)) {
          tags[xmlUnescape(m[1] as string)] = xmlUnescape(m[2] as string);
        }
        b.tags = tags;
        return { status: 204 };
      }
      case 'DeleteBucketTagging':
        delete b.tags;
        return { status: 204 };
      case 'GetBucketLifecycleConfiguration':
        if (!b.lifecycle) {
          return s3Error(
            ctx,
            404,
            'NoSuchLifecycleConfiguration',
            'The lifecycle configuration does not exist',
            { BucketName: name },
          );
        }
        return xml(
          `<LifecycleConfiguration xmlns="${S3_NS}"><Rule><ID>expire-noncurrent-versions</ID><Filter><Prefix></Prefix></Filter>` +
            `<Status>Enabled</Status><NoncurrentVersionExpiration><NoncurrentDays>30</NoncurrentDays></NoncurrentVersionExpiration></Rule></LifecycleConfiguration>`,
        );
      case 'PutBucketLifecycleConfiguration':
        if (b.mfaDelete === 'Enabled') {
          return s3Error(
            ctx,
            409,
            'InvalidBucketState',
            'Lifecycle configuration is not supported on a bucket with Mfa Authentication enabled.',
            { BucketName: name },
          );
        }
        b.lifecycle = true;
        return { status: 200 };
      case 'DeleteBucketLifecycle':
        b.lifecycle = false;
        return { status: 204 };
      default:
        return s3Error(ctx, 501, 'NotImplemented', 'Not implemented by fake S3.');
    }
  };

  const putBucketVersioning = (ctx: Ctx, b: FakeBucket, body: string): Reply => {
    const root = /<VersioningConfiguration(?:\s[^>]*)?>([\s\S]*)<\/VersioningConfiguration>/.exec(body);
    const malformed = () =>
      s3Error(
        ctx,
        400,
        'MalformedXML',
        'The XML you provided was not well-formed or did not validate against our published schema',
      );
    if (!root) return malformed();
    const inner = root[1] as string;
    for (const m of inner.matchAll(/<([A-Za-z][\w-]*)[\s/>]/g)) {
      if (m[1] !== 'Status' && m[1] !== 'MfaDelete') return malformed();
    }
    const status = /<Status>\s*([^<]*?)\s*<\/Status>/.exec(inner)?.[1];
    const mfa = /<MfaDelete>\s*([^<]*?)\s*<\/MfaDelete>/.exec(inner)?.[1];
    if (status !== undefined && status !== 'Enabled' && status !== 'Suspended') return malformed();
    if (mfa !== undefined && mfa !== 'Enabled' && mfa !== 'Disabled') return malformed();

    const header = ctx.req.headers['x-amz-mfa'];
    const mfaHeader = Array.isArray(header) ? header[0] : header;
    if (mfaHeader !== undefined && !/^\S+ \d{6}$/.test(mfaHeader)) {
      return s3Error(ctx, 400, 'InvalidArgument', 'Invalid MFA header', {
        ArgumentName: 'x-amz-mfa',
        ArgumentValue: mfaHeader,
      });
    }
    const currentMfa = b.mfaDelete ?? 'Disabled';
    const mfaRequired = currentMfa === 'Enabled' || (mfa !== undefined && mfa !== currentMfa);
    if (mfaRequired && mfaHeader === undefined) {
      return s3Error(ctx, 403, 'AccessDenied', 'Mfa Authentication must be used for this request');
    }
    if (mfa === 'Enabled' && b.lifecycle) {
      return s3Error(
        ctx,
        409,
        'InvalidBucketState',
        'Mfa Authentication is not supported on a bucket with lifecycle configuration. Delete lifecycle configuration before enabling Mfa Authentication.',
        { BucketName: b.name },
      );
    }
    if (mfaHeader !== undefined) {
      // A code works once; and when root's devices are registered, the serial must be one of them.
      const [serial] = mfaHeader.split(' ');
      const signer = identities.get(accessKeyOf(ctx.req.headers.authorization) ?? '');
      const devices = signer ? rootMfaDevices.get(signer.account) : undefined;
      if (usedCodes.has(mfaHeader) || (devices && !devices.includes(serial ?? ''))) {
        return s3Error(ctx, 403, 'AccessDenied', 'Mfa Authentication must be used for this request');
      }
    }
    if (status !== undefined) b.versioning = status as 'Enabled' | 'Suspended';
    if (mfa !== undefined) b.mfaDelete = mfa as 'Enabled' | 'Disabled';
    if (mfaHeader !== undefined) usedCodes.add(mfaHeader);
    return { status: 200 };
  };

  const listBuckets = (ctx: Ctx, query: Record<string, string>): Reply => {
    const has = (k: string) => Object.prototype.hasOwnProperty.call(query, k);
    const paginated =
      has('max-buckets') || has('continuation-token') || has('prefix') || has('bucket-region');
    const names = getSorted();
    let max = Infinity;
    if (paginated) {
      max = 10000;
      if (has('max-buckets')) {
        const n = Number(query['max-buckets']);
        if (!Number.isInteger(n) || n < 1 || n > 10000) {
          return s3Error(
            ctx,
            400,
            'InvalidArgument',
            'Argument max-buckets must be an integer between 1 and 10000',
            {
              ArgumentName: 'max-buckets',
              ArgumentValue: String(query['max-buckets']),
            },
          );
        }
        max = n;
      }
    }
    const prefix = query['prefix'] ?? '';
    const regionFilter = query['bucket-region'];
    const signerAccount = signerOf(ctx)?.account;
    let start = prefix ? lowerBound(names, prefix) : 0;
    const token = query['continuation-token'];
    if (token !== undefined && token !== '') {
      let after: string;
      try {
        after = Buffer.from(token, 'base64url').toString('utf8');
        if (!after.startsWith('fake:')) throw new Error('bad');
        after = after.slice(5);
      } catch {
        return s3Error(ctx, 400, 'InvalidArgument', 'The continuation token provided is incorrect', {
          ArgumentName: 'continuation-token',
          ArgumentValue: token,
        });
      }
      // first name strictly greater than `after`
      let i = lowerBound(names, after);
      if (names[i] === after) i += 1;
      start = Math.max(start, i);
    }
    const page: FakeBucket[] = [];
    let more = false;
    for (let i = start; i < names.length; i++) {
      const n = names[i] as string;
      if (prefix && !n.startsWith(prefix)) break;
      const b = buckets.get(n);
      if (!b) continue;
      if (regionFilter && b.region !== regionFilter) continue;
      if (b.account !== undefined && b.account !== signerAccount) continue;
      if (page.length >= max) {
        more = true;
        break;
      }
      page.push(b);
    }
    let xml = `${XML_DECL}<ListAllMyBucketsResult xmlns="${S3_NS}"><Owner><ID>${OWNER_ID}</ID><DisplayName>fake-owner</DisplayName></Owner><Buckets>`;
    const parts: string[] = [];
    for (const b of page) {
      parts.push(
        `<Bucket><Name>${xmlEscape(b.name)}</Name><CreationDate>${b.creationDate ?? DEFAULT_CREATION_DATE}</CreationDate>` +
          (paginated ? `<BucketRegion>${xmlEscape(b.region)}</BucketRegion>` : '') +
          `</Bucket>`,
      );
    }
    xml += parts.join('') + '</Buckets>';
    const last = page[page.length - 1];
    if (more && last) {
      xml += `<ContinuationToken>${Buffer.from(`fake:${last.name}`, 'utf8').toString('base64url')}</ContinuationToken>`;
    }
    if (has('prefix')) xml += `<Prefix>${xmlEscape(prefix)}</Prefix>`;
    xml += '</ListAllMyBucketsResult>';
    return { status: 200, headers: { 'content-type': 'application/xml' }, body: xml };
  };

  // ---------------------------------------------------------------- STS and IAM (awsQuery)
  const queryOk = (ctx: Ctx, ns: string, inner: string): Reply => ({
    status: 200,
    headers: { 'content-type': 'text/xml' },
    body:
      `<${ctx.operation}Response xmlns="${ns}"><${ctx.operation}Result>${inner}</${ctx.operation}Result>` +
      `<ResponseMetadata><RequestId>${ctx.requestId}</RequestId></ResponseMetadata></${ctx.operation}Response>`,
  });

  const signerOf = (ctx: Ctx): FakeIdentity | undefined =>
    identities.get(accessKeyOf(ctx.req.headers.authorization) ?? '');

  const unknownKey = (ctx: Ctx): Reply =>
    snsError(ctx, 403, 'InvalidClientTokenId', 'The security token included in the request is invalid.');

  /** The role a caller acts as: an assumed-role session's role ARN, else the caller's own ARN. */
  const principalOf = (arn: string): string => {
    const m = /^arn:([\w-]+):sts::(\d{12}):assumed-role\/([^/]+)\/[^/]+$/.exec(arn);
    return m ? `arn:${m[1]}:iam::${m[2]}:role/${m[3]}` : arn;
  };

  // https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
  const assumeRole = (ctx: Ctx, form: URLSearchParams): Reply => {
    const who = signerOf(ctx);
    if (!who) return unknownKey(ctx);
    const roleArn = form.get('RoleArn') ?? '';
    const sessionName = form.get('RoleSessionName') ?? '';
    const m = /^arn:([\w-]+):iam::(\d{12}):role\/(?:[\w+=,.@/-]*\/)?([\w+=,.@-]{1,64})$/.exec(roleArn);
    if (!m || !/^[\w+=,.@-]{2,64}$/.test(sessionName))
      return snsError(ctx, 400, 'ValidationError', 'RoleArn or RoleSessionName is not valid');
    const role = roles.get(roleArn);
    if (!role || !role.trusts.includes(principalOf(who.arn))) {
      return snsError(
        ctx,
        403,
        'AccessDenied',
        `User: ${who.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
      );
    }
    issuedKeys += 1;
    const key = `ASIAFAKE${issuedKeys.toString().padStart(12, '0')}`;
    const account = m[2] as string;
    const sessionArn = `arn:${m[1]}:sts::${account}:assumed-role/${m[3]}/${sessionName}`;
    identities.set(key, { account, arn: sessionArn, userId: `AROAFAKE${issuedKeys}:${sessionName}` });
    const expiration = new Date(Date.now() + (role.sessionSeconds ?? 3600) * 1000).toISOString();
    return queryOk(
      ctx,
      STS_NS,
      `<Credentials><AccessKeyId>${key}</AccessKeyId><SecretAccessKey>fake-secret-${issuedKeys}</SecretAccessKey>` +
        `<SessionToken>fake-session-${issuedKeys}</SessionToken><Expiration>${expiration}</Expiration></Credentials>` +
        `<AssumedRoleUser><Arn>${xmlEscape(sessionArn)}</Arn><AssumedRoleId>AROAFAKE${issuedKeys}:${xmlEscape(sessionName)}</AssumedRoleId></AssumedRoleUser>`,
    );
  };

  const handleSts = (ctx: Ctx, form: URLSearchParams): Reply => {
    if (ctx.operation === 'AssumeRole') return assumeRole(ctx, form);
    if (ctx.operation !== 'GetCallerIdentity') {
      return snsError(
        ctx,
        400,
        'InvalidAction',
        `Could not find operation ${ctx.operation} for version 2011-06-15`,
      );
    }
    const who = signerOf(ctx);
    if (!who) return unknownKey(ctx);
    const userId = who.userId ?? (who.arn.endsWith(':root') ? who.account : 'AIDAEXAMPLEUSERID0001');
    return queryOk(
      ctx,
      STS_NS,
      `<Arn>${xmlEscape(who.arn)}</Arn><UserId>${xmlEscape(userId)}</UserId><Account>${who.account}</Account>`,
    );
  };

  const handleIam = (ctx: Ctx, form: URLSearchParams): Reply => {
    if (ctx.operation !== 'ListMFADevices') {
      return snsError(
        ctx,
        400,
        'InvalidAction',
        `Could not find operation ${ctx.operation} for version 2010-05-08`,
      );
    }
    const who = signerOf(ctx);
    if (!who) return unknownKey(ctx);
    // Without UserName, IAM lists the signer's own devices: root's when root's keys signed.
    const own = who.arn.endsWith(':root') && form.get('UserName') === null;
    const serials = own ? (rootMfaDevices.get(who.account) ?? []) : [];
    const members = serials
      .map(
        (serial) =>
          `<member><SerialNumber>${xmlEscape(serial)}</SerialNumber><EnableDate>2026-01-01T00:00:00Z</EnableDate></member>`,
      )
      .join('');
    return queryOk(ctx, IAM_NS, `<IsTruncated>false</IsTruncated><MFADevices>${members}</MFADevices>`);
  };

  // ---------------------------------------------------------------- SNS
  const handleSns = (ctx: Ctx, form: URLSearchParams): Reply => {
    const action = ctx.operation;
    const ok = (inner: string): Reply => ({
      status: 200,
      headers: { 'content-type': 'text/xml' },
      body:
        `<${action}Response xmlns="${SNS_NS}">${inner}` +
        `<ResponseMetadata><RequestId>${ctx.requestId}</RequestId></ResponseMetadata></${action}Response>`,
    });
    const invalid = (what: string) => snsError(ctx, 400, 'InvalidParameter', `Invalid parameter: ${what}`);
    if (action === 'CreateTopic') {
      const name = form.get('Name') ?? '';
      if (!/^[A-Za-z0-9_-]{1,256}(\.fifo)?$/.test(name)) {
        return invalid('Topic Name');
      }
      const region = ctx.region ?? homeRegion;
      return ok(
        `<CreateTopicResult><TopicArn>arn:aws:sns:${region}:${ACCOUNT}:${xmlEscape(name)}</TopicArn></CreateTopicResult>`,
      );
    }
    if (action === 'Publish') {
      const message = form.get('Message');
      if (message === null || message === '') {
        return snsError(
          ctx,
          400,
          'ValidationError',
          "1 validation error detected: Value null at 'message' failed to satisfy constraint: Member must not be null",
        );
      }
      const topicArn = form.get('TopicArn') ?? undefined;
      const targetArn = form.get('TargetArn') ?? undefined;
      const phone = form.get('PhoneNumber') ?? undefined;
      const arn = topicArn ?? targetArn;
      if (!arn && !phone) return invalid('TopicArn or TargetArn Reason: no value for required parameter');
      if (arn && !/^arn:aws[\w-]*:sns:[a-z0-9-]+:\d{12}:\S+$/.test(arn))
        return invalid(topicArn ? 'TopicArn' : 'TargetArn');
      // SNS answers a topic of another Region with InvalidParameter: the client must go to the topic's Region.
      if (arn && ctx.region && arn.split(':')[3] !== ctx.region)
        return invalid(topicArn ? 'TopicArn' : 'TargetArn');
      if (Buffer.byteLength(message, 'utf8') > 262144) return invalid('Message too long');
      const subject = form.get('Subject') ?? undefined;
      if (
        subject !== undefined &&
        (subject.length === 0 || subject.length > 100 || !/^[\x20-\x7e]+$/.test(subject))
      ) {
        return invalid('Subject');
      }
      const structure = form.get('MessageStructure') ?? undefined;
      if (structure !== undefined) {
        if (structure !== 'json') return invalid('MessageStructure');
        let parsed: unknown;
        try {
          parsed = JSON.parse(message);
        } catch {
          return invalid('Message Structure - JSON message body failed to parse');
        }
        if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
          return invalid('Message Structure - JSON message body failed to parse');
        }
        const def = (parsed as Record<string, unknown>)['default'];
        if (typeof def !== 'string')
          return invalid('Message Structure - No default entry in JSON message body');
      }
      const attrs: Record<string, { DataType: string; StringValue?: string }> = {};
      for (let i = 1; ; i++) {
        const n = form.get(`MessageAttributes.entry.${i}.Name`);
        if (n === null) break;
        const dt = form.get(`MessageAttributes.entry.${i}.Value.DataType`);
        if (!dt)
          return invalid(
            `MessageAttributes: The message attribute '${n}' must contain non-empty message attribute type.`,
          );
        const sv = form.get(`MessageAttributes.entry.${i}.Value.StringValue`);
        attrs[n] = sv === null ? { DataType: dt } : { DataType: dt, StringValue: sv };
      }
      const rec: PublishedMessage = { Message: message };
      if (topicArn !== undefined) rec.TopicArn = topicArn;
      else if (targetArn !== undefined) rec.TopicArn = targetArn;
      if (subject !== undefined) rec.Subject = subject;
      if (structure !== undefined) rec.MessageStructure = structure;
      if (Object.keys(attrs).length > 0) rec.MessageAttributes = attrs;
      published.push(rec);
      return ok(`<PublishResult><MessageId>${randomUUID()}</MessageId></PublishResult>`);
    }
    return snsError(
      ctx,
      400,
      'InvalidAction',
      `The action ${action || '(none)'} is not valid for this endpoint.`,
    );
  };

  // ---------------------------------------------------------------- EventBridge
  // ---------------------------------------------------------------- SSM (GetParameter only)
  const parameters: FakeAws['parameters'] = new Map();
  const handleSsm = (ctx: Ctx, body: string): Reply => {
    if (ctx.operation !== 'GetParameter')
      return jsonError(ctx, 400, 'UnknownOperationException', `Unknown operation ${ctx.operation}`);
    const input = JSON.parse(body || '{}') as { Name?: string; WithDecryption?: boolean };
    const p = input.Name ? parameters.get(input.Name) : undefined;
    if (!input.Name || !p) return jsonError(ctx, 400, 'ParameterNotFound', '');
    // Without WithDecryption a SecureString comes back encrypted: never the plain value.
    const value =
      p.type === 'SecureString' && !input.WithDecryption ? Buffer.from(p.value).toString('base64') : p.value;
    return {
      status: 200,
      headers: { 'content-type': 'application/x-amz-json-1.1' },
      body: JSON.stringify({
        Parameter: {
          Name: input.Name,
          Type: p.type,
          Value: value,
          Version: 1,
          DataType: 'text',
          ARN: `arn:aws:ssm:${ctx.region ?? homeRegion}:${ACCOUNT}:parameter${input.Name.startsWith('/') ? '' : '/'}${input.Name}`,
        },
      }),
    };
  };

  const handleEvents = (ctx: Ctx, body: string): Reply => {
    if (ctx.operation !== 'PutEvents') {
      return jsonError(ctx, 400, 'UnknownOperationException', `Unknown operation ${ctx.operation}`);
    }
    let input: { Entries?: unknown };
    try {
      input = JSON.parse(body || '{}') as { Entries?: unknown };
    } catch {
      return jsonError(
        ctx,
        400,
        'SerializationException',
        'Start of structure or map found where not expected.',
      );
    }
    const entries = input.Entries;
    if (!Array.isArray(entries) || entries.length < 1 || entries.length > 10) {
      return jsonError(
        ctx,
        400,
        'ValidationException',
        `1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length ${Array.isArray(entries) && entries.length > 10 ? 'less than or equal to 10' : 'greater than or equal to 1'}`,
      );
    }
    const results: Array<Record<string, string>> = [];
    let failed = 0;
    for (const raw of entries) {
      const e = (raw ?? {}) as Partial<PutEventsEntry> & Record<string, unknown>;
      const fail = (code: string, message: string) => {
        failed += 1;
        results.push({ ErrorCode: code, ErrorMessage: message });
      };
      const injected = entryFailures[0];
      if (injected) {
        injected.remaining -= 1;
        if (injected.remaining <= 0) entryFailures.shift();
        fail(injected.code, injected.message);
        continue;
      }
      if (typeof e.Source !== 'string' || e.Source === '') {
        fail('InvalidArgument', 'Parameter Source is not valid. Reason: Source is a required argument.');
        continue;
      }
      if (typeof e.DetailType !== 'string' || e.DetailType === '') {
        fail(
          'InvalidArgument',
          'Parameter DetailType is not valid. Reason: DetailType is a required argument.',
        );
        continue;
      }
      if (typeof e.Detail !== 'string' || e.Detail === '') {
        fail('InvalidArgument', 'Parameter Detail is not valid. Reason: Detail is a required argument.');
        continue;
      }
      if (e.Source.startsWith('aws.')) {
        fail('NotAuthorizedForSourceException', 'Not authorized for the source.');
        continue;
      }
      let detailOk = false;
      try {
        const d: unknown = JSON.parse(e.Detail);
        detailOk = !!d && typeof d === 'object' && !Array.isArray(d);
      } catch {
        detailOk = false;
      }
      if (!detailOk) {
        fail('MalformedDetail', 'Detail is malformed.');
        continue;
      }
      const rec: PutEventsEntry = { Source: e.Source, DetailType: e.DetailType, Detail: e.Detail };
      if (Array.isArray(e.Resources)) rec.Resources = e.Resources as string[];
      if (typeof e.EventBusName === 'string') rec.EventBusName = e.EventBusName;
      putEvents.push(rec);
      results.push({ EventId: randomUUID() });
    }
    return {
      status: 200,
      headers: { 'content-type': 'application/x-amz-json-1.1' },
      body: JSON.stringify({ FailedEntryCount: failed, Entries: results }),
    };
  };

  // ---------------------------------------------------------------- Resource Groups Tagging API
  // GetResources as AWS documents it: regional (only buckets of the signing Region), only resources that
  // carry tags, TagFilters (key, optional values), ResourceTypeFilters, 1–100 per page, PaginationToken.
  const handleTagging = (ctx: Ctx, body: string): Reply => {
    if (ctx.operation !== 'GetResources') {
      return jsonError(ctx, 400, 'UnknownOperationException', `Unknown operation ${ctx.operation}`);
    }
    let input: {
      TagFilters?: Array<{ Key?: string; Values?: string[] }>;
      ResourceTypeFilters?: string[];
      ResourcesPerPage?: number;
      PaginationToken?: string;
    };
    try {
      input = JSON.parse(body || '{}') as typeof input;
    } catch {
      return jsonError(ctx, 400, 'SerializationException', 'Could not parse the request body.');
    }
    const perPage = input.ResourcesPerPage ?? 50;
    if (!Number.isInteger(perPage) || perPage < 1 || perPage > 100)
      return jsonError(ctx, 400, 'InvalidParameterException', 'ResourcesPerPage must be between 1 and 100.');
    const types = input.ResourceTypeFilters;
    if (types && types.length && !types.some((t) => t === 's3' || t === 's3:bucket'))
      return {
        status: 200,
        headers: { 'content-type': 'application/x-amz-json-1.1' },
        body: JSON.stringify({ PaginationToken: '', ResourceTagMappingList: [] }),
      };
    const region = ctx.region ?? homeRegion;
    const filters = input.TagFilters ?? [];
    const matches = (tags: Record<string, string>) =>
      filters.every(
        (f) =>
          f.Key !== undefined &&
          Object.prototype.hasOwnProperty.call(tags, f.Key) &&
          (!f.Values?.length || f.Values.includes(tags[f.Key] as string)),
      );
    let start = 0;
    if (input.PaginationToken) {
      const after = Buffer.from(input.PaginationToken, 'base64url').toString('utf8');
      if (!after.startsWith('fake:'))
        return jsonError(ctx, 400, 'PaginationTokenExpiredException', 'The pagination token is not valid.');
      const name = after.slice(5);
      const names = getSorted();
      start = lowerBound(names, name);
      if (names[start] === name) start += 1;
    }
    const list: Array<{ ResourceARN: string; Tags: Array<{ Key: string; Value: string }> }> = [];
    let token = '';
    const names = getSorted();
    for (let i = start; i < names.length; i++) {
      const b = buckets.get(names[i] as string);
      if (!b || b.region !== region || !b.tags || Object.keys(b.tags).length === 0 || !matches(b.tags))
        continue;
      if (list.length >= perPage) {
        token = Buffer.from(`fake:${names[i - 1] as string}`, 'utf8').toString('base64url');
        break;
      }
      list.push({
        ResourceARN: `arn:aws:s3:::${b.name}`,
        Tags: Object.entries(b.tags).map(([Key, Value]) => ({ Key, Value })),
      });
    }
    return {
      status: 200,
      headers: { 'content-type': 'application/x-amz-json-1.1' },
      body: JSON.stringify({ PaginationToken: token, ResourceTagMappingList: list }),
    };
  };

  // ---------------------------------------------------------------- dispatch
  const send = (ctx: Ctx, reply: Reply): void => {
    const { res } = ctx;
    if (res.destroyed || res.writableEnded) return;
    const headers: Record<string, string> = { ...(reply.headers ?? {}) };
    if (ctx.service === 's3') {
      headers['x-amz-request-id'] = ctx.requestId;
      headers['x-amz-id-2'] = hostId(ctx.requestId);
      headers['server'] = 'AmazonS3';
    } else {
      headers['x-amzn-requestid'] = ctx.requestId;
    }
    const body = reply.body ?? '';
    headers['content-length'] = String(ctx.head ? 0 : Buffer.byteLength(body));
    res.writeHead(reply.status, headers);
    res.end(ctx.head ? undefined : body);
  };

  const server = http.createServer((req, res) => {
    totalRequests += 1;
    inFlight += 1;
    if (inFlight > peakInFlight) peakInFlight = inFlight;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      inFlight -= 1;
    };
    res.on('finish', finish);
    res.on('close', finish);

    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = chunks.length ? Buffer.concat(chunks).toString('utf8') : '';
      const method = req.method ?? 'GET';
      const rawUrl = req.url ?? '/';
      const qIdx = rawUrl.indexOf('?');
      const path = qIdx >= 0 ? rawUrl.slice(0, qIdx) : rawUrl;
      const query: Record<string, string> = {};
      if (qIdx >= 0) {
        for (const [k, v] of new URLSearchParams(rawUrl.slice(qIdx + 1))) query[k] = v;
      }
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) {
        if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
      }
      const scope = parseScope(headers['authorization'], query);
      const target = headers['x-amz-target'];
      const contentType = headers['content-type'] ?? '';

      let service: RecordedRequest['service'];
      let operation: string;
      let form: URLSearchParams | undefined;
      let bucket: string | undefined;
      if (target !== undefined) {
        const dot = target.indexOf('.');
        const prefix = dot >= 0 ? target.slice(0, dot) : target;
        operation = dot >= 0 ? target.slice(dot + 1) : target;
        service =
          prefix === 'AWSEvents'
            ? 'events'
            : prefix === 'AmazonSSM'
              ? 'ssm'
              : prefix === 'TrentService'
                ? 'kms'
                : prefix === 'ResourceGroupsTaggingAPI_20170126'
                  ? 'tagging'
                  : 'unknown';
      } else if (method === 'POST' && (scope.service === 'sts' || scope.service === 'iam')) {
        form = new URLSearchParams(body);
        service = scope.service;
        operation = form.get('Action') ?? '';
      } else if (
        method === 'POST' &&
        (contentType.startsWith('application/x-www-form-urlencoded') || /(^|&)Action=/.test(body)) &&
        (scope.service === undefined || scope.service === 'sns')
      ) {
        form = new URLSearchParams(body);
        service = 'sns';
        operation = form.get('Action') ?? '';
      } else if (scope.service !== undefined && scope.service !== 's3') {
        service = 'unknown';
        operation = new URLSearchParams(body).get('Action') ?? 'Unknown';
      } else {
        service = 's3';
        // Path style (/bucket/…); virtual-hosted style only for `bucket.localhost:PORT`.
        const vhost = /^(.+)\.localhost(?::\d+)?$/.exec(headers['host'] ?? '')?.[1];
        const segs = path.split('/');
        const b = vhost ?? (segs[1] ? decodeURIComponent(segs[1]) : undefined);
        bucket = b;
        operation = s3Operation(method, b, query);
      }

      byOperation[operation] = (byOperation[operation] ?? 0) + 1;
      if (recordRequests) {
        const rec: RecordedRequest = { service, method, path, query, headers, body, operation };
        if (scope.region !== undefined) rec.region = scope.region;
        requests.push(rec);
      }

      const ctx: Ctx = {
        req,
        res,
        service,
        operation,
        requestId: nextRequestId(),
        extraDelay: 0,
        head: method === 'HEAD',
      };
      if (bucket !== undefined) ctx.bucket = bucket;
      if (scope.region !== undefined) ctx.region = scope.region;

      let reply: Reply;
      try {
        const fault = takeFault(operation, bucket);
        if (fault) {
          ctx.extraDelay = fault.delayMs ?? 0;
          reply = renderFault(ctx, fault);
        } else if (service === 's3') {
          reply = handleS3(ctx, query, body);
        } else if (service === 'sts') {
          reply = handleSts(ctx, form ?? new URLSearchParams(body));
        } else if (service === 'iam') {
          reply = handleIam(ctx, form ?? new URLSearchParams(body));
        } else if (service === 'sns') {
          reply = handleSns(ctx, form ?? new URLSearchParams(body));
        } else if (service === 'events') {
          reply = handleEvents(ctx, body);
        } else if (service === 'ssm') {
          reply = handleSsm(ctx, body);
        } else if (service === 'kms') {
          const out = kms.handle(operation, body);
          reply =
            'code' in out
              ? jsonError(ctx, out.status, out.code, out.message)
              : { status: 200, headers: { 'content-type': 'application/x-amz-json-1.1' }, body: out.body };
        } else if (service === 'tagging') {
          reply = handleTagging(ctx, body);
        } else if (target !== undefined) {
          reply = jsonError(ctx, 400, 'UnknownOperationException', `Unknown target ${target}`);
        } else {
          reply = snsError(
            ctx,
            400,
            'InvalidAction',
            `The action ${operation} is not valid for this endpoint.`,
          );
        }
      } catch (err) {
        const msg = err instanceof Error ? err.message : String(err);
        reply =
          service === 's3'
            ? s3Error(ctx, 500, 'InternalError', `fake S3 internal error: ${msg}`)
            : service === 'events'
              ? jsonError(ctx, 500, 'InternalException', msg)
              : snsError(ctx, 500, 'InternalError', msg);
      }
      const delay = latencyMs + ctx.extraDelay;
      if (delay > 0) setTimeout(() => send(ctx, reply), delay);
      else send(ctx, reply);
    });
    req.on('error', () => {
      if (!res.destroyed) res.destroy();
    });
  });
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      const port = (server.address() as AddressInfo).port;
      const fake: FakeAws = {
        url: `http://127.0.0.1:${port}`,
        port,
        identities,
        rootMfaDevices,
        roles,
        buckets,
        requests,
        published,
        putEvents,
        parameters,
        kms,
        addBucket(b: FakeBucket) {
          // Stored as a copy: server-side mutations (PutBucketVersioning…) never touch the caller's fixture.
          const copy: FakeBucket = { ...b };
          if (b.tags) copy.tags = { ...b.tags };
          buckets.set(b.name, copy);
        },
        fail(operation: string, fault: Fault, bucket?: string) {
          const entry: FaultEntry = { operation, fault, remaining: fault.times ?? Infinity };
          if (bucket !== undefined) entry.bucket = bucket;
          faults.push(entry);
        },
        failPutEventsEntries(errorCode: string, count: number, message?: string) {
          if (count > 0)
            entryFailures.push({
              code: errorCode,
              message: message ?? defaultFaultMessage(errorCode),
              remaining: count,
            });
        },
        stats() {
          return { requests: totalRequests, peakInFlight, byOperation: { ...byOperation } };
        },
        reset() {
          requests.length = 0;
          published.length = 0;
          putEvents.length = 0;
          faults.length = 0;
          entryFailures.length = 0;
          usedCodes.clear();
          totalRequests = 0;
          peakInFlight = inFlight;
          byOperation = {};
        },
        close() {
          return new Promise<void>((res) => {
            server.close(() => res());
            for (const s of sockets) s.destroy();
            server.closeAllConnections?.();
          });
        },
      };
      resolve(fake);
    });
  });
}

function hostId(requestId: string): string {
  return Buffer.from(`fake-host-${requestId}`).toString('base64');
}

function defaultFaultMessage(code: string): string {
  switch (code) {
    case 'SlowDown':
      return 'Please reduce your request rate.';
    case 'AccessDenied':
      return 'Access Denied';
    case 'InternalError':
      return 'We encountered an internal error. Please try again.';
    case 'ServiceUnavailable':
      return 'Service is unable to handle request.';
    case 'ThrottlingException':
    case 'Throttling':
      return 'Rate exceeded';
    case 'NoSuchBucket':
      return 'The specified bucket does not exist';
    case 'AuthorizationError':
      return 'User is not authorized to perform: SNS:Publish';
    case 'NotFound':
      return 'Topic does not exist';
    default:
      return code;
  }
}
