// Optional Slack notifier for teams without AWS Chatbot: subscribed to the alert topic, it renders each
// alert as Block Kit and posts it to an incoming webhook whose URL it reads from SSM at run time.
// Any failure throws: SNS retries the delivery, then moves the message to the dead-letter queue.
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context, SNSEvent } from 'aws-lambda';
import { atLeast, parseAlertMessage, parseMinSeverity } from '../lib/domain/slackInput';
import { renderSlack } from '../lib/domain/slackMessage';
import type { Severity } from '../lib/domain/types';
import { postSlack, type PostSlackOptions } from '../lib/aws/postSlack';
import type { WebhookUrlSource } from '../lib/aws/webhookSecret';
import { webhookUrlFromEnv } from '../lib/runtime/wiring';

export interface SlackNotifierDeps {
  webhookUrl: WebhookUrlSource;
  minSeverity: Severity;
  log: Pick<Logger, 'info' | 'warn'>;
  post?: Partial<Pick<PostSlackOptions, 'sleep' | 'maxAttempts' | 'maxRetryAfterSeconds' | 'safetyMarginMs'>>;
}

export interface SlackNotifierResult {
  posted: number;
  skipped: number;
}

export function createSlackNotifier(deps: SlackNotifierDeps) {
  return async (event: SNSEvent, context: Context): Promise<SlackNotifierResult> => {
    let posted = 0;
    let skipped = 0;
    for (const record of event.Records) {
      const result = parseAlertMessage(record.Sns.Message);
      // Severity filtering happens here: SNS delivers no message attributes for JSON-structured
      // publishes, so a subscription filter policy has nothing reliable to match (README, Alerts).
      if (!atLeast(result.severity, deps.minSeverity)) {
        skipped++;
        deps.log.info('alert below the Slack minimum severity', {
          bucket: result.bucket,
          severity: result.severity,
          minSeverity: deps.minSeverity,
        });
        continue;
      }
      const url = await deps.webhookUrl();
      const attempts = await postSlack(url, renderSlack(result), {
        remainingMs: () => context.getRemainingTimeInMillis(),
        ...deps.post,
      });
      posted++;
      deps.log.info('alert posted to Slack', {
        bucket: result.bucket,
        status: result.status,
        severity: result.severity,
        attempts,
        snsMessageId: record.Sns.MessageId,
      });
    }
    return { posted, skipped };
  };
}

export const logger = new Logger({ serviceName: 'mfa-delete-guard-slack' });

let notifier: ReturnType<typeof createSlackNotifier> | undefined;

/** Cold-start wiring: configuration is read once; the SSM client and the URL cache are reused. */
function lambdaNotifier(): ReturnType<typeof createSlackNotifier> {
  notifier ??= createSlackNotifier({
    webhookUrl: webhookUrlFromEnv(process.env),
    minSeverity: parseMinSeverity(process.env.SLACK_MIN_SEVERITY),
    log: logger,
  });
  return notifier;
}

export const slackNotifierHandler = (event: SNSEvent, context: Context) => lambdaNotifier()(event, context);

export const handler = middy(slackNotifierHandler).use(injectLambdaContext(logger, { resetKeys: true }));
