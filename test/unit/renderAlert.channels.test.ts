// Every status × channel: limits, escaping of untrusted CloudTrail values, the Chatbot schema, and the
// wording a responder reads first.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { renderChatbot } from '../../lib/channels/chatbot/alert';
import { renderText } from '../../lib/channels/email/alert';
import { renderSlack } from '../../lib/channels/slack/alert';
import { actorLabel } from '../../lib/domain/alertText';
import { renderAlert } from '../support/renderAlert';
import { slackLimitViolations, SLACK_LIMITS, type SlackBlock } from '../../lib/channels/slack/blockKit';
import { consoleLinks } from '../../lib/domain/consoleLinks';
import { incidentFrame } from '../../lib/domain/incident';
import { edgeFixtures, scenarioFixtures } from '../golden/fixtures';

const fixtures = [...scenarioFixtures(), ...edgeFixtures()];
const byName = (name: string) => fixtures.find((f) => f.name === name)!.result;

// AWS Chatbot custom notification schema (https://docs.aws.amazon.com/chatbot/latest/adminguide/custom-notifs.html).
const ChatbotSchema = z.strictObject({
  version: z.literal('1.0'),
  source: z.literal('custom'),
  id: z.string().min(1),
  content: z.strictObject({
    textType: z.literal('client-markdown'),
    title: z.string().min(1),
    description: z.string().min(1),
    nextSteps: z.array(z.string()),
    keywords: z.array(z.string()),
  }),
  metadata: z.strictObject({
    threadId: z.string().min(1),
    summary: z.string(),
    eventType: z.string(),
    relatedResources: z.array(z.string()),
    additionalContext: z.record(z.string(), z.string()),
  }),
});

const BIDI_OR_INVISIBLE = /[\u202a-\u202e\u2066-\u2069\u200b-\u200f\u061c]/;
const slackTexts = (blocks: SlackBlock[]): string[] =>
  blocks.flatMap((b) =>
    b.type === 'section'
      ? [b.text.text, ...(b.fields ?? []).map((f) => f.text)]
      : b.type === 'header'
        ? [b.text.text]
        : b.type === 'context'
          ? b.elements.map((e) => e.text)
          : [],
  );

