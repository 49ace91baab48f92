import { GetCallerIdentityCommand, STSClient, type STSClientConfig } from '@aws-sdk/client-sts';

/**
 * The account of the credentials in use, from STS GetCallerIdentity (which needs no IAM permission:
 * https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html). For when the function's
 * ARN does not say it (`serverless invoke local` passes a context without invokedFunctionArn).
 */
export async function callerAccount(sts: STSClient): Promise<string> {
  const { Account } = await sts.send(new GetCallerIdentityCommand({}));
  if (!Account || !/^\d{12}$/.test(Account)) {
    throw new Error(`STS GetCallerIdentity answered no account ID (${JSON.stringify(Account ?? null)})`);
  }
  return Account;
}

/** The same with a client of its own (STS is regional; any Region answers for the caller). */
export const callerAccountIn = (config: STSClientConfig): Promise<string> =>
  callerAccount(new STSClient(config));
