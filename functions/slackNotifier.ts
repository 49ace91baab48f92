// The Slack webhook notifier, subscribed to the alert topic: every message on it is posted (the logic is
// lib/channels/slack/notifier.ts). Configuration is read at the first invocation; the SSM client and the
// URL cache are reused while the function is warm.
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context, SNSEvent } from 'aws-lambda';
import { parseMinSeverity } from '../lib/channels/slack/config';
import {
  createSlackNotifier,
  readTopicRecord,
  type SlackNotifierResult,
} from '../lib/channels/slack/notifier';
import { verifiedTopicReader } from '../lib/authenticity';
import { messageMacFromEnv, webhookUrlFromEnv } from '../lib/runtime/notifierWiring';
import { lazy } from '../lib/runtime/lazy';

export const logger = new Logger({ serviceName: 'mfa-delete-guard-slack' });

const notifier = lazy(() =>
  createSlackNotifier({
    webhookUrl: webhookUrlFromEnv(process.env),
    // Every message that says it is the guard's is checked with KMS (ALERT_SIGNING_KEY_ARN) before it is
    // classified; one that fails is posted as unverified, without its content; a KMS fault throws.
    readMessage: verifiedTopicReader(messageMacFromEnv(process.env)),
    minSeverity: parseMinSeverity(process.env.SLACK_MIN_SEVERITY),
    log: logger,
  }),
);

export const slackNotifierHandler = async (
  event: SNSEvent,
  context: Context,
): Promise<SlackNotifierResult> => {
  let run: ReturnType<typeof notifier>;
  try {
    run = notifier();
  } catch (err) {
    // A configuration error fails every message, but never an alarm notice: the alarm on this function's
    // errors publishes to the topic it reads, and failing on that notice would raise it again.
    if (!event.Records.every((r) => readTopicRecord(r).kind === 'alarm')) throw err;
    logger.error('alarm notice not posted: the notifier is misconfigured', { error: (err as Error).message });
    return { posted: 0, skipped: 0, notPosted: event.Records.length };
  }
  return run(event, context);
};

export const handler = middy(slackNotifierHandler).use(injectLambdaContext(logger, { resetKeys: true }));
