// What every module with a zod schema shares. The schemas use zod/mini, the functional build of zod 4
// (same package, same parser): its schemas carry no methods, so that a bundle keeps only what its schemas use.
// https://zod.dev/packages/mini
import { en } from 'zod/locales';
import { config } from 'zod/mini';

// Classic zod loads its English messages itself; zod/mini is given them here, so that an input error reads
// as it did. Every module with a schema imports this one.
config(en());

/**
 * A schema (or a set of them) built the first time it is used, not when its module loads: a function starts
 * without building the schemas of the paths it does not take (the check never parses a topic message).
 */
export function lazySchema<T>(build: () => T): () => T {
  let built: { value: T } | undefined;
  return () => (built ??= { value: build() }).value;
}
