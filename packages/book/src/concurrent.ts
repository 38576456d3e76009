/**
 * Running async work a bounded number at a time: the chapters during `npm run reproduce` (`--jobs`) and
 * the arms of a loss comparison.
 */

/**
 * `fn` over `items`, at most `limit` at a time, each started as a lane frees up; results in the order
 * of `items`. `startFirst(item)` true: the item starts before the others (in item order within each
 * group), so that a long one (a chapter that trains live) does not start last and leave one lane
 * working alone at the end.
 */
export async function mapConcurrent<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>, startFirst: (item: T) => boolean = () => false): Promise<R[]> {
  const out: R[] = new Array(items.length);
  const indices = items.map((_, i) => i);
  const order = [...indices.filter((i) => startFirst(items[i])), ...indices.filter((i) => !startFirst(items[i]))];
  let next = 0;
  const lane = async () => {
    while (next < order.length) {
      const i = order[next++];
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, lane));
  return out;
}
