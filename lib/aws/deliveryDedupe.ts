// De-duplication of deliveries. EventBridge and Lambda's async invoke deliver at least once, so the same
// CloudTrail record (same eventID) can arrive twice. Each side effect of the event path (the SNS alert,
// the drift event) is made idempotent on its own, keyed on the eventID, with Powertools idempotency
// and a DynamoDB table. Two records, not one around the whole handler: when the alert went out and
// PutEvents then failed, Lambda's retry must re-send the event but not the alert.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  IdempotencyConfig,
  IdempotencyPersistenceLayerError,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { Context } from 'aws-lambda';

// With the store's module, so that the de-dup path loads its DynamoDB client with one import().
export { newDynamoDbClient } from './dynamoDbClient';

/** The side effects that are de-duplicated; each has its own record (and key prefix) in the table. */
export type DeliveryStep = 'alert' | 'drift-event';

export interface DeliveryKey {
  /** The CloudTrail eventID (`detail.eventID`): the same for every delivery of one API call. */
  eventId: string;
  bucket: string;
  /** A different outcome for the same event (e.g. unverified, then drift) is new information: alert again. */
  status: string;
}

export interface DeliveryDedupe {
  /** Run `send` unless the same step for the same key already succeeded within the window. */
  once<T>(step: DeliveryStep, key: DeliveryKey, send: () => Promise<T>): Promise<OnceResult<T>>;
  /** Lets an in-progress record expire with the invocation, so a crashed attempt does not block retries. */
  registerLambdaContext(context: Context): void;
  readonly windowSeconds: number;
}

export type OnceResult<T> = { sent: true; value: T } | { sent: false; value: T };

export interface DedupeLog {
  warn(message: string, ...extra: Array<Record<string, unknown>>): void;
}

export interface DedupeOptions {
  tableName: string;
  windowSeconds: number;
  client: DynamoDBClient;
  log?: DedupeLog;
}

export const DEFAULT_WINDOW_SECONDS = 24 * 60 * 60;

export function createDeliveryDedupe(opts: DedupeOptions): DeliveryDedupe {
  const config = new IdempotencyConfig({
    eventKeyJmesPath: '[eventId, bucket, status]',
    expiresAfterSeconds: opts.windowSeconds,
    throwOnNoIdempotencyKey: true,
  });
  // One persistence layer per step: a layer keeps its key prefix as mutable state.
  const stores: Record<DeliveryStep, DynamoDBPersistenceLayer> = {
    alert: new DynamoDBPersistenceLayer({ tableName: opts.tableName, awsSdkV3Client: opts.client }),
    'drift-event': new DynamoDBPersistenceLayer({ tableName: opts.tableName, awsSdkV3Client: opts.client }),
  };
  return {
    windowSeconds: opts.windowSeconds,
    registerLambdaContext: (context) => config.registerLambdaContext(context),
    async once<T>(step: DeliveryStep, key: DeliveryKey, send: () => Promise<T>): Promise<OnceResult<T>> {
      let outcome: { ok: true; value: T } | { ok: false; error: unknown } | undefined;
      const run = makeIdempotent(
        async (_key: DeliveryKey): Promise<T> => {
          try {
            const value = await send();
            outcome = { ok: true, value };
            return value;
          } catch (error) {
            outcome = { ok: false, error };
            throw error;
          }
        },
        { persistenceStore: stores[step], config, keyPrefix: `mfa-delete-guard.${step}` },
      );
      try {
        const value = await run({ eventId: key.eventId, bucket: key.bucket, status: key.status });
        return { sent: outcome !== undefined, value };
      } catch (err) {
        // The table cannot be reached: fail open. A duplicate alert is better than none.
        if (err instanceof IdempotencyPersistenceLayerError) {
          opts.log?.warn('de-duplication store unavailable; delivering without it', {
            step,
            error: err.message,
          });
          if (outcome?.ok) return { sent: true, value: outcome.value };
          if (outcome && !outcome.ok) throw outcome.error;
          return { sent: true, value: await send() };
        }
        throw err;
      }
    },
  };
}
