// The sweep digest as email text: counts, then every bucket that fitted, worst first, each drift with
// its root-user script; the buckets left out are counted, with where to see them.
import { bucketSection, countLines, digestSubject, notCoveredCount } from '../../domain/digest';
import { orgDigestLines } from '../../domain/org';
import { actorLine, stormFrame } from '../../domain/storm';
import type { DigestMessage } from '../../domain/topicMessage';
import { incidentLines } from './alert';
import type { EmailRendering } from './notices';

const n = (x: number) => x.toLocaleString('en-US');

/** A storm's grouped alert: what happened, the incident, who and from where; the buckets follow. */
function stormLines(d: DigestMessage): string[] {
  const storm = d.storm!;
  return [
    `One grouped alert instead of ${n(d.total)}, one per bucket: CloudTrail events from ${storm.firstEventAt} to ${storm.lastEventAt}; every bucket's drift event still goes to EventBridge.`,
    ...incidentLines(stormFrame(storm, d.attention[0])),
    '',
    'WHO AND FROM WHERE',
    ...storm.actors.map((a) => `  - ${actorLine(a)}`),
    ...(storm.otherActors ? [`  - …and ${n(storm.otherActors)} more identities`] : []),
    '',
  ];
}

export function emailDigest(d: DigestMessage): EmailRendering {
  const subject = digestSubject(d);
  const needsPerson = d.attention.length + d.leftOut;
  // A time-based code is accepted once: each block asks for its own, so buckets are fixed one by one.
  const howTo = d.attention.some((r) => r.remediation)
    ? 'Fix the buckets one at a time: for each block, export MFA_CODE=<a fresh code from the root MFA device>, then paste that block alone (in a terminal you may paste it without MFA_CODE and type the code when asked).\n\n'
    : '';
  const heading =
    needsPerson === 0
      ? 'Nothing needs a person.\n'
      : `NEEDS A PERSON, WORST FIRST (${n(needsPerson)}${d.leftOut ? `; ${n(d.leftOut)} left out to fit the 256 KB message limit: to see them all, ${d.seeAll}` : ''})\n\n${howTo}`;
  const text = [
    subject,
    '',
    ...(d.storm
      ? stormLines(d)
      : [
          d.org
            ? `Swept ${n(d.total)} buckets in ${n(d.org.accounts.length - notCoveredCount(d.org))} of ${n(d.org.accounts.length)} accounts from ${d.startedAt} to ${d.finishedAt}.`
            : `Swept ${n(d.total)} buckets${d.account ? ` of account ${d.account}` : ''} from ${d.startedAt} to ${d.finishedAt}.`,
          '',
        ]),
    'COUNTS',
    ...countLines(d.counts),
    '',
    // An org sweep: every account's counts, worst first, then every account not covered and why.
    ...(d.org ? orgDigestLines(d.org.accounts) : []),
    '',
  ].join('\n');
  return { subject, text: `${text}${heading}${d.attention.map((r, i) => bucketSection(r, i + 1)).join('')}` };
}
