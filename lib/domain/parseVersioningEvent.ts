import * as z from 'zod/mini';
import { lazySchema } from './schema';
import { checkBucketName, describe } from './bucketName';
import { isAccountId, isRegion } from './awsIds';
import {
  GUARD_TAG_KEY,
  type Actor,
  type ActorType,
  type CloudTrailCall,
  type GuardTagChange,
  type RequestedVersioning,
  type TagChangeRecord,
  type TaggingCall,
  type VersioningChangeRecord,
} from './types';

type NotARecord =
  | { kind: 'ignored'; reason: string }
  | { kind: 'invalid'; reason: string; bucket?: string; account?: string; region?: string };

export type ParsedVersioningEvent = { kind: 'record'; record: VersioningChangeRecord } | NotARecord;

/** Any S3 CloudTrail record the guard acts on: a versioning change or a change of the guard's tag. */
export type ParsedS3Event =
  | { kind: 'record'; record: VersioningChangeRecord }
  | { kind: 'tagging'; record: TagChangeRecord }
  | NotARecord;

const TAGGING_CALLS: readonly TaggingCall[] = ['PutBucketTagging', 'DeleteBucketTagging'];

// Older CloudTrail records wrap request values in one-element arrays (`"host": ["…"]`); newer ones do not.
const unwrap = (v: unknown): unknown => (Array.isArray(v) && v.length === 1 ? v[0] : v);
/** The value with its one-element array unwrapped first (classic zod's z.preprocess(unwrap, schema)). */
const unwrapped = <T extends z.core.$ZodType>(schema: T) => z.pipe(z.transform(unwrap), schema);
// Caller-chosen fields (the user agent above all) are cut to 2048 characters, not dropped: an over-long
// value must not make the evidence disappear from the alert.
const MAX_FIELD = 2048;
/** Optional, and undefined when it does not parse: one bad field must not lose the record. */
const lenient = <T extends z.core.$ZodType>(schema: T) => z.catch(z.optional(schema), undefined);

const schemas = lazySchema(() => {
  const text = unwrapped(z.string());
  const optionalText = lenient(
    unwrapped(
      z.pipe(
        z.string(),
        z.transform((s) => (s.length > MAX_FIELD ? s.slice(0, MAX_FIELD) : s)),
      ),
    ),
  );

  const SessionContext = lenient(
    z.object({
      sessionIssuer: lenient(z.object({ arn: optionalText, userName: optionalText })),
      attributes: lenient(
        z.object({ mfaAuthenticated: z.optional(unwrapped(z.union([z.string(), z.boolean()]))) }),
      ),
    }),
  );

  const UserIdentity = z.object({
    type: optionalText,
    arn: optionalText,
    principalId: optionalText,
    accountId: optionalText,
    accessKeyId: optionalText,
    userName: optionalText,
    invokedBy: optionalText,
    sessionContext: SessionContext,
  });

  // Each field on its own: a bad Status (S3 refuses it) must not hide that the caller asked for MfaDelete=Disabled.
  const VersioningConfiguration = z.object({
    Status: lenient(unwrapped(z.enum(['Enabled', 'Suspended']))),
    MfaDelete: lenient(unwrapped(z.enum(['Enabled', 'Disabled']))),
  });

  const Detail = z.object({
    eventSource: text,
    eventName: text,
    eventID: text,
    eventTime: text,
    awsRegion: text,
    recipientAccountId: optionalText,
    sourceIPAddress: optionalText,
    userAgent: optionalText,
    userIdentity: lenient(UserIdentity),
    requestParameters: z.optional(
      z.nullable(
        z.object({
          bucketName: unwrapped(z.unknown()),
          VersioningConfiguration: z.optional(z.unknown()),
          Tagging: z.optional(z.unknown()),
        }),
      ),
    ),
    errorCode: optionalText,
    errorMessage: optionalText,
  });

  const Envelope = z.object({
    source: z.string(),
    'detail-type': z.string(),
    account: z.string(),
    detail: z.unknown(),
  });

  // CloudTrail turns the request's XML into JSON: `Tagging.TagSet.Tag` is a list of {Key, Value}, or one
  // object when the set holds a single tag; older records wrap values in one-element arrays.
  const TagEntry = z.object({ Key: text, Value: lenient(unwrapped(z.string())) });
  const Tagging = z.object({
    TagSet: unwrapped(
      z.optional(z.nullable(z.object({ Tag: z.optional(z.union([z.array(z.unknown()), z.unknown()])) }))),
    ),
  });

  return { Envelope, Detail, UserIdentity, VersioningConfiguration, TagEntry, Tagging };
});
type UserIdentity = z.infer<ReturnType<typeof schemas>['UserIdentity']>;

