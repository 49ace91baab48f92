import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { RenderedAlert } from '../domain/renderAlert';

/** Publish one alert. Errors propagate: a lost alert must fail the invocation, never pass silently. */
export async function publishAlert(sns: SNSClient, topicArn: string, alert: RenderedAlert): Promise<string> {
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
