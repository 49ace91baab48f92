// `mfa-delete-guard verify-script`: is a pasted root script exactly what the guard generates?
//
// The script is a deterministic function of bucket, account, Region, profile, MFA serial and the case (the
// live versioning and MFA delete state, which choose its words) (lib/domain/remediationScript.ts). This module finds the script in what was pasted, collects every value
// the script names, regenerates the script with the very same generator for each combination of them, and
// accepts the paste only when one regeneration is identical to it, line for line and byte for byte. So
// "genuine" always means: this text is exactly the guard's script for the values printed with the verdict.
//
// What is read (docs/security.md, "Checking a script"):
//   1. The input as UTF-8 text (at most 1 MiB); CRLF and CR line ends count as LF; a leading BOM is dropped.
//   2. The script starts at the first line that begins with "# mfa-delete-guard" (its header).
//      Everything before it is ignored: the email's "----- paste from here -----" line, a chat code fence,
//      the alert's text.
//   3. It ends before the first later line that is the email's "----- to here -----" marker, a code fence
//      (a line of three backticks) or the header of another script (a digest has one block per bucket:
//      check each on its own), or at the end of the input. Blank lines at its end are dropped.
//   Nothing else is normalised: a changed space, a trailing blank, one more line is a difference.
import { RemediationInputError, remediationScript } from './remediationScript';
import type { RemediationTarget, RootCredentials } from './remediationScript';
import type { MfaDeleteState, VersioningStatus } from './types';
export { awsCommandsOf } from './scriptCommands';

