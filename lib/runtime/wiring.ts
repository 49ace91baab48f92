// The one place that turns the environment into clients and dependencies, for every Lambda handler and
// the CLI. Configuration is read and checked on first use; each AWS client is created only when a call
// first needs it (a check that publishes nothing never builds an SNS client) and is reused afterwards.
// Only S3 is loaded up front. The adapters of what only some paths need (alerting: SNS, EventBridge, KMS;
// the de-dup table; the hub's spoke sessions; STS) are imported with import() where that path starts,
// never a whole SDK package: a dynamic import of a package keeps all of it in the bundle, while an
// adapter's static imports let esbuild keep only the commands it sends. What only the sweeping functions
// or only the notifier use lives in sweepWiring.ts and notifierWiring.ts: each function's bundle holds the
// chunks of the import() calls its own modules contain, called or not.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { Context } from 'aws-lambda';
import { clientDefaults, type ClientRef } from '../aws/clientDefaults';
import { S3ClientPool, hasCustomS3Endpoint } from '../aws/clients';
import type { DedupeLog, DeliveryDedupe } from '../aws/deliveryDedupe';
import type { MessageMac } from '../aws/messageMac';
import { lazy, type Env } from './lazy';
import { optionalMessageMacFromEnv } from './signing';
import {
  guardConfigFromEnv,
  manualMaxBucketsFromEnv,
  publishConfigFromEnv,
  servedRegionsFromEnv,
  type PublishConfig,
} from '../domain/config';
import type { InvocationOptions } from '../domain/parseInvocation';
import { seeAllText } from '../domain/seeAll';
import type { GuardConfig } from '../domain/types';
import type { GuardDeps, Log } from '../guard';
import { isMember, orgConfigFromEnv, spokeRoleArn } from '../domain/org';
import type { Hub } from '../org/hub';

export { lazy, type Env };

/** The Region field of an ARN (arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE), if it has one. */
export function regionOfArn(arn: string | undefined): string | undefined {
  if (!arn?.startsWith('arn:')) return undefined;
  return arn.split(':')[3] || undefined;
}

/** The account ID from the function's ARN (arn:aws:lambda:REGION:ACCOUNT:function:NAME). */
export function accountFromFunctionArn(arn: string | undefined): string | undefined {
  const account = arn?.split(':')[4];
  return account && /^\d{12}$/.test(account) ? account : undefined;
}

/** The Region the process runs in: Lambda sets AWS_REGION; a shell may set either. */
export const regionFromEnv = (env: Env): string => env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1';

/**
 * SNS answers Publish for a topic in another Region with InvalidParameter (TopicArn), so the client
 * goes to the topic's own Region; likewise PutEvents to a bus given by ARN. A bus given by name is in
 * the home Region.
 * https://docs.aws.amazon.com/sns/latest/api/API_Publish.html
 * https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEventsRequestEntry.html
 */
export const snsRegion = (topicArn: string, homeRegion: string) => regionOfArn(topicArn) ?? homeRegion;
export const eventBridgeRegion = (bus: string, homeRegion: string) => regionOfArn(bus) ?? homeRegion;

export interface GuardWiring {
  config: GuardConfig;
  publish: PublishConfig;
  homeRegion: string;
  /** Signs what is published (ALERT_SIGNING_KEY_ARN); a deployed stack always sets it. */
  mac?: MessageMac;
  /** S3 path-style addressing: set with a custom endpoint (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_S3). */
  forcePathStyle?: boolean;
  log?: Log;
}

/**
 * Clients shared by every GuardDeps built from one wiring. S3 is created on first use; SNS and EventBridge
 * are loaders (undefined without a topic or bus) that import their module and create the client the first
 * time a message goes out.
 */
export interface GuardClients {
  s3: () => S3ClientPool;
  sns: () => ClientRef<SNSClient> | undefined;
  eventBridge: () => ClientRef<EventBridgeClient> | undefined;
}

