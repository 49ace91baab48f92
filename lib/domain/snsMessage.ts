// What SNS accepts from a publish, and the text rules the alert and the digest share.
import { asciiOnly } from './text';

/**
 * SNS Publish rejects a Message over 262,144 bytes and a Subject that is not ASCII text under 100
 * characters. https://docs.aws.amazon.com/sns/latest/api/API_Publish.html
 */
export const SNS_MESSAGE_MAX_BYTES = 262_144;
/** What a rendered message may use: the headroom covers the subject line and the JSON wrapping. */
export const SNS_MESSAGE_BUDGET = SNS_MESSAGE_MAX_BYTES - 4_096;
export const SNS_SUBJECT_MAX = 99;

/** A subject SNS accepts: ASCII only, cut with "..." to at most 99 characters. */
export function snsSubject(text: string): string {
  const subject = asciiOnly(text);
  return subject.length > SNS_SUBJECT_MAX ? `${subject.slice(0, SNS_SUBJECT_MAX - 3)}...` : subject;
}

/**
 * Untrusted text for chat markdown (AWS Chatbot's client-markdown, re-rendered per chat platform:
 * https://docs.aws.amazon.com/chatbot/latest/adminguide/custom-notifs.html). Backticks would end a code
 * span; `<`/`>` make Slack links and mentions (`<!channel>`); `&` starts an entity. They are replaced by
 * look-alikes rather than escaped, because no escape works on every platform.
 */
export function chatSafe(value: string): string {
  return value.replace(/`/g, "'").replace(/</g, '‹').replace(/>/g, '›').replace(/&/g, '＆');
}

/** Untrusted text outside a code span: as chatSafe, and emphasis marks (`*`, `_`, `~`) become spaces. */
export function chatPlain(value: string): string {
  return chatSafe(value.replace(/[*_~]/g, ' '));
}
