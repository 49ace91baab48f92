// The guard's one SNS publish per message: each SNS-delivered channel's rendering under its protocol key
// (`MessageStructure: "json"`), within SNS's 256 KB message limit.
// https://docs.aws.amazon.com/sns/latest/api/API_Publish.html
import {
  bucketSection,
  digestSeverity,
  worstFirst,
  worstSeverity,
  type SweepSummary,
} from '../domain/digest';
import { SNS_MESSAGE_BUDGET } from '../domain/snsMessage';
import type { DigestMessage, TopicMessage } from '../domain/topicMessage';
import type { SnsProtocolKey } from './channel';
import { chatbotChannel } from './chatbot';
import { emailChannel } from './email';
import { MACHINE_DIGEST_SCRIPTS, machineChannel, truncatedMachine } from './machine';

export interface SnsPublication {
  subject: string;
  /** Per-protocol messages for SNS `MessageStructure: "json"`. */
  message: string;
  messageStructure: 'json';
  /** UTF-8 bytes of `message`, the figure SNS limits. */
  bytes: number;
}

/** The channels SNS delivers, each under its protocol key. */
export const SNS_CHANNELS = [machineChannel, emailChannel, chatbotChannel] as const;

function compose(m: TopicMessage, machine?: string): SnsPublication {
  const email = emailChannel.render(m);
  const parts: Record<SnsProtocolKey, string> = {
    default: machine ?? machineChannel.serialise(machineChannel.render(m)),
    email: emailChannel.serialise(email),
    https: chatbotChannel.serialise(chatbotChannel.render(m)),
  };
  const message = JSON.stringify(parts);
  return {
    subject: email.subject,
    message,
    messageStructure: 'json',
    bytes: Buffer.byteLength(message, 'utf8'),
  };
}

/** The publish of an alert, notice or test alert; an oversized alert's machine copy is cut, never refused. */
export function snsPublication(m: TopicMessage, opts: { maxBytes?: number } = {}): SnsPublication {
  const budget = opts.maxBytes ?? SNS_MESSAGE_BUDGET;
  const full = compose(m);
  return full.bytes <= budget ? full : compose(m, truncatedMachine(m));
}

export interface DigestPublication extends SnsPublication {
  digest: DigestMessage;
  /** Buckets described in the message, and buckets left out to stay within the size limit. */
  included: number;
  leftOut: number;
}

/** Bytes a string adds once it is a JSON string value (escapes included, quotes not). */
const jsonBytes = (s: string) => Buffer.byteLength(JSON.stringify(s), 'utf8') - 2;

/**
 * The digest's publish: buckets worst first, as many as fit in the budget with both their email section
 * and their machine copy; the rest are counted in it, with where to see them.
 */
export function digestPublication(
  s: SweepSummary & { seeAll: string },
  opts: { maxBytes?: number } = {},
): DigestPublication {
  const budget = opts.maxBytes ?? SNS_MESSAGE_BUDGET;
  const sorted = [...s.attention].sort(worstFirst);
  const digestOf = (k: number): DigestMessage => ({
    ...(s.account && { account: s.account }),
    startedAt: s.startedAt,
    finishedAt: s.finishedAt,
    total: s.total,
    counts: s.counts,
    severity: digestSeverity(worstSeverity(sorted), s.org),
    ...(s.org && { org: s.org }),
    attention: sorted.slice(0, k),
    scripts: k,
    leftOut: sorted.length - k,
    seeAll: s.seeAll,
    ...(s.storm && { storm: s.storm }),
  });
  const publish = (k: number) => {
    const digest = digestOf(k);
    return { ...compose({ kind: 'digest', digest }), digest, included: k, leftOut: sorted.length - k };
  };
  // Estimate how many fit from each bucket's cost in both copies (the machine copy is JSON inside a JSON
  // string: escaped twice; past the first few it has no script), then correct it against the rendering.
  const base = publish(0);
  let used = base.bytes;
  let k = 0;
  for (const r of sorted) {
    const machine = k < MACHINE_DIGEST_SCRIPTS ? r : { ...r, remediation: undefined };
    const cost = jsonBytes(bucketSection(r, k + 1)) + jsonBytes(JSON.stringify(machine)) + 1;
    if (used + cost > budget) break;
    used += cost;
    k++;
  }
  let best = publish(k);
  while (best.bytes > budget && k > 0) best = publish(--k);
  return best;
}
