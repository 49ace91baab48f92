/**
 * Run `fn` over `items` with at most `concurrency` calls in flight. Workers pull the next item only when
 * they are free, so an async source (a paginated listing) is read no faster than it is worked through
 * and memory stays flat; a hand-rolled pool because p-limit would queue a closure per item up front.
 * Rejects with the first error `fn` throws, after the calls in flight settle.
 */
export async function forEachConcurrent<T>(
  items: AsyncIterable<T> | Iterable<T>,
  concurrency: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  const iterator =
    Symbol.asyncIterator in items ? items[Symbol.asyncIterator]() : toAsync(items[Symbol.iterator]());
  let failed = false;
  const worker = async () => {
    // An async generator queues concurrent next() calls, so the workers can share one safely.
    while (!failed) {
      const next = await iterator.next();
      if (next.done) return;
      try {
        await fn(next.value);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  const results = await Promise.allSettled(Array.from({ length: Math.max(1, concurrency) }, worker));
  const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (rejected) throw rejected.reason;
}

function toAsync<T>(it: Iterator<T>): AsyncIterator<T> {
  return { next: async () => it.next() };
}
