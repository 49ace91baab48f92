import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { clientDefaults, resolveClient, type ClientRef } from './clientDefaults';
import { signPublication, type MessageMac } from './messageMac';

export const newSnsClient = (region?: string) => new SNSClient({ region, ...clientDefaults });

/** What both an alert and a sweep's digest are, to SNS. */
export interface SnsMessage {
  subject: string;
  message: string;
  messageStructure: 'json';
}

/**
 * Publish one alert or digest, its machine copy signed when a MAC is given (docs/security.md, "Signed
 * messages"). Errors propagate, a KMS fault included: a lost alert must fail the invocation, never pass
 * silently, and an unsigned one would reach the notifiers as unverified.
 */
export async function publishAlert(
  sns: ClientRef<SNSClient>,
  topicArn: string,
  unsigned: SnsMessage,
  mac?: MessageMac,
): Promise<string> {
  const alert = mac ? await signPublication(mac, unsigned) : unsigned;
  const out = await (
    await resolveClient(sns)
  ).send(
    new PublishCommand({
      TopicArn: topicArn,
      Subject: alert.subject,
      Message: alert.message,
      MessageStructure: alert.messageStructure,
    }),
  );
  if (!out.MessageId) throw new Error(`SNS Publish to ${topicArn} returned no MessageId`);
  return out.MessageId;
}
