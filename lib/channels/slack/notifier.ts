// The Slack webhook notifier: subscribed to the alert topic, it turns each SNS record into a TopicMessage
// (readMessage: the one place that happens), renders it as Block Kit and posts it to the webhook.
//
// It throws only when Slack itself refuses or cannot be reached (Lambda retries, then the on-failure
// destination keeps the message). Never for what a message holds: a message it does not recognise is
// posted as such. And never for an alarm notice: the stack's alarms on this notifier's errors and
// dead-letter queue publish to the topic it reads, so a failure to post an alarm would raise the alarm
// again, and again. An alarm notice is posted once, and a failure is logged; email and Chatbot get it
// from SNS directly.
import type { Context, SNSEventRecord, SNSEvent } from 'aws-lambda';
import type { WebhookUrlSource } from '../../aws/webhookSecret';
import {
  classifyTopicMessage,
  passesMinSeverity,
  severityOf,
  type TopicMessage,
} from '../../domain/topicMessage';
import type { Severity } from '../../domain/types';
import { renderSlack } from '.';
import { postSlack, type PostSlackOptions } from './deliver';
import type { Log } from '../../log';

export interface SlackNotifierDeps {
  webhookUrl: WebhookUrlSource;
  minSeverity: Severity;
  log: Log;
  post?: Partial<
    Pick<PostSlackOptions, 'sleep' | 'maxAttempts' | 'maxRetryAfterSeconds' | 'safetyMarginMs' | 'fetch'>
  >;
  /** Raw SNS record → TopicMessage. Default: classify it; a signature check goes here, before classifying. */
  readMessage?: (record: SNSEventRecord) => TopicMessage | Promise<TopicMessage>;
}

export interface SlackNotifierResult {
  posted: number;
  skipped: number;
  /** Alarm notices Slack did not take: logged, not retried (see above). */
  notPosted: number;
}

/** The default reading of a record: the topic contract's classifier, which never throws. */
export const readTopicRecord = (record: SNSEventRecord): TopicMessage =>
  classifyTopicMessage(record.Sns.Subject, record.Sns.Message);

/** What a log line may say about a message: its kind and our own words, never its content. */
function describe(m: TopicMessage): Record<string, unknown> {
  switch (m.kind) {
    case 'alert':
    case 'notice':
      return { kind: m.kind, bucket: m.result.bucket, status: m.result.status, severity: m.result.severity };
    case 'digest':
      return {
        kind: m.kind,
        severity: m.digest.severity,
        included: m.digest.attention.length,
        leftOut: m.digest.leftOut,
      };
    case 'test':
      return { kind: m.kind, testId: m.test.id };
    case 'alarm':
      return { kind: m.kind, alarm: m.alarm.name, state: m.alarm.state };
    case 'unverified':
    case 'unrecognised':
      return { kind: m.kind, reason: m.foreign.reason };
  }
}

export function createSlackNotifier(deps: SlackNotifierDeps) {
  const read = deps.readMessage ?? readTopicRecord;
  return async (event: SNSEvent, context: Context): Promise<SlackNotifierResult> => {
    const result: SlackNotifierResult = { posted: 0, skipped: 0, notPosted: 0 };
    for (const record of event.Records) {
      const message = await read(record);
      const about = { ...describe(message), snsMessageId: record.Sns.MessageId };
      // Severity filtering happens here: SNS delivers no message attributes for JSON-structured
      // publishes, so a subscription filter policy has nothing reliable to match.
      if (!passesMinSeverity(message, deps.minSeverity)) {
        result.skipped++;
        deps.log.info('message below the Slack minimum severity', {
          ...about,
          minSeverity: deps.minSeverity,
        });
        continue;
      }
      const alarm = message.kind === 'alarm';
      try {
        const url = await deps.webhookUrl();
        const attempts = await postSlack(url, renderSlack(message), {
          remainingMs: () => context.getRemainingTimeInMillis(),
          ...deps.post,
          ...(alarm && { maxAttempts: 1 }),
        });
        result.posted++;
        deps.log.info('posted to Slack', { ...about, attempts, severity: severityOf(message) ?? null });
      } catch (err) {
        if (!alarm) throw err;
        result.notPosted++;
        deps.log.error(
          'alarm notice not posted to Slack; not retried, so that it cannot raise the alarm again',
          {
            ...about,
            error: (err as Error).message,
          },
        );
      }
    }
    return result;
  };
}
