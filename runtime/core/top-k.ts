/**
 * Indices of the k largest values, largest first (ties: lower index first). A bounded insertion
 * list instead of sorting every class: over 5,600 probabilities almost every value fails the one
 * comparison with the current k-th best, so this is a single pass allocating only k slots.
 */
export function topKIndices(values: Float32Array, k: number): number[] {
  const count = Math.min(k, values.length);
  const best: number[] = [];
  if (count <= 0) return best;
  const top = new Float64Array(count);
  let size = 0;
  let floor = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const value = values[i] as number;
    if (value <= floor && size === count) continue;
    let at = size === count ? count - 1 : size++;
    while (at > 0 && (top[at - 1] as number) < value) {
      top[at] = top[at - 1] as number;
      best[at] = best[at - 1] as number;
      at--;
    }
    top[at] = value;
    best[at] = i;
    if (size === count) floor = top[count - 1] as number;
  }
  return best;
}