export function guardClients(
  w: Pick<GuardWiring, 'publish' | 'homeRegion' | 'forcePathStyle'>,
): GuardClients {
  const { topicArn, eventBusName } = w.publish;
  const sns =
    topicArn &&
    lazy(async () => (await import('../alerting')).newSnsClient(snsRegion(topicArn, w.homeRegion)));
  const eventBridge =
    eventBusName &&
    lazy(async () =>
      (await import('../alerting')).newEventBridgeClient(eventBridgeRegion(eventBusName, w.homeRegion)),
    );
  return {
    s3: lazy(() => new S3ClientPool({ forcePathStyle: w.forcePathStyle ?? false })),
    sns: () => sns || undefined,
    eventBridge: () => eventBridge || undefined,
  };
}

/** GuardDeps whose clients are built on first access (getters), for one account. */
export function guardDeps(w: GuardWiring, clients: GuardClients, account: string | undefined): GuardDeps {
  return {
    get s3() {
      return clients.s3();
    },
    get sns() {
      return clients.sns();
    },
    get eventBridge() {
      return clients.eventBridge();
    },
    config: w.config,
    publish: w.publish,
    homeRegion: w.homeRegion,
    ...(w.mac && { mac: w.mac }),
    account,
    ...(w.log && { log: w.log }),
  };
}

/** The guard's wiring from a Lambda environment (GUARD_*, ALERT_TOPIC_ARN, EVENT_BUS_NAME, …). */
export function guardWiringFromEnv(env: Env, log?: Log): GuardWiring {
  const publish = publishConfigFromEnv(env);
  const mac = optionalMessageMacFromEnv(env, () => import('../alerting'));
  // Unsigned alerts still go out (a lost alert is worse), but every notifier shows them as unverified.
  if (publish.topicArn && !mac)
    log?.warn(
      'ALERT_SIGNING_KEY_ARN is not set: alerts are published unsigned, and notifiers show them as unverified',
    );
  return {
    config: guardConfigFromEnv(env),
    publish,
    homeRegion: regionFromEnv(env),
    ...(mac && { mac }),
    forcePathStyle: hasCustomS3Endpoint(env),
    ...(log && { log }),
  };
}

/**
 * The de-dup store the deployment asks for: IDEMPOTENCY_TABLE names the table (created by the stack);
 * without it (the `local` stage, the demo, the CLI) there is none and every delivery is sent.
 */
export async function dedupeFromEnv(
  env: Env,
  log?: DedupeLog,
  client?: DynamoDBClient,
): Promise<DeliveryDedupe | undefined> {
  const tableName = env.IDEMPOTENCY_TABLE?.trim();
  if (!tableName) return undefined;
  const { DEFAULT_WINDOW_SECONDS, createDeliveryDedupe, newDynamoDbClient } =
    await import('../aws/deliveryDedupe');
  const window = Number(env.IDEMPOTENCY_WINDOW_SECONDS);
  const windowSeconds = Number.isInteger(window) && window > 0 ? window : DEFAULT_WINDOW_SECONDS;
  return createDeliveryDedupe({
    tableName,
    windowSeconds,
    // Fewer attempts than elsewhere: an unreachable table fails open (send, warn) sooner.
    client: client ?? newDynamoDbClient({ maxAttempts: Number(env.AWS_MAX_ATTEMPTS) || 3 }),
    log,
  });
}

/**
 * Organization mode (ORG_MODE=hub, docs/organization.md): the hub's settings and its spoke sessions (STS,
 * loaded only here). Standalone (no ORG_MODE): undefined, and none of their SDK code is loaded. The
 * Organizations client is the sweep's alone (withOrganizations): the check never lists accounts.
 */
export async function hubFromEnv(env: Env): Promise<Hub | undefined> {
  const org = orgConfigFromEnv(env);
  if (!org) return undefined;
  const { SpokeSessions } = await import('../aws/sts');
  const region = regionFromEnv(env);
  return {
    org,
    sessions: new SpokeSessions({
      roleArn: (account) => spokeRoleArn(org, account, region),
      sessionName: 'mfa-delete-guard-hub',
      stsRegion: region,
    }),
  };
}

