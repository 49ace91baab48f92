// The subset of Slack Block Kit the guard posts (https://api.slack.com/reference/block-kit/blocks), its
// limits, and the helpers every Slack rendering uses. Slack mrkdwn needs &, < and > escaped as entities in
// every text (they make links and mentions); untrusted values also go in code spans so that `_`, `*` and
// `~` in them stay literal.
import type { Fact } from '../../domain/alertText';

export interface PlainText {
  type: 'plain_text';
  text: string;
  emoji?: boolean;
}
export interface Mrkdwn {
  type: 'mrkdwn';
  text: string;
}
export interface LinkButton {
  type: 'button';
  text: PlainText;
  url: string;
  action_id: string;
}
export type SlackBlock =
  | { type: 'header'; text: PlainText }
  | { type: 'section'; text: Mrkdwn; fields?: Mrkdwn[] }
  | { type: 'actions'; elements: LinkButton[] }
  | { type: 'context'; elements: Mrkdwn[] }
  | { type: 'divider' };

export interface SlackMessage {
  /** The notification and fallback text; Slack shows `blocks` when present. */
  text: string;
  blocks: SlackBlock[];
}

/** Slack's Block Kit limits (https://api.slack.com/reference/block-kit/blocks). */
export const SLACK_LIMITS = {
  blocks: 50,
  headerText: 150,
  sectionText: 3000,
  fields: 10,
  fieldText: 2000,
  buttonText: 75,
  url: 3000,
  contextElements: 10,
} as const;

/** Slack's required escaping for text it parses (mrkdwn and message text). */
export const slackEscape = (value: string): string =>
  value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** An untrusted value as an inline code span; a backtick inside would end the span early. */
export const slackCode = (value: string): string => `\`${slackEscape(value.replace(/`/g, "'"))}\``;

export const slackFact = (f: Fact): string =>
  `*${f.label}:*\n${f.untrusted ? slackCode(f.value) : slackEscape(f.value)}`;

/** Cut to `max` characters without leaving half an entity (`&am`) at the end. */
export function bounded(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1).replace(/&[a-z]{0,4}$/, '');
  return `${cut}…`;
}

export const section = (text: string): SlackBlock => ({
  type: 'section',
  text: { type: 'mrkdwn', text: bounded(text, SLACK_LIMITS.sectionText) },
});

/** Lines under a title, as many as fit in one section; the rest are counted, not dropped silently. */
export function listSection(title: string, lines: string[], noun: string): SlackBlock {
  const out = [`*${title}*`];
  let used = out[0]!.length;
  let shown = 0;
  const reserve = 40; // room for the "…and N more" line
  for (const line of lines) {
    const entry = bounded(line, 1000);
    if (used + entry.length + 1 > SLACK_LIMITS.sectionText - reserve) break;
    out.push(entry);
    used += entry.length + 1;
    shown++;
  }
  if (shown < lines.length) out.push(`_…and ${lines.length - shown} more ${noun}_`);
  return section(out.join('\n'));
}

/** The script in code fences, split on line boundaries so that no section passes 3,000 characters. */
export function scriptSections(script: string): SlackBlock[] {
  const fence = '```';
  const budget = SLACK_LIMITS.sectionText - 2 * (fence.length + 1);
  const chunks: string[] = [];
  let current = '';
  for (const line of slackEscape(script.trimEnd()).split('\n')) {
    const piece = bounded(line, budget);
    if (current && current.length + piece.length + 1 > budget) {
      chunks.push(current);
      current = '';
    }
    current = current ? `${current}\n${piece}` : piece;
  }
  if (current) chunks.push(current);
  return chunks.map((chunk) => section(`${fence}\n${chunk}\n${fence}`));
}

export function button(label: string, url: string, actionId: string): LinkButton {
  return {
    type: 'button',
    text: { type: 'plain_text', text: label.slice(0, SLACK_LIMITS.buttonText) },
    url: url.slice(0, SLACK_LIMITS.url),
    action_id: actionId,
  };
}

/** Every Block Kit limit the message breaks; empty when Slack will accept it. */
export function slackLimitViolations(message: SlackMessage): string[] {
  const problems: string[] = [];
  if (message.blocks.length > SLACK_LIMITS.blocks) problems.push(`${message.blocks.length} blocks`);
  message.blocks.forEach((b, i) => {
    if (b.type === 'header' && b.text.text.length > SLACK_LIMITS.headerText)
      problems.push(`block ${i}: header ${b.text.text.length} chars`);
    if (b.type === 'section') {
      if (b.text.text.length > SLACK_LIMITS.sectionText)
        problems.push(`block ${i}: section ${b.text.text.length} chars`);
      if ((b.fields?.length ?? 0) > SLACK_LIMITS.fields)
        problems.push(`block ${i}: ${b.fields?.length} fields`);
      for (const f of b.fields ?? [])
        if (f.text.length > SLACK_LIMITS.fieldText) problems.push(`block ${i}: field ${f.text.length} chars`);
    }
    if (b.type === 'actions')
      for (const e of b.elements) {
        if (e.text.text.length > SLACK_LIMITS.buttonText) problems.push(`block ${i}: button text`);
        if (e.url.length > SLACK_LIMITS.url) problems.push(`block ${i}: button url`);
      }
    if (b.type === 'context' && b.elements.length > SLACK_LIMITS.contextElements)
      problems.push(`block ${i}: ${b.elements.length} context elements`);
  });
  return problems;
}
