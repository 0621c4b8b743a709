/** Small helpers over a seeded generator in [0, 1), so every choice the noiser makes is replayable. */
export type Random = () => number;

/** An integer in [min, max], both included. */
export function integer(min: number, max: number, random: Random): number {
  return min + Math.floor(random() * (max - min + 1));
}

export function pick<T>(items: readonly T[], random: Random): T {
  if (items.length === 0) throw new Error('pick: nothing to choose from');
  return items[integer(0, items.length - 1, random)] as T;
}
