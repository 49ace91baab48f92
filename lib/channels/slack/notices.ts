// Slack Block Kit renderings of the guard's own alarms, test alerts and messages we cannot vouch for.
// https://api.slack.com/reference/block-kit/blocks — mrkdwn needs &, < and > as entities; untrusted values
// also go in code spans (backticks replaced) so that `_`, `*` and `~` in them stay literal.
import type { AlarmNotification } from '../../domain/alarmNotification';
import {
  SLACK_LIMITS,
  bounded,
  button,
  section,
  slackCode,
  slackEscape,
  slackFact,
  type SlackBlock,
  type SlackMessage,
} from './blockKit';
import type { ForeignMessage, TestAlert } from '../../domain/topicMessage';
import {
  UNRECOGNISED_HEADLINE,
  UNVERIFIED_HEADLINE,
  TEST_HEADLINE,
  alarmAdvice,
  alarmConsoleLink,
  alarmFacts,
  alarmHeadline,
  foreignFacts,
  foreignSubject,
  foreignSummary,
  subjectLine,
  testFacts,
  testSubject,
  testSummary,
  type Fact,
} from '../words';

export const header = (text: string): SlackBlock => ({
  type: 'header',
  text: { type: 'plain_text', text: bounded(text, SLACK_LIMITS.headerText), emoji: true },
});

export function factsSection(title: string, facts: Fact[]): SlackBlock[] {
  const fields = facts.slice(0, SLACK_LIMITS.fields);
  if (!fields.length) return [];
  return [
    {
      type: 'section',
      text: { type: 'mrkdwn', text: `*${title}*` },
      fields: fields.map((f) => ({ type: 'mrkdwn', text: bounded(slackFact(f), SLACK_LIMITS.fieldText) })),
    },
  ];
}

export const context = (text: string): SlackBlock => ({
  type: 'context',
  elements: [{ type: 'mrkdwn', text: bounded(slackEscape(text), SLACK_LIMITS.sectionText) }],
});

export function slackAlarm(a: AlarmNotification): SlackMessage {
  const emoji =
    a.state === 'ALARM' ? ':warning:' : a.state === 'OK' ? ':large_green_circle:' : ':grey_question:';
  const link = alarmConsoleLink(a);
  const blocks: SlackBlock[] = [
    header(`${emoji} ${alarmHeadline(a)}`),
    section(slackEscape(alarmAdvice(a))),
    ...factsSection('Alarm', alarmFacts(a)),
    ...(link && a.state !== 'OK'
      ? [{ type: 'actions' as const, elements: [button('Open the alarm', link, 'open-alarm')] }]
      : []),
    context('mfa-delete-guard · CloudWatch alarm'),
  ];
  return { text: slackEscape(subjectLine(`[${a.state}] ${alarmHeadline(a)}`)), blocks };
}

export function slackTest(t: TestAlert): SlackMessage {
  return {
    text: slackEscape(testSubject(t)),
    blocks: [
      header(`:white_check_mark: ${TEST_HEADLINE}`),
      section(slackEscape(testSummary(t))),
      ...factsSection('Test', testFacts(t)),
      context('mfa-delete-guard · test alert'),
    ],
  };
}

export function slackForeign(kind: 'unverified' | 'unrecognised', f: ForeignMessage): SlackMessage {
  const headline = kind === 'unverified' ? UNVERIFIED_HEADLINE : UNRECOGNISED_HEADLINE;
  const [subject, excerpt, ...rest] = foreignFacts(f);
  return {
    text: slackEscape(foreignSubject(kind)),
    blocks: [
      header(`${kind === 'unverified' ? ':no_entry:' : ':grey_question:'} ${headline}`),
      section(slackEscape(foreignSummary(kind, f))),
      ...factsSection('Message', [subject!, ...rest]),
      // The excerpt as quoted text in a code span: no link, mention or formatting in it is live.
      section(`*${excerpt!.label} (text only):*\n${slackCode(excerpt!.value)}`),
      context(`mfa-delete-guard · ${kind} message`),
    ],
  };
}
