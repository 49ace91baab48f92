// Shared fast-check arbitraries for the property suites: hostile strings, mutated sample events.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';

/** Generated cases per property: a few thousand in CI, many more with `npm run test:nightly`. */
export const NUM_RUNS = positiveInt(process.env.FC_NUM_RUNS, 2000);
/** Cases that spawn bash (one or two processes each), kept small so CI stays fast. */
export const SHELL_RUNS = positiveInt(process.env.FC_SHELL_RUNS, 200);

/** Per-test time limit that grows with the number of cases, so the nightly run is not cut short. */
export const timeoutFor = (runs: number, msPerRun: number): number => Math.max(20_000, runs * msPerRun);

function positiveInt(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

/** Every character the shell treats specially, plus whitespace and quoting. */
export const SHELL_METACHARACTERS = [
  ';',
  '|',
  '&',
  '$',
  '`',
  "'",
  '"',
  '\\',
  '<',
  '>',
  '(',
  ')',
  '{',
  '}',
  '[',
  ']',
  '*',
  '?',
  '!',
  '~',
  '#',
  '=',
  '%',
  '^',
  ',',
  ':',
  '@',
  '+',
  ' ',
  '\t',
  '\n',
  '\r',
  '\0',
];

/** Unicode that looks like bucket-name characters, or hides: look-alikes, bidi overrides, zero-width, C1. */
export const LOOKALIKES = [
  '\u0430', // Cyrillic a
  '\u0435', // Cyrillic e
  '\u043e', // Cyrillic o
  '\u0455', // Cyrillic dze (s)
  '\u2010', // hyphen
  '\u2011', // non-breaking hyphen
  '\u2212', // minus sign
  '\uff0e', // fullwidth full stop
  '\u2024', // one dot leader
  '\u0131', // dotless i
  '\u200b', // zero-width space
  '\u200d', // zero-width joiner
  '\u202e', // right-to-left override
  '\u2066', // left-to-right isolate
  '\u009b', // C1 CSI
  '\u001b', // ESC
  '\u2028', // line separator
  '\ufeff', // BOM
  '\ud83d\ude00', // emoji (surrogate pair)
  '\ud800', // lone surrogate
];

const NAME_CHARS = [...'abcdefghijklmnopqrstuvwxyz0123456789.-'];

/** Strings built mostly from bucket-name characters, salted with metacharacters and look-alikes. */
export const hostileName = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: fc.constantFrom(...NAME_CHARS), minLength: 1, maxLength: 70 }) },
  {
    weight: 4,
    arbitrary: fc.string({
      unit: fc.oneof(
        { weight: 6, arbitrary: fc.constantFrom(...NAME_CHARS) },
        { weight: 1, arbitrary: fc.constantFrom(...SHELL_METACHARACTERS) },
        { weight: 1, arbitrary: fc.constantFrom(...LOOKALIKES) },
        { weight: 1, arbitrary: fc.constantFrom(...'ABCXYZ_') },
      ),
      minLength: 0,
      maxLength: 80,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'a;touch CANARY',
      'bucket$(touch CANARY)',
      'bucket`touch CANARY`',
      "bucket'; touch CANARY; echo '",
      'bucket\ntouch CANARY',
      'bucket && touch CANARY',
      'bucket|touch CANARY',
      '-bucket',
      '--bucket',
      'xn--bucket',
      '192.168.1.1',
      'a..b',
    ),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
);

/** A huge string: enough to find quadratic behaviour or a missing bound, not enough to slow CI. */
export const hugeString = fc
  .tuple(fc.constantFrom('a', '\u202e', '"', '\\', 'é'), fc.integer({ min: 10_000, max: 200_000 }))
  .map(([c, n]) => c.repeat(n));

/** Any leaf a JSON document (or a careless caller) might put somewhere. */
export const hostileLeaf: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.constant(undefined),
  fc.boolean(),
  fc.double(),
  fc.integer(),
  hostileName,
  fc.constant(''),
  fc.constant([]),
  fc.constant({}),
  fc.array(hostileName, { maxLength: 3 }),
  fc.constant('__proto__'),
  fc.constant({ __proto__: { polluted: true } }),
  fc.constant({ toString: 'not a function' }),
  fc.constant(Object.create(null)),
);

export const SAMPLE_EVENTS: Array<{ name: string; event: unknown }> = readdirSync(
  join(__dirname, '..', '..', '..', 'events'),
)
  .filter((f) => f.endsWith('.json') && f !== 'scenarios.json')
  .map((name) => ({
    name,
    event: JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'events', name), 'utf8')) as unknown,
  }));

type Path = Array<string | number>;

/** Every path to a value inside a JSON document (including containers). */
export function pathsOf(value: unknown, prefix: Path = []): Path[] {
  const out: Path[] = [prefix];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...pathsOf(v, [...prefix, i])));
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) out.push(...pathsOf(v, [...prefix, k]));
  return out;
}

export type Mutation =
  | { op: 'delete'; pick: number }
  | { op: 'replace'; pick: number; value: unknown }
  | { op: 'rename'; pick: number; key: string };

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('delete' as const), pick: fc.nat() }),
  fc.record({
    op: fc.constant('replace' as const),
    pick: fc.nat(),
    value: fc.oneof({ weight: 8, arbitrary: hostileLeaf }, { weight: 1, arbitrary: hugeString }),
  }),
  fc.record({
    op: fc.constant('rename' as const),
    pick: fc.nat(),
    key: fc.constantFrom('Host', 'host', 'MFADelete', 'mfaDelete', 'BucketName', 'bucketname', 'detail_type'),
  }),
);

/** Apply mutations to a deep copy of a sample event: truncated records, wrong types, renamed keys. */
export function mutate(event: unknown, mutations: Mutation[]): unknown {
  let doc = structuredClone(event);
  for (const m of mutations) {
    const paths = pathsOf(doc);
    const path = paths[m.pick % paths.length] as Path;
    if (path.length === 0) {
      if (m.op === 'replace') doc = m.value;
      continue;
    }
    const parent = path.slice(0, -1).reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], doc) as
      Record<string | number, unknown> | unknown[];
    const key = path[path.length - 1] as string | number;
    if (m.op === 'delete') {
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else delete (parent as Record<string, unknown>)[key];
    } else if (m.op === 'replace') {
      // A copy: generated constants are shared between runs, and inserting one into itself makes a cycle.
      (parent as Record<string | number, unknown>)[key] = structuredClone(m.value);
    } else if (!Array.isArray(parent)) {
      const value = (parent as Record<string, unknown>)[key];
      delete (parent as Record<string, unknown>)[key];
      (parent as Record<string, unknown>)[m.key] = value;
    }
  }
  return doc;
}

export const mutatedSampleEvent: fc.Arbitrary<unknown> = fc
  .tuple(fc.constantFrom(...SAMPLE_EVENTS), fc.array(mutation, { minLength: 1, maxLength: 4 }))
  .map(([sample, mutations]) => mutate(sample.event, mutations));

/** Characters no message that reaches a terminal, an email or a log should carry raw. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
export const RAW_CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
