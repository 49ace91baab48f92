// The machine channel: one JSON document per topic message, for SQS, Lambda, HTTP and email-json
// subscribers: the `default` key of the guard's JSON-structured publishes, which SNS sends to every
// protocol without a key of its own. Every kind carries `source` and `kind` (lib/domain/topicMessage.ts).
import { cleanText } from '../../domain/text';
import { MESSAGE_SOURCE, machineDigestOf, machineTestOf, type TopicMessage } from '../../domain/topicMessage';
import type { SnsChannel } from '../channel';
import { machineAlert } from './alert';

const FIELD_MAX = 256;

/**
 * Buckets of a digest whose machine copy keeps the root script: as many as a Slack digest shows in full.
 * The email digest has them all; a script costs twice as much again inside the machine JSON.
 */
export const MACHINE_DIGEST_SCRIPTS = 5;

export function renderMachine(m: TopicMessage): Record<string, unknown> {
  switch (m.kind) {
    case 'alert':
    case 'notice':
      return { ...machineAlert(m.result) };
    case 'digest': {
      const scripts = Math.min(m.digest.scripts, MACHINE_DIGEST_SCRIPTS);
      const attention = m.digest.attention.map((r, i) => {
        if (i < scripts || !r.remediation) return r;
        const { remediation: _script, ...rest } = r;
        return rest;
      });
      return machineDigestOf({ ...m.digest, attention, scripts });
    }
    case 'test':
      return machineTestOf(m.test);
    case 'alarm':
      return { source: MESSAGE_SOURCE, kind: 'alarm', alarm: m.alarm };
    case 'unverified':
    case 'unrecognised':
      return { source: MESSAGE_SOURCE, kind: m.kind, message: m.foreign };
  }
}

/**
 * The machine copy with every long string cut (the script excepted), marked `truncated`: the raw
 * CloudTrail fields are chosen by the caller, and an alert SNS refuses is worse than a shortened one.
 */
export function truncatedMachine(m: TopicMessage): string {
  return JSON.stringify({ ...renderMachine(m), truncated: true }, (key, value: unknown) =>
    typeof value === 'string' && key !== 'script' && value.length > FIELD_MAX
      ? cleanText(value, FIELD_MAX)
      : value,
  );
}

export const machineChannel: SnsChannel<Record<string, unknown>> = {
  name: 'machine',
  protocol: 'default',
  render: renderMachine,
  serialise: (r) => JSON.stringify(r),
};
