// What a root script runs, in words a responder can check it against (the alert says it in one line).

/**
 * The `aws` commands a script runs, in order of first appearance: those at the start of a command (a line, or
 * `$(…)`), not those in comments or in single-quoted text it only prints for a person to run by hand.
 */
export function awsCommandsOf(script: string): string[] {
  // One pass over the whole script (a sweep renders thousands): lines are split at \n only, as bash does.
  const commands = new Set<string>();
  const uncommented = script.replace(COMMENT_LINE, '').replace(SINGLE_QUOTED, "''");
  for (const m of uncommented.matchAll(COMMAND_START)) commands.add(`aws ${m[1]} ${m[2]}`);
  return [...commands];
}
const COMMENT_LINE = /(?<=^|\n)\s*#[^\n]*/g;
const SINGLE_QUOTED = /'[^'\n]*'/g;
const COMMAND_START = /(?:(?<=^|\n)\s*|\$\()aws ([a-z0-9-]+) ([a-z0-9-]+)/g;

export const VERIFY_COMMAND_CHECKOUT = 'npm run cli -- verify-script FILE';
export const VERIFY_COMMAND_BUILT = 'mfa-delete-guard verify-script FILE';

/** The one line every channel shows with a script: what a genuine one contains, and how to check it. */
export function verifyLine(script: string): string {
  const commands = awsCommandsOf(script)
    .map((c) => `\`${c}\``)
    .join(', ');
  return `Before running it, check it: a genuine script runs only ${commands} on this one bucket, and nothing else; \`${VERIFY_COMMAND_CHECKOUT}\` from a checkout (or \`${VERIFY_COMMAND_BUILT}\`, standard input without FILE) says whether it is exactly what mfa-delete-guard generates.`;
}