describe.each(fixtures.map((f) => [f.name, f.result] as const))('%s', (_name, result) => {
  const alert = renderAlert(result);
  const channels = JSON.parse(alert.message) as Record<string, string>;

  it('publishes a subject SNS accepts and a message under 256 KB', () => {
    expect(alert.subject).toMatch(/^[\x20-\x7e]{1,99}$/);
    expect(Buffer.byteLength(alert.message, 'utf8')).toBeLessThanOrEqual(262_144);
    expect(alert.messageStructure).toBe('json');
    expect(Object.values(channels).every((v) => typeof v === 'string')).toBe(true);
    expect(channels.email).toBe(alert.text);
  });

  it('gives Chatbot a message that matches its documented schema', () => {
    expect(() => ChatbotSchema.parse(JSON.parse(channels.https!))).not.toThrow();
  });

  it('gives Slack a message within every Block Kit limit', () => {
    const slack = renderSlack(result);
    expect(slackLimitViolations(slack)).toEqual([]);
    expect(slack.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
    expect(slack.blocks[0]?.type).toBe('header');
  });

  it('lets no bidirectional or invisible control through to any channel', () => {
    const slack = JSON.stringify(renderSlack(result));
    for (const text of [alert.text, channels.https!, slack]) expect(text).not.toMatch(BIDI_OR_INVISIBLE);
  });

  it('never lets untrusted text open a Slack mention or link', () => {
    for (const text of slackTexts(renderSlack(result).blocks)) expect(text).not.toMatch(/<[!@#]/);
    expect(renderChatbot(result).content.description).not.toMatch(/<[!@#]/);
  });
});

describe('drift alert', () => {
  const result = byName('cloudtrail-mfa-delete-disabled');

  it('keeps our own text intact in Chatbot: profile names, variables and the script', () => {
    const chat = renderChatbot(result);
    const steps = chat.content.nextSteps.join('\n');
    expect(steps).toContain('profile "root_user"');
    expect(steps).toContain('export MFA_CODE=<code>');
    expect(steps).toContain(`\`\`\`\n${result.remediation!.script.trimEnd()}\n\`\`\``);
  });

  it('puts the script in Slack so that it unescapes to the exact script', () => {
    const code = renderSlack(result)
      .blocks.filter((b): b is Extract<SlackBlock, { type: 'section' }> => b.type === 'section')
      .map((b) => b.text.text)
      .filter((t) => t.startsWith('```'))
      .map((t) => t.slice(4, -4))
      .join('\n');
    const unescaped = code.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
    expect(unescaped).toBe(result.remediation!.script.trimEnd());
  });

  it('says the call turned MFA delete off, and links the bucket and the CloudTrail event', () => {
    expect(actorLabel(result)).toBe('Turned off by');
    const links = consoleLinks(result);
    expect(links.bucket).toBe(
      'https://s3.console.aws.amazon.com/s3/buckets/example-bucket?region=eu-west-1&tab=properties',
    );
    expect(links.cloudTrailEvent).toBe(
      `https://eu-west-1.console.aws.amazon.com/cloudtrail/home?region=eu-west-1#/events?EventId=${result.event!.id}`,
    );
    expect(renderText(result)).toContain(links.cloudTrailEvent);
    const buttons = renderSlack(result).blocks.find((b) => b.type === 'actions');
    expect(buttons?.type === 'actions' && buttons.elements.map((e) => e.url)).toEqual([
      links.bucket,
      links.cloudTrailEvent,
      incidentFrame(result)!.rootActivity,
    ]);
  });

  it('puts summary, details, script and runbook in that order in the email', () => {
    const text = renderText(result);
    const order = ['is not protected', 'DETAILS', 'paste from here', 'RUNBOOK'].map((s) => text.indexOf(s));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });
});

describe('who made the call', () => {
  it('does not say "turned off" when the call only changed Status', () => {
    const result = byName('cloudtrail-versioning-suspended');
    expect(result.event?.requested.mfaDelete).toBeUndefined();
    expect(actorLabel(result)).toBe('Last PutBucketVersioning by');
    expect(renderText(result)).toContain('Last PutBucketVersioning by:');
  });

  it('shows a hostile user agent inert in Slack and Chatbot', () => {
    const result = byName('edge-bidi-user-agent');
    const slack = JSON.stringify(renderSlack(result));
    expect(slack).toContain('&lt;!channel&gt;');
    expect(slack).toContain('Ünïcödé-агент/1.0');
    expect(slack).toContain('日本語');
    const chat = renderChatbot(result).content.description;
    expect(chat).toContain('‹!channel›');
  });

  it('shows a long role session name whole in the email and bounded in Slack', () => {
    const result = byName('edge-long-session-name');
    expect(renderText(result)).toContain(result.actor!.sessionName!);
    expect(slackLimitViolations(renderSlack(result))).toEqual([]);
  });
});

describe('short notices', () => {
  // The attempt carries the incident frame (verdict, why, first checks, root activity): six more lines.
  it.each([
    ['cloudtrail-mfa-delete-enabled', 14],
    ['cloudtrail-attempt-denied', 20],
  ] as const)('%s is a few lines', (name, maxLines) => {
    const result = byName(name);
    const text = renderText(result);
    expect(text.split('\n').length).toBeLessThanOrEqual(maxLines);
    expect(text).not.toContain('RUNBOOK');
    expect(text).not.toContain('DETAILS');
    expect(renderChatbot(result).content.nextSteps).toEqual([]);
    expect(renderSlack(result).blocks.length).toBeLessThanOrEqual(6);
  });
});

describe('limits', () => {
  it('keeps a 63-character bucket in the subject and header', () => {
    const result = byName('edge-bucket-63-chars');
    expect(result.bucket).toHaveLength(63);
    expect(renderAlert(result).subject.length).toBeLessThanOrEqual(99);
    const header = renderSlack(result).blocks[0];
    expect(header?.type === 'header' && header.text.text).toContain(result.bucket);
  });

  it('counts the findings it could not fit into one Slack section', () => {
    const result = byName('edge-many-findings');
    const findings = renderSlack(result).blocks.find(
      (b) => b.type === 'section' && b.text.text.startsWith('*Findings*'),
    );
    expect(findings?.type === 'section' && findings.text.text).toMatch(/…and \d+ more findings/);
    expect(renderText(result)).toContain('Finding 120:');
  });
});
