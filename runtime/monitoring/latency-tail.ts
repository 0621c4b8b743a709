/**
 * The largest latencies of a group of predictions, enough of them to give an exact nearest-rank
 * p99 without holding every value: a min-heap of at most `capacity(n)` values, and `cut`, the
 * largest value it let go. Every value it let go is ≤ `cut` < every value it keeps, which is what
 * lets a query over several tails tell whether their kept values decide the percentile exactly
 * (see `tailPercentile`).
 */
export class LatencyTail {
  /** Values seen. */
  n = 0;
  /** The largest value dropped so far; -Infinity while nothing was dropped. */
  cut = -Infinity;
  private heap = new Float64Array(16);
  private size = 0;

  /** Keeps about 3% of the values (and all of the first 256), so p99 rarely needs a second look. */
  static capacity(n: number): number {
    return 256 + Math.ceil(n * 0.03);
  }

  add(value: number): void {
    this.n++;
    if (!(value > this.cut)) return;
    this.push(value);
    if (this.size > LatencyTail.capacity(this.n)) this.cut = this.pop();
  }

  /** The kept values, in no particular order. */
  kept(): Float64Array {
    return this.heap.subarray(0, this.size);
  }

  private push(value: number): void {
    if (this.size === this.heap.length) {
      const grown = new Float64Array(this.heap.length * 2);
      grown.set(this.heap);
      this.heap = grown;
    }
    const heap = this.heap;
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((heap[parent] as number) <= value) break;
      heap[i] = heap[parent] as number;
      i = parent;
    }
    heap[i] = value;
  }

  private pop(): number {
    const heap = this.heap;
    const top = heap[0] as number;
    const last = heap[--this.size] as number;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= this.size) break;
      const right = left + 1;
      const child = right < this.size && (heap[right] as number) < (heap[left] as number) ? right : left;
      if ((heap[child] as number) >= last) break;
      heap[i] = heap[child] as number;
      i = child;
    }
    heap[i] = last;
    return top;
  }
}

/** The nearest-rank index p99 uses: the value at this place of the ascending sort. */
export const p99Rank = (n: number): number => Math.min(n - 1, Math.floor(n * 0.99));

/**
 * The exact p99 (nearest rank) of the union of the tails' values, or undefined when their kept
 * values cannot tell it (a group dropped values that may reach the percentile: the caller then
 * reads the values again, see `selectRank`). null when there are no values.
 */
export function tailPercentile(tails: readonly LatencyTail[]): number | null | undefined {
  const n = tails.reduce((sum, t) => sum + t.n, 0);
  if (n === 0) return null;
  const fromTop = n - p99Rank(n);
  const kept: number[] = [];
  for (const tail of tails) for (const value of tail.kept()) kept.push(value);
  if (kept.length < fromTop) return undefined;
  kept.sort((a, b) => b - a);
  const value = kept[fromTop - 1] as number;
  // Values dropped by a tail are ≤ its cut: none of them outranks `value` unless a cut does.
  return tails.every((t) => t.cut <= value) ? value : undefined;
}
