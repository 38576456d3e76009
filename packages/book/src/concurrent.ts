/**
 * Running async work a bounded number at a time: the chapters during `npm run reproduce` (`--jobs`) and
 * the arms of a loss comparison.
 */

/** `fn` over `items`, at most `limit` at a time, each started as a lane frees up; results in the order of `items`. */
export async function mapConcurrent<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, lane));
  return out;
}
