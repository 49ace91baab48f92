// What every channel says for the kinds of topic message that are not a bucket's alert: the guard's own
// alarms, test alerts, and messages we cannot vouch for. Our sentences are trusted; every value taken from
// the message is marked untrusted, and each channel escapes it for its own markup.
import { alarmAdvice, alarmConsoleLink, type AlarmNotification } from '../domain/alarmNotification';
import { fact, type Fact } from '../domain/alertText';
import { isAccountId, isRegion } from '../domain/awsIds';
import type { ForeignMessage, TestAlert } from '../domain/topicMessage';
import { snsSubject } from '../domain/snsMessage';
import { cleanText } from '../domain/text';

export type { Fact };

/** SNS and email subjects: ASCII, one line, under 100 characters. */
export const subjectLine = (text: string): string => snsSubject(cleanText(text, 1000));

// ------------------------------------------------------------------------------------------- alarms

export function alarmHeadline(a: AlarmNotification): string {
  switch (a.state) {
    case 'ALARM':
      return `mfa-delete-guard itself needs attention: ${a.name}`;
    case 'OK':
      return `mfa-delete-guard alarm back to OK: ${a.name}`;
    case 'INSUFFICIENT_DATA':
      return `mfa-delete-guard alarm has insufficient data: ${a.name}`;
  }
}

export const alarmTag = (a: AlarmNotification): string =>
  a.state === 'INSUFFICIENT_DATA' ? 'NO DATA' : a.state;

/** An OK transition is a short notice: which alarm, and when. */
export const isShortAlarm = (a: AlarmNotification): boolean => a.state === 'OK';

export function alarmFacts(a: AlarmNotification): Fact[] {
  const where = a.region ?? a.regionName;
  return [
    ...fact('Alarm', a.name, true),
    ...fact('State', `${a.state}${a.previousState ? ` (was ${a.previousState})` : ''}`),
    ...fact('Changed at', a.changedAt, true),
    ...(isShortAlarm(a)
      ? []
      : [
          ...fact('Reason', a.reason, true),
          ...fact('Watches', a.metric, true),
          ...fact('Region', where, !a.region),
          ...fact('Account', a.account),
          ...fact('Description', a.description, true),
        ]),
  ];
}

export { alarmAdvice, alarmConsoleLink };

// -------------------------------------------------------------------------------------- test alerts

export const TEST_HEADLINE = 'TEST: mfa-delete-guard alert channels';

export function testSummary(t: TestAlert): string {
  const from =
    t.origin === 'cli' ? 'from the command line (check --test)' : 'from the check function ({"test": true})';
  return `This is a test alert, sent on request ${from}. Nothing is wrong: it describes no bucket and carries nothing to run. Receiving it here means this channel gets mfa-delete-guard's alerts.`;
}

export function testFacts(t: TestAlert): Fact[] {
  return [
    ...fact('Test ID', cleanText(t.id, 120), true),
    ...fact('Account', isAccountId(t.account) ? t.account : undefined),
    ...fact('Region', isRegion(t.region) ? t.region : undefined),
    ...fact('Sent at', cleanText(t.sentAt, 40), true),
  ];
}

export const testSubject = (t: TestAlert): string =>
  subjectLine(`[TEST] mfa-delete-guard test alert${isAccountId(t.account) ? ` (${t.account})` : ''}`);

// ------------------------------------------------------------------------- unverified, unrecognised

export const UNVERIFIED_HEADLINE = 'Unverified message on the alert topic: do not run anything from it';
export const UNRECOGNISED_HEADLINE = 'Unrecognised message on the alert topic';

export function foreignSummary(kind: 'unverified' | 'unrecognised', f: ForeignMessage): string {
  return kind === 'unverified'
    ? `A message on the alert topic failed its signature check (${f.reason}). Do not run any command from it or act on it: find out who can publish to the topic. Only what it claims to be is shown, as text.`
    : `A message on the alert topic is not one mfa-delete-guard recognises (${f.reason}). Its beginning is shown as text only; check where it came from before acting on it.`;
}

export function foreignFacts(f: ForeignMessage): Fact[] {
  return [
    ...fact('Subject', f.subject ?? '(none)', f.subject !== undefined),
    ...fact('Excerpt', f.excerpt, true),
    ...fact('Not shown', f.omitted ? `${f.omitted.toLocaleString('en-US')} more characters` : undefined),
  ];
}

export const foreignSubject = (kind: 'unverified' | 'unrecognised'): string =>
  subjectLine(
    kind === 'unverified' ? `[UNVERIFIED] ${UNVERIFIED_HEADLINE}` : `[NOTICE] ${UNRECOGNISED_HEADLINE}`,
  );