/**
 * Where a digest tells readers to see every bucket: the deployed sweep function (SWEEP_FUNCTION_NAME for the
 * page worker; the sweep function is itself) in this Region, and the CLI from a checkout.
 */
export const seeAllFromEnv = (env: Env): string =>
  seeAllText({
    functionName: env.SWEEP_FUNCTION_NAME?.trim() || env.AWS_LAMBDA_FUNCTION_NAME,
    region: regionFromEnv(env),
  });

/** The caller's account (STS GetCallerIdentity), for the CLI's default root MFA serial; undefined if unknown. */
export async function callerAccount(region: string): Promise<string | undefined> {
  try {
    const { callerAccountIn } = await import('../aws/sts');
    return await callerAccountIn({ region, maxAttempts: 2 });
  } catch {
    return undefined;
  }
}

/**
 * The Lambda side: one wiring per process, read at the first invocation. `deps(arn)` gives the deps of
 * one invocation, with the account taken from the invoked function's ARN and the de-dup store attached
 * when the deployment has one.
 */
export function lambdaWiring(logger: Log & DedupeLog, env: Env = process.env) {
  const wiring = lazy(() => guardWiringFromEnv(env, logger));
  const clients = lazy(() => guardClients(wiring()));
  const dedupe = lazy(() => dedupeFromEnv(env, logger));
  let stsAccount: Promise<string> | undefined;
  /** The function's own account: from its ARN, else (invoke local passes no ARN) from STS, cached once known. */
  const ownAccount = async (arn: string | undefined): Promise<string> => {
    const fromArn = accountFromFunctionArn(arn);
    if (fromArn) return fromArn;
    stsAccount ??= (async () => {
      const { callerAccountIn } = await import('../aws/sts');
      return callerAccountIn({ region: regionFromEnv(env), ...clientDefaults });
    })();
    // A failed look-up fails this invocation (Lambda retries it) and is not cached.
    return stsAccount.catch((err: unknown) => {
      stsAccount = undefined;
      throw err;
    });
  };
  const hub = lazy(() => hubFromEnv(env));
  return {
    /** The hub of organization mode, or undefined (standalone). */
    hub,
    /**
     * How a handler reads its input: which account and Regions a CloudTrail record must come from, the cap on
     * a manual call's buckets, and whether this function sweeps (`check` refuses, naming the sweep function).
     */
    async invocationOptions(
      context: { invokedFunctionArn?: string } | undefined,
      role: 'check' | 'sweep',
    ): Promise<InvocationOptions> {
      const account = await ownAccount(context?.invokedFunctionArn);
      const sweepFunction = env.SWEEP_FUNCTION_NAME?.trim();
      const org = (await hub())?.org;
      return {
        trust: {
          account,
          // A hub receives records forwarded from every Region of its members: only SERVED_REGIONS narrows them.
          regions: org && !env.SERVED_REGIONS?.trim() ? [] : servedRegionsFromEnv(env, regionFromEnv(env)),
          // Organization mode plugs its membership into the trust seam (lib/domain/trust.ts).
          ...(org && { isMember: (other: string) => isMember(org, account, other) }),
        },
        maxBuckets: manualMaxBucketsFromEnv(env),
        sweep:
          role === 'sweep' ? 'here' : { elsewhere: sweepFunction || undefined, region: regionFromEnv(env) },
      };
    },
    async deps(context?: { invokedFunctionArn?: string }, options?: InvocationOptions): Promise<GuardDeps> {
      const deps = guardDeps(
        wiring(),
        clients(),
        accountFromFunctionArn(context?.invokedFunctionArn) ?? options?.trust?.account ?? env.AWS_ACCOUNT_ID,
      );
      const store = await dedupe();
      if (store) {
        if (context) store.registerLambdaContext(context as Context);
        deps.dedupe = store;
      }
      return deps;
    },
  };
}
