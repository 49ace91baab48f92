// `mfa-delete-guard verify-script [FILE]`: exit 0 genuine, 1 not genuine, 2 unreadable (or bad usage).
import { readFile } from 'node:fs/promises';
import { repairAction } from '../domain/remediationScript';
import {
  awsCommandsOf,
  decodeInput,
  verifyScriptText,
  type ScriptValues,
  type ScriptVerdict,
} from '../domain/verifyScript';

export const VERIFY_USAGE = `Usage: mfa-delete-guard verify-script [FILE]

Checks that a root script from an alert is exactly what mfa-delete-guard generates, before anyone runs it.
Reads FILE, or standard input without FILE. The script starts at its first line "# mfa-delete-guard…" and
ends before the email's "----- to here -----" line, a chat code fence (\`\`\`), the next script's first
line (check a digest's blocks one by one) or the end of the input; text around it is ignored. Nothing else
is normalised: every character counts.

Exit status: 0 genuine, 1 not genuine (the first difference is named), 2 unreadable or bad usage.`;

export interface VerifyIO {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  readStdin: () => Promise<Uint8Array>;
  /** Standard input is a terminal: say how to end the paste. */
  stdinIsTTY?: boolean;
}

export async function runVerifyScript(args: string[], io: VerifyIO): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout(`${VERIFY_USAGE}\n`);
    return 0;
  }
  const options = args.filter((a) => a.startsWith('-') && a !== '-');
  if (options.length > 0 || args.length > 1) {
    io.stderr(
      `mfa-delete-guard verify-script: ${options.length ? `unknown option ${options[0]}` : 'give at most one FILE'}\n\n${VERIFY_USAGE}\n`,
    );
    return 2;
  }
  const file = args[0] !== undefined && args[0] !== '-' ? args[0] : undefined;
  let bytes: Uint8Array;
  try {
    if (file !== undefined) bytes = await readFile(file);
    else {
      if (io.stdinIsTTY) io.stderr('Paste the script, then press Ctrl-D on a line of its own.\n');
      bytes = await io.readStdin();
    }
  } catch (err) {
    const what = file === undefined ? 'standard input' : JSON.stringify(file);
    io.stderr(
      `mfa-delete-guard verify-script: cannot read ${what}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}\n`,
    );
    return 2;
  }
  const decoded = decodeInput(bytes);
  const verdict: ScriptVerdict = decoded.kind === 'unreadable' ? decoded : verifyScriptText(decoded.text);
  const out = formatVerdict(verdict);
  if (verdict.kind === 'genuine') io.stdout(out);
  else io.stderr(out);
  return verdict.kind === 'genuine' ? 0 : verdict.kind === 'not-genuine' ? 1 : 2;
}

/** A value from the paste, shown so that a look-alike or control character cannot hide in it. */
const shown = (s: string | undefined, end: string): string => (s === undefined ? end : JSON.stringify(s));

function valueLines(v: ScriptValues): string[] {
  return [
    `  bucket      ${v.bucket}`,
    `  account     ${v.account}`,
    `  Region      ${v.region}`,
    `  profile     ${v.profile}`,
    `  MFA serial  ${v.mfaSerial ?? "found at run time (MFA_SERIAL, or root's only device that gives a code)"}`,
    `  case        versioning ${v.versioning}, MFA delete ${v.mfaDelete} (${repairAction(v.versioning, v.mfaDelete)})`,
  ];
}

export function formatVerdict(verdict: ScriptVerdict): string {
  switch (verdict.kind) {
    case 'unreadable':
      return `UNREADABLE: ${verdict.reason}. Do not run it.\n`;
    case 'genuine':
      return [
        `GENUINE: lines ${verdict.fromLine}-${verdict.toLine} are exactly the script mfa-delete-guard generates for:`,
        ...valueLines(verdict.values),
        `It runs only: ${awsCommandsOf(verdict.script).join(', ')}.`,
        'Before running it, check that the bucket and account are the ones the alert names.',
        '',
      ].join('\n');
    case 'not-genuine': {
      const d = verdict.difference;
      return [
        `NOT GENUINE: do not run it. Read lines ${verdict.fromLine}-${verdict.toLine}.`,
        ...(verdict.reason ? [`  ${verdict.reason}.`] : []),
        `  first difference at line ${d.line}:`,
        ...(verdict.reason ? [] : [`    expected ${shown(d.expected, '(the genuine script has ended)')}`]),
        `    found    ${shown(d.found, '(the input has ended)')}`,
        ...(verdict.values ? ['  compared with the genuine script for:', ...valueLines(verdict.values)] : []),
        '',
      ].join('\n');
    }
  }
}
