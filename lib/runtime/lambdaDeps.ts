// Cold-start wiring shared by the Lambda handlers: configuration is read and checked once, clients reused.
import { Logger } from '@aws-lambda-powertools/logger';
import { guardConfigFromEnv, publishConfigFromEnv } from '../domain/config';
import { S3ClientPool, newEventBridgeClient, newSnsClient } from '../aws/clients';
import type { GuardDeps } from '../guard';

export const logger = new Logger({ serviceName: 'mfa-delete-guard' });

/** The account ID from the function's ARN (arn:aws:lambda:REGION:ACCOUNT:function:NAME). */
export function accountFromFunctionArn(arn: string | undefined): string | undefined {
  const account = arn?.split(':')[4];
  return account && /^\d{12}$/.test(account) ? account : undefined;
}

let shared: GuardDeps | undefined;

export function lambdaDeps(invokedFunctionArn?: string): GuardDeps {
  if (!shared) {
    const region = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
    shared = {
      s3: new S3ClientPool(),
      sns: newSnsClient(region),
      eventBridge: newEventBridgeClient(region),
      config: guardConfigFromEnv(process.env),
      publish: publishConfigFromEnv(process.env),
      homeRegion: region,
      log: logger,
    };
  }
  const deps: GuardDeps = {
    ...shared,
    account: accountFromFunctionArn(invokedFunctionArn) ?? process.env.AWS_ACCOUNT_ID,
  };
  return deps;
}
