// Temporary credentials of a role, from STS AssumeRole: the hub's way into a member account's spoke role.
// A small provider on the STS client rather than @aws-sdk/credential-providers, whose one package carries
// every provider (Cognito, SSO, …) into the bundle for this one call.
// https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { clientDefaults } from './clientDefaults';

/** What an SDK client takes as `credentials` (AwsCredentialIdentity). */
export interface TemporaryCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration?: Date;
}

export interface AssumeRoleOptions {
  /** The session name CloudTrail records in the role's account (2-64 characters of [\w+=,.@-]). */
  sessionName: string;
  durationSeconds: number;
  /** STS is called in this Region (regional endpoint). */
  region: string;
}

/** A function that assumes `roleArn` each time it is called; errors (AccessDenied, faults) propagate. */
export function assumeRoleProvider(
  opts: AssumeRoleOptions,
): (roleArn: string) => () => Promise<TemporaryCredentials> {
  let sts: STSClient | undefined;
  return (roleArn) => async () => {
    sts ??= new STSClient({ region: opts.region, ...clientDefaults });
    const { Credentials: c } = await sts.send(
      new AssumeRoleCommand({
        RoleArn: roleArn,
        RoleSessionName: opts.sessionName,
        DurationSeconds: opts.durationSeconds,
      }),
    );
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken)
      throw new Error(`STS AssumeRole on ${roleArn} answered without credentials`);
    return {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      sessionToken: c.SessionToken,
      ...(c.Expiration && { expiration: c.Expiration }),
    };
  };
}
