// The sweep digest as an AWS Chatbot custom notification: the counts and the ten worst buckets. Chat is
// no place for a dozen root scripts: the email digest carries them, and the next steps say where the rest is.
import { countedStatuses, digestSubject, notCoveredCount } from '../../domain/digest';
import { headline } from '../../domain/alertText';
import { chatPlain } from '../../domain/snsMessage';
import { cleanText } from '../../domain/text';
import { actorLine, stormFrame } from '../../domain/storm';
import type { DigestMessage } from '../../domain/topicMessage';
import type { ChatbotNotification } from './notification';

const CHAT_BUCKETS = 10;
const n = (x: number) => x.toLocaleString('en-US');

/** A storm: the incident in our words, then each identity as plain text (the caller's, neutralised). */
function stormDescription(d: DigestMessage): string[] {
  const storm = d.storm!;
  const frame = stormFrame(storm, d.attention[0]);
  return [
    `*Incident:* ${frame.verdict}`,
    `*Why it matters:* ${frame.why}`,
    `*First checks:* ${frame.checks}`,
    ...(frame.rootActivity ? [`*Root activity:* ${frame.rootActivity}`] : []),
    '*Who and from where:*',
    ...storm.actors.map((a) => `- ${chatPlain(actorLine(a))}`),
    ...(storm.otherActors ? [`- …and ${n(storm.otherActors)} more identities`] : []),
    '*Buckets:*',
  ];
}

export function chatbotDigest(d: DigestMessage): ChatbotNotification {
  const subject = digestSubject(d);
  const needsPerson = d.attention.length + d.leftOut;
  const top = d.attention
    .slice(0, CHAT_BUCKETS)
    .map((r) => `- ${chatPlain(cleanText(headline(r), 120))} (${r.region ?? '?'})`);
  const shown = Math.min(CHAT_BUCKETS, d.attention.length);
  const more = needsPerson > shown ? [`…and ${n(needsPerson - shown)} more`] : [];
  const counts = countedStatuses(d.counts)
    .map((st) => `${st} ${n(d.counts[st] ?? 0)}`)
    .join(' · ');
  return {
    version: '1.0',
    source: 'custom',
    id: `mfa-delete-guard-${d.storm ? 'storm' : 'sweep'}-${d.account ?? 'unknown'}-${d.finishedAt}`,
    content: {
      textType: 'client-markdown',
      title: `${needsPerson ? ':rotating_light:' : ':large_green_circle:'} ${chatPlain(subject)}`,
      description: [
        ...(d.storm
          ? stormDescription(d)
          : [
              `*Swept:* ${n(d.total)} buckets  *Counts:* ${counts || 'none'}`,
              ...(notCoveredCount(d.org)
                ? [
                    `*Accounts not covered:* ${n(notCoveredCount(d.org))} of ${n(d.org?.accounts.length ?? 0)} (named in the email)`,
                  ]
                : []),
            ]),
        ...top,
        ...more,
      ].join('\n'),
      nextSteps: needsPerson
        ? [
            'The email digest carries the root-user script for each bucket in drift.',
            `To see every bucket: ${d.seeAll}.`,
          ]
        : [],
      keywords: ['s3', 'mfa-delete', d.storm ? 'storm' : 'sweep', d.account ?? 'unknown'],
    },
    metadata: {
      threadId: `mfa-delete-guard-sweep-${d.account ?? 'unknown'}`,
      summary: subject,
      eventType: d.storm ? 'S3MfaDelete-storm' : 'S3MfaDelete-sweep',
      relatedResources: d.attention.slice(0, CHAT_BUCKETS).map((r) => `arn:aws:s3:::${r.bucket}`),
      additionalContext: { account: d.account ?? '', total: String(d.total) },
    },
  };
}
