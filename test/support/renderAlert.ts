// One bucket's alert as the guard publishes it (lib/channels/publish.ts), with each channel's rendering
// read back out of the SNS message, for tests that look at a channel's part.
import type { ChatbotNotification } from '../../lib/channels/chatbot/notification';
import { snsPublication } from '../../lib/channels/publish';
import { resultMessage } from '../../lib/domain/topicMessage';
import type { CheckResult } from '../../lib/domain/types';

export function renderAlert(r: CheckResult) {
  const published = snsPublication(resultMessage(r));
  const keys = JSON.parse(published.message) as { default: string; email: string; https: string };
  return {
    ...published,
    text: keys.email,
    chatbot: JSON.parse(keys.https) as ChatbotNotification,
  };
}
