import type { LabelledRow } from '../dataset';
import { fingerprintOfKey } from './fingerprint';
import type { LabelOrigin } from './types';

export type LabelCheck =
  { status: 'new' } | { status: 'duplicate' | 'conflict'; first: LabelOrigin & { hs6: string } };

const INITIAL_CAPACITY = 1 << 16;
const MAX_LOAD = 0.6;
const MAX_SOURCES = 0xffff;
/** Words per slot: fingerprint high, fingerprint low, HS6 + 1 (0 marks an empty slot), line. */
const STRIDE = 4;

/**
 * The texts already labelled, for duplicate and conflict detection across any number of files
 * (and a corpus, via `addRows`). Keeps no text: an open-addressing table of typed arrays holds
 * per entry the 64-bit fingerprint of the normalised text, the HS6 and where it was first
 * seen, 18 bytes a slot, about 30 bytes a row at the load kept here. A slot's words sit side
 * by side so a probe touches one cache line.
 */
export class LabelIndex {
  private capacity = INITIAL_CAPACITY;
  private slots = new Uint32Array(INITIAL_CAPACITY * STRIDE);
  private sourceIds = new Uint16Array(INITIAL_CAPACITY);
  private readonly sourceNames: string[] = [];
  private readonly sourceIdByName = new Map<string, number>();
  private lastSource: { name: string; id: number } | undefined;
  private readonly scratch = new Uint32Array(2);
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Records the label if the text is new; otherwise says where the text was seen first. */
  add(text: string, hs6: string, origin: LabelOrigin): LabelCheck {
    if (!/^\d{6}$/.test(hs6)) throw new Error(`not an HS6 code: ${JSON.stringify(hs6)}`);
    const code = Number(hs6);
    fingerprintOfKey(text, this.scratch);
    const high = this.scratch[0]!;
    const low = this.scratch[1]!;
    const slot = this.find(high, low);
    const at = slot * STRIDE;
    const stored = this.slots[at + 2]!;
    if (stored !== 0) {
      const first = {
        source: this.sourceNames[this.sourceIds[slot]!]!,
        line: this.slots[at + 3]!,
        hs6: String(stored - 1).padStart(6, '0'),
      };
      return { status: stored === code + 1 ? 'duplicate' : 'conflict', first };
    }
    this.slots[at] = high;
    this.slots[at + 1] = low;
    this.slots[at + 2] = code + 1;
    this.slots[at + 3] = origin.line;
    this.sourceIds[slot] = this.sourceId(origin.source);
    this.count++;
    if (this.count > this.capacity * MAX_LOAD) this.grow();
    return { status: 'new' };
  }

  /** Seeds the index with rows from elsewhere (the default corpus), numbered from 1. */
  addRows(rows: Iterable<LabelledRow>, source: string): void {
    let line = 0;
    for (const row of rows) this.add(row.text, row.hs6, { source, line: ++line });
  }

  /** The slot holding this fingerprint, or the empty slot where it belongs. */
  private find(high: number, low: number): number {
    const mask = this.capacity - 1;
    const slots = this.slots;
    let slot = low & mask;
    for (;;) {
      const at = slot * STRIDE;
      if (slots[at + 2] === 0 || (slots[at] === high && slots[at + 1] === low)) return slot;
      slot = (slot + 1) & mask;
    }
  }

  private grow(): void {
    const old = { slots: this.slots, sourceIds: this.sourceIds, capacity: this.capacity };
    this.capacity *= 2;
    this.slots = new Uint32Array(this.capacity * STRIDE);
    this.sourceIds = new Uint16Array(this.capacity);
    for (let i = 0; i < old.capacity; i++) {
      const from = i * STRIDE;
      if (old.slots[from + 2] === 0) continue;
      const slot = this.find(old.slots[from]!, old.slots[from + 1]!);
      for (let word = 0; word < STRIDE; word++) this.slots[slot * STRIDE + word] = old.slots[from + word]!;
      this.sourceIds[slot] = old.sourceIds[i]!;
    }
  }

  private sourceId(name: string): number {
    if (name === this.lastSource?.name) return this.lastSource.id;
    let id = this.sourceIdByName.get(name);
    if (id === undefined) {
      if (this.sourceNames.length > MAX_SOURCES)
        throw new Error(`more than ${MAX_SOURCES + 1} sources in one index`);
      id = this.sourceNames.length;
      this.sourceNames.push(name);
      this.sourceIdByName.set(name, id);
    }
    this.lastSource = { name, id };
    return id;
  }
}
