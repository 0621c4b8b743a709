/** Calls `visit` with every value of the group, once per call: a pass over the audit trail. */
export type ValuePass = (visit: (value: number) => void) => Promise<void>;

/** Few enough values to hold and sort; more are narrowed by another pass first. */
const COLLECT_AT_MOST = 65_536;

const view = new DataView(new ArrayBuffer(8));
/** The last value's 64 bits as two unsigned words whose order is the numbers' order. */
let hi = 0;
let lo = 0;

/** Negative numbers get every bit flipped, the others only the sign bit. */
function orderedWords(value: number): void {
  view.setFloat64(0, value);
  const h = view.getUint32(0);
  const l = view.getUint32(4);
  if (h & 0x80000000) {
    hi = ~h >>> 0;
    lo = ~l >>> 0;
  } else {
    hi = (h ^ 0x80000000) >>> 0;
    lo = l;
  }
}

/** The 16-bit digit `index` (0 = most significant) of the current words. */
const digitOf = (index: number): number =>
  index === 0 ? hi >>> 16 : index === 1 ? hi & 0xffff : index === 2 ? lo >>> 16 : lo & 0xffff;

/**
 * The value at `rank` (0-based) of the group's ascending sort, in passes over the values and never
 * holding more than a few tens of thousands of them: each pass counts the values that share the
 * digits found so far by their next 16 bits, which narrows the candidates to one digit, until few
 * enough remain to sort. At most five passes; two when values spread over many digits.
 */
export async function selectRank(pass: ValuePass, rank: number): Promise<number> {
  // The digits found so far, as masks over the two words.
  let wantHi = 0;
  let maskHi = 0;
  let wantLo = 0;
  let maskLo = 0;
  let digits = 0;
  let within = Infinity;
  let remaining = rank;
  const matches = () => (hi & maskHi) >>> 0 === wantHi && (lo & maskLo) >>> 0 === wantLo;
  while (digits < 4 && within > COLLECT_AT_MOST) {
    const counts = new Float64Array(65_536);
    const index = digits;
    await pass((value) => {
      orderedWords(value);
      if (matches()) counts[digitOf(index)]!++;
    });
    let chosen = 0;
    while (chosen < 65_535 && remaining >= counts[chosen]!) remaining -= counts[chosen++]!;
    if (remaining >= counts[chosen]!) throw new RangeError(`rank ${rank} is beyond the group's values`);
    const shift = index % 2 === 0 ? 16 : 0;
    if (index < 2) {
      wantHi = (wantHi | (chosen << shift)) >>> 0;
      maskHi = (maskHi | (0xffff << shift)) >>> 0;
    } else {
      wantLo = (wantLo | (chosen << shift)) >>> 0;
      maskLo = (maskLo | (0xffff << shift)) >>> 0;
    }
    digits++;
    within = counts[chosen]!;
  }
  const values: number[] = [];
  await pass((value) => {
    orderedWords(value);
    if (matches()) values.push(value);
  });
  values.sort((a, b) => a - b);
  const found = values[remaining];
  if (found === undefined) throw new RangeError(`rank ${rank} is beyond the group's values`);
  return found;
}
