// awsCommandsOf reads a script in one pass; for any text it finds exactly what a line-by-line reading finds
// (lines split at \n only, comment lines skipped, single-quoted text blanked on its line).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { awsCommandsOf } from '../../../lib/domain/scriptCommands';
import { NUM_RUNS, timeoutFor } from './arbitraries';

function lineByLine(script: string): string[] {
  const commands = script
    .split('\n')
    .filter((l) => !l.trimStart().startsWith('#'))
    .map((l) => l.replace(/'[^']*'/g, "''"))
    .flatMap((l) =>
      [...l.matchAll(/(?:^\s*|\$\()aws ([a-z0-9-]+) ([a-z0-9-]+)/g)].map((m) => `aws ${m[1]} ${m[2]}`),
    );
  return [...new Set(commands)];
}

const token = fc.constantFrom(
  'aws s3api put-bucket-versioning',
  'aws sts get-caller-identity',
  '$(aws iam list-mfa-devices',
  'aws ',
  's3api ',
  'x',
  '-',
  ' ',
  '\t',
  '\r',
  '\u2028',
  '\u00a0',
  '#',
  "'",
  '"',
  '$(',
  ')',
  ';',
  'echo ',
);
const line = fc.array(token, { maxLength: 8 }).map((ts) => ts.join(''));
const script = fc.array(line, { maxLength: 12 }).map((ls) => ls.join('\n'));

describe('awsCommandsOf', () => {
  it(
    'finds what a line-by-line reading finds, for any text',
    () => {
      fc.assert(
        fc.property(script, (text) => {
          expect(awsCommandsOf(text)).toEqual(lineByLine(text));
        }),
        { numRuns: NUM_RUNS },
      );
    },
    timeoutFor(NUM_RUNS, 1),
  );
});
