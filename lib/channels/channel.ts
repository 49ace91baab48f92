// The seam between what happened (a TopicMessage) and how people see it. A channel renders every kind of
// topic message; a channel that SNS delivers also says under which protocol key of the guard's one
// JSON-structured publish its rendering goes, and a channel with its own delivery (the Slack webhook)
// has a notifier function subscribed to the topic. Adding a channel is one folder here plus its
// resources file.
import type { TopicMessage } from '../domain/topicMessage';

export interface Channel<Rendered> {
  readonly name: string;
  render(message: TopicMessage): Rendered;
}

/** SNS protocol keys of a `MessageStructure: "json"` publish; `default` goes to every protocol without its own key. */
export type SnsProtocolKey = 'default' | 'email' | 'https';

export interface SnsChannel<Rendered> extends Channel<Rendered> {
  readonly protocol: SnsProtocolKey;
  serialise(rendered: Rendered): string;
}
