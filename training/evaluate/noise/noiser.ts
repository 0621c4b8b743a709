import { createHash } from 'node:crypto';
import { normaliseText } from '../../corpus/normalise';
import { seededRandom } from '../../rng';
import { loadRealisticSet, type EvalRow } from '../realistic-set';
import { CASINGS, recase } from './casing';
import { pick, type Random } from './choice';
import { withInvoiceSuffix } from './invoice-suffixes';
import { withTypos } from './keyboard-typos';
import { abbreviate } from './trader-abbreviations';

export const NOISE_KINDS = ['abbreviation', 'typo', 'case', 'suffix'] as const;
export type NoiseKind = (typeof NOISE_KINDS)[number];

/** How often each kind of noise is tried on a description, in the order they are applied. */
export const NOISE_RATES: Readonly<Record<NoiseKind, number>> = {
  abbreviation: 0.6,
  typo: 0.6,
  case: 0.35,
  suffix: 0.45,
};

/** The seed of the published noisy copy, `realistic-v1-noisy`. */
export const REALISTIC_NOISY_SEED = 'realistic-v1-noisy';

/**
 * The sha256 of `realistic-v1-noisy` (see noisySetSha256). Scores are comparable across reports
 * only while the noisy rows stay the same: a change to the set or to the noise rules must come
 * with a new seed name and this digest, never silently.
 */
export const REALISTIC_NOISY_SHA256 = '85d1da4d20f2fb753dd8eb74ce76fada213bb4fd79a0dbe6033e13167d3a3fc7';

export interface NoisyDescription {
  text: string;
  /** The kinds that changed the text, in the order applied. */
  applied: NoiseKind[];
}

/**
 * A noisy copy of one description: trader shorthand, typos, another casing and an invoice
 * suffix, each with its rate. The copy always differs from the original after normalisation
 * (case and spacing folded), so no row of a noisy set is a free repeat of the clean one: when
 * chance changed nothing the model would see, a suffix is added.
 */
export function noisyDescription(text: string, random: Random): NoisyDescription {
  const applied: NoiseKind[] = [];
  let out = text;
  const attempt = (kind: NoiseKind, change: (current: string) => string) => {
    if (random() >= NOISE_RATES[kind]) return;
    const next = change(out);
    if (next !== out) applied.push(kind);
    out = next;
  };
  attempt('abbreviation', (current) => abbreviate(current, random));
  attempt('typo', (current) => withTypos(current, random() < 0.3 ? 2 : 1, random));
  attempt('case', (current) => recase(current, pick(CASINGS, random)));
  attempt('suffix', (current) => withInvoiceSuffix(current, random));
  if (normaliseText(out) === normaliseText(text)) {
    out = withInvoiceSuffix(out, random);
    applied.push('suffix');
  }
  return { text: out, applied };
}

/** A 32-bit seed for one row, from the set's seed and the row's id. */
export function rowSeed(seed: string, id: string): number {
  return createHash('sha256').update(`${seed}\0${id}`).digest().readUInt32BE(0);
}

/**
 * Noisy copies of `rows`, ids, codes and every other field unchanged. Each row draws from its
 * own generator, seeded by `seed` and its id, so a row's copy is the same whatever rows come
 * before it: adding rows to the set leaves the noise of the others as it was.
 */
export function noisyCopies<T extends { id: string; description: string }>(
  rows: readonly T[],
  seed: string,
): Array<T & { noise: NoiseKind[] }> {
  return rows.map((row) => {
    const { text, applied } = noisyDescription(row.description, seededRandom(rowSeed(seed, row.id)));
    return { ...row, description: text, noise: applied };
  });
}

/** `realistic-v1-noisy`: the evaluation set as it might arrive from importers, built in memory. */
export function realisticV1Noisy(seed = REALISTIC_NOISY_SEED): Array<EvalRow & { noise: NoiseKind[] }> {
  return noisyCopies(loadRealisticSet(), seed);
}

/** A digest of a noisy set: each row's id, code and text, one JSON line each, in row order. */
export function noisySetSha256(
  rows: ReadonlyArray<{ id: string; hs6: string; description: string }>,
): string {
  const hash = createHash('sha256');
  for (const row of rows) hash.update(`${JSON.stringify([row.id, row.hs6, row.description])}\n`);
  return hash.digest('hex');
}
