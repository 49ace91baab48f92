import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { RenderedDigest } from '../domain/digest';

/** Publish a sweep's digest. Errors propagate: a lost digest must fail the sweep, never pass silently. */
export async function publishDigest(
  sns: SNSClient,
  topicArn: string,
  digest: RenderedDigest,
): Promise<string> {
  const out = await sns.send(
    new PublishCommand({
      TopicArn: topicArn,
      Subject: digest.subject,
      Message: digest.message,
      MessageStructure: digest.messageStructure,
    }),
  );
  if (!out.MessageId) throw new Error(`SNS Publish to ${topicArn} returned no MessageId`);
  return out.MessageId;
}
