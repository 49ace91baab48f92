// The machine channel: one JSON document per topic message, for SQS, Lambda, HTTP and email-json
// subscribers (the `default` key of the guard's JSON-structured publishes). Every kind has a `kind`.
import { machineAlert } from '../../domain/renderAlert';
import { MESSAGE_SOURCE, machineDigestOf, machineTestOf, type TopicMessage } from '../../domain/topicMessage';

export function renderMachine(m: TopicMessage): Record<string, unknown> {
  switch (m.kind) {
    case 'alert':
    case 'notice':
      return { ...machineAlert(m.result), kind: 'alert' };
    case 'digest':
      return machineDigestOf(m.digest);
    case 'test':
      return machineTestOf(m.test);
    case 'alarm':
      return { source: MESSAGE_SOURCE, kind: 'alarm', alarm: m.alarm };
    case 'unverified':
    case 'unrecognised':
      return { source: MESSAGE_SOURCE, kind: m.kind, message: m.foreign };
  }
}
