// One bucket's alert or notice in Slack Block Kit, for the incoming-webhook notifier
// (https://api.slack.com/messaging/webhooks).
import {
  SEVERITY_EMOJI,
  alertSubject,
  callerFacts,
  headline,
  isShortNotice,
  liveState,
  runbook,
  summary,
} from '../../domain/alertText';
import { consoleLinks } from '../../domain/consoleLinks';
import { incidentFrame } from '../../domain/incident';
import { cleanText } from '../../domain/text';
import type { CheckResult } from '../../domain/types';
import {
  SLACK_LIMITS,
  bounded,
  button,
  listSection,
  scriptSections,
  section,
  slackEscape,
  slackFact,
  type LinkButton,
  type SlackBlock,
  type SlackMessage,
} from './blockKit';

export function renderSlack(r: CheckResult): SlackMessage {
  const links = consoleLinks(r);
  const short = isShortNotice(r);
  const blocks: SlackBlock[] = [
    {
      type: 'header',
      text: {
        type: 'plain_text',
        text: bounded(`${SEVERITY_EMOJI[r.severity]} ${headline(r)}`, SLACK_LIMITS.headerText),
        emoji: true,
      },
    },
  ];
  const refused = r.findings.find((f) => f.code === 'failed-attempt');
  blocks.push(
    section(
      [
        `*${r.severity.toUpperCase()}* · ${slackEscape(summary(r))}`,
        ...(short && refused ? [`*S3 said:* ${slackEscape(cleanText(refused.message, 500))}`] : []),
      ].join('\n'),
    ),
  );

  const frame = incidentFrame(r);
  if (frame) {
    blocks.push(
      section(
        [
          `*Incident:* ${slackEscape(frame.verdict)}`,
          `*Why it matters:* ${slackEscape(frame.why)}`,
          `*First checks:* ${slackEscape(frame.checks)}`,
        ].join('\n'),
      ),
    );
  }

  const fields = [
    ...callerFacts(r),
    ...(short
      ? []
      : [
          { label: 'Account', value: r.account ?? 'unknown', untrusted: false },
          { label: 'Region', value: r.region ?? 'unknown', untrusted: false },
          { label: 'Live state', value: liveState(r), untrusted: false },
          ...(r.reason ? [{ label: 'Reason', value: cleanText(r.reason, 300), untrusted: true }] : []),
        ]),
  ].slice(0, SLACK_LIMITS.fields);
  if (fields.length) {
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: short ? '*Caller*' : '*Details*' },
      fields: fields.map((f) => ({ type: 'mrkdwn', text: bounded(slackFact(f), SLACK_LIMITS.fieldText) })),
    });
  }

  const buttons: LinkButton[] = [
    ...(links.bucket ? [button('Open bucket properties', links.bucket, 'open-bucket')] : []),
    ...(links.cloudTrailEvent
      ? [button('CloudTrail event', links.cloudTrailEvent, 'open-cloudtrail-event')]
      : []),
    ...(frame?.rootActivity ? [button('Root activity', frame.rootActivity, 'open-root-activity')] : []),
  ];
  if (buttons.length) blocks.push({ type: 'actions', elements: buttons });

  if (!short && r.findings.length) {
    blocks.push(
      listSection(
        'Findings',
        r.findings.map((f) => `• ${slackEscape(cleanText(f.message, 500))}`),
        'findings',
      ),
    );
  }
  if (!short && r.remediation) {
    blocks.push({ type: 'divider' });
    blocks.push(
      section(
        [
          '*Remediation (root user only)*',
          ...r.remediation.warnings.map((w) => `:warning: ${slackEscape(w)}`),
        ].join('\n'),
      ),
    );
    blocks.push(...scriptSections(r.remediation.script));
  }
  const steps = short ? undefined : runbook(r);
  if (steps) {
    blocks.push(
      listSection(
        'Runbook',
        steps.map((s, i) => `${i + 1}. ${slackEscape(s)}`),
        'steps',
      ),
    );
  }
  blocks.push({
    type: 'context',
    elements: [
      {
        type: 'mrkdwn',
        text: slackEscape(`mfa-delete-guard · ${r.status} · ${r.trigger} · checked ${r.checkedAt}`),
      },
    ],
  });
  // The script is split across sections; a runaway split must still leave a postable message.
  const capped =
    blocks.length > SLACK_LIMITS.blocks
      ? [...blocks.slice(0, SLACK_LIMITS.blocks - 1), section('_…message shortened: see the email alert_')]
      : blocks;
  return { text: slackEscape(alertSubject(r)), blocks: capped };
}
