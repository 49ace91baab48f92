// The sweep digest in Slack: counts, then the buckets that need a person worst first: the first few with
// their root-user script (as many as the machine copy carries and Block Kit's 50 blocks hold), the others
// one line each; those left out of the message are counted, with where to see them.
import { headline, SEVERITY_EMOJI } from '../../domain/alertText';
import { cleanText } from '../../domain/text';
import type { DigestMessage } from '../../domain/topicMessage';
import type { CheckResult } from '../../domain/types';
import { countedStatuses, sweepName, verdict } from '../../domain/digest';
import { actorLine, stormFrame, stormHeadline } from '../../domain/storm';
import {
  SLACK_LIMITS,
  button,
  listSection,
  scriptSections,
  section,
  slackEscape,
  type SlackBlock,
  type SlackMessage,
} from './blockKit';
import { context, header } from './notices';

const n = (x: number) => x.toLocaleString('en-US');

function bucketBlocks(r: CheckResult, index: number): SlackBlock[] {
  const where = `${r.region ?? 'unknown Region'}${r.account ? `, account ${r.account}` : ''}`;
  const title = `*${index}. [${r.severity.toUpperCase()}] ${slackEscape(cleanText(headline(r), 120))}* (${slackEscape(where)})`;
  if (r.status !== 'drift')
    return [
      section(
        `${title}\n${slackEscape(cleanText(r.reason ?? r.findings[0]?.message ?? 'the live check was refused', 300))}`,
      ),
    ];
  if (!r.remediation)
    return [
      section(`${title}\nNo script: ${slackEscape(cleanText(r.reason ?? 'the account ID is unknown', 300))}`),
    ];
  return [
    section([title, ...r.remediation.warnings.map((w) => `:warning: ${slackEscape(w)}`)].join('\n')),
    ...scriptSections(r.remediation.script),
  ];
}

/** A storm's grouped alert: the headline, the incident, who and from where (the caller's text, escaped). */
function stormHead(d: DigestMessage): SlackBlock[] {
  const storm = d.storm!;
  const frame = stormFrame(storm, d.attention[0]);
  return [
    header(`${SEVERITY_EMOJI[d.severity]} ${stormHeadline(d.total, d.account, storm)}`),
    section(
      [
        `*${d.severity.toUpperCase()}* · One grouped alert instead of one per bucket: CloudTrail events from ${slackEscape(storm.firstEventAt)} to ${slackEscape(storm.lastEventAt)}. Every bucket's drift event still goes to EventBridge.`,
        `*Incident:* ${slackEscape(frame.verdict)}`,
        `*Why it matters:* ${slackEscape(frame.why)}`,
        `*First checks:* ${slackEscape(frame.checks)}`,
      ].join('\n'),
    ),
    ...(frame.rootActivity
      ? [
          {
            type: 'actions' as const,
            elements: [button('Root activity', frame.rootActivity, 'open-root-activity')],
          },
        ]
      : []),
    listSection(
      'Who and from where',
      [
        ...storm.actors.map((a) => `• ${slackEscape(actorLine(a))}`),
        ...(storm.otherActors ? [`• …and ${n(storm.otherActors)} more identities`] : []),
      ],
      'identities',
    ),
  ];
}

export function slackDigest(d: DigestMessage): SlackMessage {
  const needsPerson = d.attention.length + d.leftOut;
  const emoji = needsPerson ? SEVERITY_EMOJI[d.severity] : SEVERITY_EMOJI.info;
  const counts = countedStatuses(d.counts);
  const head: SlackBlock[] = d.storm
    ? stormHead(d)
    : [
        header(`${emoji} S3 MFA delete ${sweepName(d)}: ${verdict(d)}`),
        section(
          slackEscape(
            `Swept ${n(d.total)} buckets${d.account ? ` of account ${d.account}` : ''} from ${cleanText(d.startedAt, 40)} to ${cleanText(d.finishedAt, 40)}.`,
          ),
        ),
      ];
  // An org sweep: every account not covered, named with why (the email also lists each account's counts).
  const missing = d.org?.accounts.filter((a) => !a.covered) ?? [];
  if (missing.length)
    head.push(
      section(
        `*Accounts not covered (${n(missing.length)} of ${n(d.org?.accounts.length ?? 0)}):*\n${missing
          .slice(0, 20)
          .map((a) => `${a.account}: ${slackEscape(cleanText(a.covered ? '' : a.reason, 150))}`)
          .join('\n')}${missing.length > 20 ? `\n…and ${n(missing.length - 20)} more (in the email)` : ''}`,
      ),
    );
  if (counts.length)
    head.push({
      type: 'section',
      text: { type: 'mrkdwn', text: '*Counts*' },
      fields: counts
        .slice(0, SLACK_LIMITS.fields)
        .map((s) => ({ type: 'mrkdwn', text: `*${s}:* ${n(d.counts[s] ?? 0)}` })),
    });
  const tail = (shown: number): SlackBlock[] => {
    const left = needsPerson - shown;
    return [
      ...(left > 0
        ? [
            section(
              `_…${n(left)} more bucket${left === 1 ? '' : 's'} need a person. To see them all:_ ${slackEscape(d.seeAll)}`,
            ),
          ]
        : []),
      context(`mfa-delete-guard · ${d.storm ? 'grouped alert' : 'sweep digest'} · ${d.finishedAt}`),
    ];
  };
  if (!needsPerson)
    return {
      text: slackEscape(`S3 MFA delete ${sweepName(d)}: ${verdict(d)}`),
      blocks: [...head, section('Nothing needs a person.'), ...tail(0)],
    };

  // Buckets worst first (the order of the machine form): those that carry their script in full, while
  // they fit; then the others that fitted in the message, one line each (their scripts are in the email).
  const blocks: SlackBlock[] = [...head, { type: 'divider' }];
  const reserve = 1 + tail(0).length; // the one-line list and the tail
  let shown = 0;
  for (const r of d.attention.slice(0, d.scripts)) {
    const more = bucketBlocks(r, shown + 1);
    if (blocks.length + more.length + reserve > SLACK_LIMITS.blocks) break;
    blocks.push(...more);
    shown++;
  }
  const lines: string[] = [];
  let used = 0;
  for (const r of d.attention.slice(shown)) {
    const line = `${shown + lines.length + 1}. [${r.severity.toUpperCase()}] ${slackEscape(cleanText(headline(r), 120))} (${slackEscape(r.region ?? 'unknown Region')})`;
    if (used + line.length + 1 > SLACK_LIMITS.sectionText - 200) break;
    lines.push(line);
    used += line.length + 1;
  }
  if (lines.length) {
    blocks.push(
      section(`*Also needing a person (their scripts are in the email digest):*\n${lines.join('\n')}`),
    );
    shown += lines.length;
  }
  return {
    text: slackEscape(
      d.storm
        ? stormHeadline(d.total, d.account, d.storm)
        : `S3 MFA delete ${sweepName(d)}: ${verdict(d)}${d.account ? ` (${d.account})` : ''}`,
    ),
    blocks: [...blocks, ...tail(shown)],
  };
}
