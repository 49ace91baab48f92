// The two things every entry point's wiring shares, in a module that imports nothing: a function's bundle
// holds the chunks of every import() in the modules it imports (wiring.ts, header), so a small entry point
// (the Slack notifier) takes these from here rather than from wiring.ts.

export type Env = Record<string, string | undefined>;

/** A value built on first call and reused. */
export function lazy<T>(make: () => T): () => T {
  let value: { v: T } | undefined;
  return () => (value ??= { v: make() }).v;
}
