import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';

/** What both an alert and a sweep's digest are, to SNS. */
export interface SnsMessage {
  subject: string;
  message: string;
  messageStructure: 'json';
}

/** Publish one alert or digest. Errors propagate: a lost alert must fail the invocation, never pass silently. */
export async function publishAlert(sns: SNSClient, topicArn: string, alert: SnsMessage): Promise<string> {
  const out = await sns.send(
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
