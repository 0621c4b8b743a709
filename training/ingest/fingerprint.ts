import { dedupeKey } from './text';

// A module binding rather than a global lookup per character: sandboxes such as Jest's make
// global lookups slow.
const imul = Math.imul;

/**
 * A 64-bit fingerprint of a string as two independent 32-bit lanes (multiply-xorshift, after
 * the public-domain cyrb53), written into `out` so hashing millions of rows allocates nothing.
 * At 64 bits, ten million distinct texts collide with odds of about 3 in a million.
 */
export function fingerprint64(text: string, out: Uint32Array): void {
  const lanes = new Lanes();
  for (let i = 0; i < text.length; i++) lanes.mix(text.charCodeAt(i));
  lanes.finish(out);
}

/**
 * `fingerprint64(dedupeKey(text))` without building the key: ASCII text (nearly every
 * description) is lower-cased and space-collapsed on the fly; anything else takes the
 * general path, which gives the same value.
 */
export function fingerprintOfKey(text: string, out: Uint32Array): void {
  const lanes = new Lanes();
  let pendingSpace = false;
  let started = false;
  for (let i = 0; i < text.length; i++) {
    let ch = text.charCodeAt(i);
    if (ch > 0x7f) return fingerprint64(dedupeKey(text), out);
    if (ch === 0x20 || (ch >= 0x09 && ch <= 0x0d)) {
      pendingSpace = started;
      continue;
    }
    if (pendingSpace) {
      lanes.mix(0x20);
      pendingSpace = false;
    }
    if (ch >= 0x41 && ch <= 0x5a) ch += 0x20;
    lanes.mix(ch);
    started = true;
  }
  lanes.finish(out);
}

class Lanes {
  private h1 = 0xdeadbeef;
  private h2 = 0x41c6ce57;

  mix(ch: number): void {
    this.h1 = imul(this.h1 ^ ch, 2654435761);
    this.h2 = imul(this.h2 ^ ch, 1597334677);
  }

  finish(out: Uint32Array): void {
    let { h1, h2 } = this;
    h1 = imul(h1 ^ (h1 >>> 16), 2246822507);
    h1 ^= imul(h2 ^ (h2 >>> 13), 3266489909);
    h2 = imul(h2 ^ (h2 >>> 16), 2246822507);
    h2 ^= imul(h1 ^ (h1 >>> 13), 3266489909);
    out[0] = h1 >>> 0;
    out[1] = h2 >>> 0;
  }
}
