// AWS Chatbot custom notifications (Slack and Microsoft Teams) for the guard's own alarms, test alerts
// and messages we cannot vouch for. https://docs.aws.amazon.com/chatbot/latest/adminguide/custom-notifs.html
// Untrusted values go in inline code with chatSafe's look-alikes: Chatbot re-renders client-markdown per
// platform, and no escape works in all of them.
import type { AlarmNotification } from '../../domain/alarmNotification';
import { chatSafe } from '../../domain/snsMessage';
import type { ForeignMessage, TestAlert } from '../../domain/topicMessage';
import { asciiOnly } from '../../domain/text';
import {
  UNRECOGNISED_HEADLINE,
  UNVERIFIED_HEADLINE,
  TEST_HEADLINE,
  alarmAdvice,
  alarmConsoleLink,
  alarmFacts,
  alarmHeadline,
  foreignFacts,
  foreignSummary,
  testFacts,
  testSummary,
} from '../words';
import { chatFact } from './alert';
import type { ChatbotNotification } from './notification';

function notification(opts: {
  id: string;
  title: string;
  description: string[];
  nextSteps?: string[];
  keywords: string[];
  threadId: string;
  summary: string;
  eventType: string;
  context: Record<string, string>;
}): ChatbotNotification {
  return {
    version: '1.0',
    source: 'custom',
    id: opts.id,
    content: {
      textType: 'client-markdown',
      title: opts.title,
      description: opts.description.join('\n'),
      nextSteps: opts.nextSteps ?? [],
      keywords: opts.keywords,
    },
    metadata: {
      threadId: opts.threadId,
      summary: asciiOnly(opts.summary).slice(0, 200),
      eventType: opts.eventType,
      relatedResources: [],
      additionalContext: opts.context,
    },
  };
}

const idPart = (s: string) => s.replace(/[^A-Za-z0-9_.-]/g, '-').slice(0, 100);

export function chatbotAlarm(a: AlarmNotification): ChatbotNotification {
  const emoji =
    a.state === 'ALARM' ? ':warning:' : a.state === 'OK' ? ':large_green_circle:' : ':grey_question:';
  const link = alarmConsoleLink(a);
  return notification({
    id: `mfa-delete-guard-alarm-${idPart(a.name)}-${a.state}-${idPart(a.changedAt)}`,
    title: `${emoji} ${chatSafe(alarmHeadline(a))}`,
    description: [alarmAdvice(a), ...alarmFacts(a).map(chatFact)],
    nextSteps: a.state === 'OK' ? [] : link ? [`Open the alarm: ${link}`] : [],
    keywords: ['mfa-delete-guard', 'alarm', a.state],
    // One thread per alarm, so that its OK answers its ALARM.
    threadId: `mfa-delete-guard-alarm-${idPart(a.name)}`,
    summary: alarmHeadline(a),
    eventType: `MfaDeleteGuard-alarm-${a.state}`,
    context: { alarm: a.name, state: a.state, ...(a.region && { region: a.region }) },
  });
}

export function chatbotTest(t: TestAlert): ChatbotNotification {
  return notification({
    id: idPart(t.id),
    title: `:white_check_mark: ${TEST_HEADLINE}`,
    description: [testSummary(t), ...testFacts(t).map(chatFact)],
    keywords: ['mfa-delete-guard', 'test'],
    threadId: 'mfa-delete-guard-test',
    summary: TEST_HEADLINE,
    eventType: 'MfaDeleteGuard-test',
    context: { test: 'true' },
  });
}

export function chatbotForeign(kind: 'unverified' | 'unrecognised', f: ForeignMessage): ChatbotNotification {
  const headline = kind === 'unverified' ? UNVERIFIED_HEADLINE : UNRECOGNISED_HEADLINE;
  return notification({
    id: `mfa-delete-guard-${kind}-${f.excerpt.length}-${f.omitted}`,
    title: `${kind === 'unverified' ? ':no_entry:' : ':grey_question:'} ${headline}`,
    description: [chatSafe(foreignSummary(kind, f)), ...foreignFacts(f).map(chatFact)],
    keywords: ['mfa-delete-guard', kind],
    threadId: `mfa-delete-guard-${kind}`,
    summary: headline,
    eventType: `MfaDeleteGuard-${kind}`,
    context: {},
  });
}
