// Slack incoming webhook: Block Kit, posted by the Slack notifier function subscribed to the topic.
import type { TopicMessage } from '../../domain/topicMessage';
import type { Channel } from '../channel';
import { renderSlack as renderResult } from './alert';
import type { SlackMessage } from './blockKit';
import { slackDigest } from './digest';
import { slackAlarm, slackForeign, slackTest } from './notices';

export function renderSlack(m: TopicMessage): SlackMessage {
  switch (m.kind) {
    case 'alert':
    case 'notice':
      return renderResult(m.result);
    case 'digest':
      return slackDigest(m.digest);
    case 'test':
      return slackTest(m.test);
    case 'alarm':
      return slackAlarm(m.alarm);
    case 'unverified':
    case 'unrecognised':
      return slackForeign(m.kind, m.foreign);
  }
}

export const slackChannel: Channel<SlackMessage> = { name: 'slack', render: renderSlack };
