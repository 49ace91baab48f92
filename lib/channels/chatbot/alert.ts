// One bucket's alert or notice as an AWS Chatbot custom notification (client-markdown, re-rendered by
// Chatbot for Slack and for Microsoft Teams). Untrusted values go in inline code with chatSafe's look-alikes.
import {
  SEVERITY_EMOJI,
  callerFacts,
  headline,
  isShortNotice,
  liveState,
  refusal,
  runbook,
  summary,
  type Fact,
} from '../../domain/alertText';
import { consoleLinks } from '../../domain/consoleLinks';
import { incidentFrame } from '../../domain/incident';
import { chatSafe } from '../../domain/snsMessage';
import { asciiOnly, cleanText } from '../../domain/text';
import type { CheckResult } from '../../domain/types';
import type { ChatbotNotification } from './notification';

/** An untrusted identifier as inline code: markdown inside it (`_`, `*`, `~`) stays literal. */
const chatCode = (value: string) => `\`${chatSafe(value)}\``;

export const chatFact = (f: Fact): string => `*${f.label}:* ${f.untrusted ? chatCode(f.value) : f.value}`;

export function renderChatbot(r: CheckResult): ChatbotNotification {
  const links = consoleLinks(r);
  const short = isShortNotice(r);
  const refused = refusal(r);
  // Our sentences around validated names and a link we built: not escaped, like the runbook.
  const frame = incidentFrame(r);
  const description = [
    summary(r),
    ...(short && refused ? [`*S3 said:* ${chatSafe(cleanText(refused.message, 500))}`] : []),
    ...(frame
      ? [
          `*Incident:* ${frame.verdict}`,
          `*Why it matters:* ${frame.why}`,
          `*First checks:* ${frame.checks}`,
          ...(frame.rootActivity ? [`*Root activity:* ${frame.rootActivity}`] : []),
        ]
      : []),
    ...callerFacts(r).map(chatFact),
    short
      ? undefined
      : `*Account:* ${r.account ?? '?'}  *Region:* ${r.region ?? '?'}  *Live:* ${liveState(r)}`,
    ...(links.bucket ? [`*Bucket:* ${links.bucket}`] : []),
    ...(links.cloudTrailEvent ? [`*CloudTrail event:* ${links.cloudTrailEvent}`] : []),
  ]
    .filter(Boolean)
    .join('\n');
  // Warnings and runbook steps are our own text around validated names: they are not escaped, so the
  // profile root_user and `export MFA_CODE=<code>` arrive as written. The script goes in a code fence
  // verbatim: it is built only from validated, shell-quoted values.
  const nextSteps = short
    ? []
    : [
        ...(r.remediation
          ? [...r.remediation.warnings, `\`\`\`\n${r.remediation.script.trimEnd()}\n\`\`\``]
          : []),
        ...(runbook(r) ?? []),
      ];
  return {
    version: '1.0',
    source: 'custom',
    id: `mfa-delete-guard-${r.status}-${r.account ?? 'unknown'}-${r.bucket}-${r.event?.id ?? r.checkedAt}`,
    content: {
      textType: 'client-markdown',
      title: `${SEVERITY_EMOJI[r.severity]} ${headline(r)}`,
      description,
      nextSteps,
      keywords: ['s3', 'mfa-delete', r.status, r.severity, r.account ?? 'unknown'],
    },
    metadata: {
      // One thread per bucket, so that the later "restored" notice answers the drift alert.
      threadId: `mfa-delete-guard-${r.account ?? 'unknown'}-${r.bucket}`,
      summary: asciiOnly(headline(r)),
      eventType: `S3MfaDelete-${r.status}`,
      relatedResources: [`arn:aws:s3:::${r.bucket}`],
      additionalContext: {
        account: r.account ?? '',
        region: r.region ?? '',
        status: r.status,
        severity: r.severity,
      },
    },
  };
}
