import type { Actor } from './types';

// CloudTrail fields such as the user agent and role session name are chosen by the caller, who may be
// the attacker: strip control and bidirectional-override characters and bound the length before display.
// U+061C is the Arabic letter mark, a bidirectional control like U+200E/U+200F; U+2060–U+2064 are invisible.
const UNSAFE =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

export function cleanText(value: string | undefined, max = 200): string {
  if (value === undefined) return '';
  const cleaned = value.replace(UNSAFE, ' ').replace(/\s+/g, ' ').trim();
  if (cleaned.length <= max) return cleaned;
  // Do not cut a surrogate pair in half: a lone surrogate is not valid UTF-8.
  const cut = /[\ud800-\udbff]$/.test(cleaned.slice(0, max - 1)) ? max - 2 : max - 1;
  return `${cleaned.slice(0, cut)}…`;
}

/** ASCII only, for places such as the SNS subject that reject anything else. */
export function asciiOnly(value: string): string {
  return value.replace(/[^\x20-\x7e]/g, '?');
}

/** One line saying who acted, e.g. `AssumedRole OpsAdmin/ops-session (arn:aws:sts::…)`. */
export function actorSummary(actor: Actor | undefined): string {
  if (!actor) return 'unknown principal';
  const type = actor.type === 'Unknown' ? (actor.rawType ?? 'Unknown') : actor.type;
  const who = actor.userName ?? actor.sessionName ?? actor.principalId ?? '';
  // "Root user (arn:…:root)" reads better than repeating the type; the principal ID of root is the account.
  const parts =
    actor.type === 'Root'
      ? 'Root user'
      : [cleanText(type, 40), cleanText(who, 120)].filter(Boolean).join(' ');
  return actor.arn ? `${parts} (${cleanText(actor.arn, 300)})` : parts || 'unknown principal';
}

export function yesNo(v: boolean | undefined): string {
  return v === undefined ? 'unknown' : v ? 'yes' : 'no';
}