const KNOWN_ACTOR_TYPES: readonly ActorType[] = [
  'Root',
  'IAMUser',
  'AssumedRole',
  'FederatedUser',
  'IdentityCenterUser',
  'AWSService',
  'AWSAccount',
];

export const CLOUDTRAIL_DETAIL_TYPE = 'AWS API Call via CloudTrail';

/** Is this an EventBridge event at all (as opposed to a manual invocation)? */
export function looksLikeEventBridgeEvent(input: unknown): boolean {
  return typeof input === 'object' && input !== null && 'detail-type' in input && 'source' in input;
}

/**
 * Parse an EventBridge-delivered CloudTrail record of PutBucketVersioning. Never throws: anything it does
 * not understand comes back as `invalid` with a reason, anything that is not ours as `ignored`.
 */
export function parseVersioningEvent(input: unknown): ParsedVersioningEvent {
  const parsed = parseS3Event(input);
  if (parsed.kind !== 'tagging') return parsed;
  return { kind: 'ignored', reason: `${parsed.record.call} is not PutBucketVersioning` };
}

/**
 * Parse an EventBridge-delivered CloudTrail record of PutBucketVersioning, PutBucketTagging or
 * DeleteBucketTagging. Never throws, like parseVersioningEvent.
 */
export function parseS3Event(input: unknown): ParsedS3Event {
  const { Envelope, Detail } = schemas();
  const envelope = Envelope.safeParse(input);
  if (!envelope.success)
    return { kind: 'invalid', reason: `not an EventBridge event: ${issues(envelope.error)}` };
  const { source, 'detail-type': detailType } = envelope.data;
  if (source !== 'aws.s3' || detailType !== CLOUDTRAIL_DETAIL_TYPE) {
    return {
      kind: 'ignored',
      reason: `event ${describe(source)}/${describe(detailType)} is not an S3 CloudTrail record`,
    };
  }
  const parsed = Detail.safeParse(envelope.data.detail);
  if (!parsed.success)
    return { kind: 'invalid', reason: `CloudTrail record not understood: ${issues(parsed.error)}` };
  const d = parsed.data;
  const tagging = TAGGING_CALLS.find((c) => c === d.eventName);
  if (d.eventSource !== 's3.amazonaws.com' || (d.eventName !== 'PutBucketVersioning' && !tagging)) {
    return {
      kind: 'ignored',
      reason: `${describe(d.eventSource)} ${describe(d.eventName)} is not PutBucketVersioning or a bucket tagging call`,
    };
  }

  const account = d.recipientAccountId ?? envelope.data.account;
  const region = d.awsRegion;
  const bucket = d.requestParameters?.bucketName;
  if (!isAccountId(account))
    return {
      kind: 'invalid',
      reason: `account ${describe(String(account))} is not a 12-digit AWS account ID`,
    };
  // EventBridge sets the envelope's account; CloudTrail the record's. A record that disagrees with its own
  // envelope was not delivered by EventBridge from one account's trail.
  if (d.recipientAccountId !== undefined && d.recipientAccountId !== envelope.data.account) {
    return {
      kind: 'invalid',
      reason: `recipientAccountId ${describe(d.recipientAccountId)} differs from the event's account ${describe(envelope.data.account)}`,
      account,
    };
  }
  if (!isRegion(region))
    return { kind: 'invalid', reason: `awsRegion ${describe(region)} is not an AWS Region`, account };
  const name = checkBucketName(bucket, region);
  if (!name.valid) return { kind: 'invalid', reason: name.reason, account, region };

  const call: CloudTrailCall = {
    bucket: bucket as string,
    account,
    region,
    eventId: d.eventID,
    eventTime: d.eventTime,
    actor: toActor(d.userIdentity),
    sourceIp: d.sourceIPAddress,
    userAgent: d.userAgent,
  };
  if (d.errorCode) call.error = { code: d.errorCode, message: d.errorMessage };
  if (tagging) {
    const guardTag =
      tagging === 'DeleteBucketTagging'
        ? ({ kind: 'absent' } as const)
        : parseGuardTag(d.requestParameters?.Tagging);
    if (!guardTag) {
      return {
        kind: 'invalid',
        reason: 'PutBucketTagging record without a readable Tagging.TagSet',
        bucket: bucket as string,
        account,
        region,
      };
    }
    return { kind: 'tagging', record: { ...call, call: tagging, guardTag } };
  }
  const requested = parseRequested(d.requestParameters?.VersioningConfiguration);
  return { kind: 'record', record: { ...call, requested } };
}

