// Plain-text (email) renderings of the guard's own alarms, test alerts and messages we cannot vouch for.
// Email is plain text: untrusted values are cleaned (no control or bidi characters) and bounded upstream.
import type { AlarmNotification } from '../../domain/alarmNotification';
import type { ForeignMessage, TestAlert } from '../../domain/topicMessage';
import {
  UNRECOGNISED_HEADLINE,
  UNVERIFIED_HEADLINE,
  TEST_HEADLINE,
  alarmAdvice,
  alarmConsoleLink,
  alarmFacts,
  alarmHeadline,
  alarmTag,
  foreignFacts,
  foreignSubject,
  foreignSummary,
  subjectLine,
  testFacts,
  testSubject,
  testSummary,
  type Fact,
} from '../words';

export interface EmailRendering {
  subject: string;
  text: string;
}

/** Aligned `label: value` lines. */
export function rows(facts: Fact[]): string[] {
  const width = Math.max(12, ...facts.map((f) => f.label.length));
  return facts.map((f) => `  ${`${f.label}:`.padEnd(width + 1)} ${f.value}`);
}

export function emailAlarm(a: AlarmNotification): EmailRendering {
  const link = alarmConsoleLink(a);
  const lines = [
    `[${alarmTag(a)}] ${alarmHeadline(a)}`,
    '',
    alarmAdvice(a),
    '',
    ...rows([...alarmFacts(a), ...(link ? [{ label: 'Console', value: link, untrusted: false }] : [])]),
  ];
  return { subject: subjectLine(`[${alarmTag(a)}] ${alarmHeadline(a)}`), text: `${lines.join('\n')}\n` };
}

export function emailTest(t: TestAlert): EmailRendering {
  const lines = [TEST_HEADLINE, '', testSummary(t), '', ...rows(testFacts(t))];
  return { subject: testSubject(t), text: `${lines.join('\n')}\n` };
}

export function emailForeign(kind: 'unverified' | 'unrecognised', f: ForeignMessage): EmailRendering {
  const headline = kind === 'unverified' ? UNVERIFIED_HEADLINE : UNRECOGNISED_HEADLINE;
  const lines = [headline, '', foreignSummary(kind, f), '', ...rows(foreignFacts(f))];
  return { subject: foreignSubject(kind), text: `${lines.join('\n')}\n` };
}
