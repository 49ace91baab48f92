// AWS Chatbot (Amazon Q Developer in chat applications), for Slack and Microsoft Teams channels alike: a
// custom notification under the `https` key, the protocol Chatbot subscribes with.
// https://docs.aws.amazon.com/chatbot/latest/adminguide/custom-notifs.html
import type { TopicMessage } from '../../domain/topicMessage';
import type { SnsChannel } from '../channel';
import { renderChatbot as renderResult } from './alert';
import { chatbotDigest } from './digest';
import type { ChatbotNotification } from './notification';
import { chatbotAlarm, chatbotForeign, chatbotTest } from './notices';

export function renderChatbot(m: TopicMessage): ChatbotNotification {
  switch (m.kind) {
    case 'alert':
    case 'notice':
      return renderResult(m.result);
    case 'digest':
      return chatbotDigest(m.digest);
    case 'test':
      return chatbotTest(m.test);
    case 'alarm':
      return chatbotAlarm(m.alarm);
    case 'unverified':
    case 'unrecognised':
      return chatbotForeign(m.kind, m.foreign);
  }
}

export const chatbotChannel: SnsChannel<ChatbotNotification> = {
  name: 'chatbot',
  protocol: 'https',
  render: renderChatbot,
  serialise: (r) => JSON.stringify(r),
};