export const SCRIPT_HEADER_PREFIX = '# mfa-delete-guard';
export const PASTE_START_MARKER = '----- paste from here -----';
export const PASTE_END_MARKER = '----- to here -----';
const FENCE = /^\s*```\s*$/;
export const MAX_INPUT_BYTES = 1024 * 1024;

/** The inputs of the generator, as read back from a script. */
export interface ScriptValues {
  bucket: string;
  account: string;
  region: string;
  profile: string;
  /** Absent: the script finds root's MFA device at run time. */
  mfaSerial?: string;
  /** The case: the live state the script repairs ("turn on" or "turn back on"). */
  versioning: VersioningStatus;
  mfaDelete: MfaDeleteState;
}

export interface Difference {
  /** 1-based line number in the input. */
  line: number;
  /** undefined: the genuine script has ended here. */
  expected?: string;
  /** undefined: the input has ended here. */
  found?: string;
}

export type ScriptVerdict =
  | { kind: 'genuine'; values: ScriptValues; fromLine: number; toLine: number; script: string }
  | {
      kind: 'not-genuine';
      values?: ScriptValues;
      fromLine: number;
      toLine: number;
      difference: Difference;
      reason?: string;
    }
  | { kind: 'unreadable'; reason: string };

export type Extracted =
  { kind: 'found'; lines: string[]; fromLine: number } | { kind: 'unreadable'; reason: string };

/** Decode the raw input; anything that is not text is unreadable. */
export function decodeInput(
  bytes: Uint8Array,
): { kind: 'text'; text: string } | { kind: 'unreadable'; reason: string } {
  if (bytes.length > MAX_INPUT_BYTES)
    return { kind: 'unreadable', reason: `the input is over ${MAX_INPUT_BYTES} bytes` };
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return { kind: 'unreadable', reason: 'the input is not UTF-8 text' };
  }
  if (text.includes('\0'))
    return { kind: 'unreadable', reason: 'the input is not text (it holds NUL bytes)' };
  return { kind: 'text', text };
}

/** Steps 1–3 above: the script's lines and the input line it starts on. */
export function extractScript(text: string): Extracted {
  const lines = text
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
    .split('\n');
  const start = lines.findIndex((l) => l.startsWith(SCRIPT_HEADER_PREFIX));
  if (start < 0) {
    return {
      kind: 'unreadable',
      reason: `no mfa-delete-guard script found: its first line starts with "${SCRIPT_HEADER_PREFIX}"`,
    };
  }
  let end = lines.findIndex(
    (l, i) =>
      i > start && (l.trim() === PASTE_END_MARKER || FENCE.test(l) || l.startsWith(SCRIPT_HEADER_PREFIX)),
  );
  if (end < 0) end = lines.length;
  const script = lines.slice(start, end);
  while (script.length > 1 && script[script.length - 1]!.trim() === '') script.pop();
  return { kind: 'found', lines: script, fromLine: start + 1 };
}

const unique = <T>(values: T[]): T[] => [...new Set(values)];
const all = (lines: string[], re: RegExp): string[] =>
  unique(lines.flatMap((l) => [...l.matchAll(re)].map((m) => m[1]!)));

/** Every value of each kind that the script names anywhere; the generator decides which are valid. */
export function candidateValues(lines: string[]) {
  return {
    buckets: unique([...all(lines, /s3:\/\/([A-Za-z0-9._-]+)/g), ...all(lines, /--bucket '([^']*)'/g)]),
    accounts: unique([...all(lines, /\baccount (\d{12})\b/g), ...all(lines, /:iam::(\d{12}):/g)]),
    regions: all(lines, /--region '([^']*)'/g),
    profiles: all(lines, /--profile '([^']*)'/g),
    serials: all(lines, /^ {2}serial='([^']*)'$/g),
  };
}

const VERSIONING: VersioningStatus[] = ['Enabled', 'Suspended', 'Unversioned'];
const MFA_DELETE: MfaDeleteState[] = ['Disabled', 'NeverConfigured', 'Enabled'];
/** A bound on regenerations for a hostile paste that names many values. */
const MAX_COMBINATIONS = 512;

function* combinations(c: ReturnType<typeof candidateValues>): Generator<ScriptValues> {
  const serials: Array<string | undefined> = [undefined, ...c.serials];
  for (const bucket of c.buckets)
    for (const account of c.accounts)
      for (const region of c.regions)
        for (const profile of c.profiles)
          for (const mfaSerial of serials)
            for (const versioning of VERSIONING)
              for (const mfaDelete of MFA_DELETE)
                yield { bucket, account, region, profile, mfaSerial, versioning, mfaDelete };
}

/** The generator's script for these values, as lines; undefined when the generator refuses them. */
export function generatedLines(values: ScriptValues): string[] | undefined {
  const target: RemediationTarget = {
    bucket: values.bucket,
    account: values.account,
    region: values.region,
    versioning: values.versioning,
    mfaDelete: values.mfaDelete,
  };
  const creds: RootCredentials = { profile: values.profile, mfaSerial: values.mfaSerial };
  try {
    return remediationScript(target, creds).script.replace(/\n+$/, '').split('\n');
  } catch (err) {
    if (err instanceof RemediationInputError) return undefined;
    throw err;
  }
}

/** Index of the first line where two scripts differ; -1 when they are identical. */
function firstDifference(expected: string[], found: string[]): number {
  const n = Math.max(expected.length, found.length);
  for (let i = 0; i < n; i++) if (expected[i] !== found[i]) return i;
  return -1;
}

/** Verify pasted text: see the head of this file for what is read. */
export function verifyScriptText(text: string): ScriptVerdict {
  const extracted = extractScript(text);
  if (extracted.kind === 'unreadable') return extracted;
  const { lines, fromLine } = extracted;
  const toLine = fromLine + lines.length - 1;
  const candidates = candidateValues(lines);

  let best: { values: ScriptValues; at: number; expected: string[] } | undefined;
  let tried = 0;
  for (const values of combinations(candidates)) {
    if (++tried > MAX_COMBINATIONS) break;
    const expected = generatedLines(values);
    if (!expected) continue;
    const at = firstDifference(expected, lines);
    if (at < 0)
      return {
        kind: 'genuine',
        values: withoutDefaults(values),
        fromLine,
        toLine,
        script: `${lines.join('\n')}\n`,
      };
    if (!best || at > best.at) best = { values, at, expected };
  }
  if (!best) {
    const missing = (Object.entries(candidates) as Array<[string, string[]]>)
      .filter(([k, v]) => k !== 'serials' && v.length === 0)
      .map(([k]) => k.replace(/s$/, ''));
    return {
      kind: 'not-genuine',
      fromLine,
      toLine,
      difference: { line: fromLine, found: lines[0] },
      reason: missing.length
        ? `the script names no ${missing.join(', no ')}: the guard's scripts always do`
        : 'the bucket, account, Region, profile or MFA serial it names is one the guard never generates a script for',
    };
  }
  return {
    kind: 'not-genuine',
    values: withoutDefaults(best.values),
    fromLine,
    toLine,
    difference: { line: fromLine + best.at, expected: best.expected[best.at], found: lines[best.at] },
  };
}

const withoutDefaults = (v: ScriptValues): ScriptValues => {
  const { mfaSerial, ...rest } = v;
  return mfaSerial === undefined ? rest : { ...rest, mfaSerial };
};
