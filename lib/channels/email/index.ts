// Email: plain text under the `email` key of the guard's publish (SNS email subscriptions).
import { alertSubject } from '../../domain/alertText';
import type { TopicMessage } from '../../domain/topicMessage';
import type { SnsChannel } from '../channel';
import { renderText } from './alert';
import { emailDigest } from './digest';
import { emailAlarm, emailForeign, emailTest, type EmailRendering } from './notices';

export type { EmailRendering } from './notices';

export function renderEmail(m: TopicMessage): EmailRendering {
  switch (m.kind) {
    case 'alert':
    case 'notice':
      return { subject: alertSubject(m.result), text: renderText(m.result) };
    case 'digest':
      return emailDigest(m.digest);
    case 'test':
      return emailTest(m.test);
    case 'alarm':
      return emailAlarm(m.alarm);
    case 'unverified':
    case 'unrecognised':
      return emailForeign(m.kind, m.foreign);
  }
}

export const emailChannel: SnsChannel<EmailRendering> = {
  name: 'email',
  protocol: 'email',
  render: renderEmail,
  serialise: (r) => r.text,
};