/** The guard tag a PutBucketTagging record sets, `absent` when its tag set has none; undefined: unreadable. */
function parseGuardTag(raw: unknown): GuardTagChange | undefined {
  const { Tagging, TagEntry } = schemas();
  const parsed = Tagging.safeParse(unwrap(raw));
  if (!parsed.success) return undefined;
  const tag = parsed.data.TagSet?.Tag;
  const entries = tag === undefined || tag === null ? [] : Array.isArray(tag) ? tag : [tag];
  for (const entry of entries) {
    const e = TagEntry.safeParse(entry);
    if (!e.success) return undefined;
    if (e.data.Key === GUARD_TAG_KEY) return { kind: 'set', value: (e.data.Value ?? '').slice(0, 256) };
  }
  return { kind: 'absent' };
}

function parseRequested(raw: unknown): RequestedVersioning {
  // A failed call may carry a malformed configuration; it must still be reported, so fall back to "unknown".
  const parsed = schemas().VersioningConfiguration.safeParse(unwrap(raw) ?? {});
  if (!parsed.success) return {};
  const out: RequestedVersioning = {};
  if (parsed.data.Status) out.status = parsed.data.Status;
  if (parsed.data.MfaDelete) out.mfaDelete = parsed.data.MfaDelete;
  return out;
}

function toActor(identity: UserIdentity | undefined): Actor {
  if (!identity) return { type: 'Unknown' };
  const known = KNOWN_ACTOR_TYPES.find((t) => t === identity.type);
  const actor: Actor = { type: known ?? 'Unknown' };
  if (!known && identity.type) actor.rawType = identity.type;
  if (identity.arn) actor.arn = identity.arn;
  if (identity.principalId) actor.principalId = identity.principalId;
  if (identity.accountId) actor.accountId = identity.accountId;
  if (identity.accessKeyId) actor.accessKeyId = identity.accessKeyId;
  if (identity.userName) actor.userName = identity.userName;
  if (identity.invokedBy) actor.invokedBy = identity.invokedBy;
  const issuer = identity.sessionContext?.sessionIssuer;
  if (issuer?.arn) actor.sessionIssuerArn = issuer.arn;
  if (known === 'AssumedRole' && identity.arn) {
    // arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION — the session name is the last segment.
    const session = identity.arn.split('/').slice(2).join('/');
    if (session) actor.sessionName = session;
  }
  const mfa = identity.sessionContext?.attributes?.mfaAuthenticated;
  if (mfa !== undefined) actor.mfaAuthenticated = mfa === true || mfa === 'true';
  return actor;
}

function issues(error: z.core.$ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}
