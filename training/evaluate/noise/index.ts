export { CASINGS, recase, type Casing } from './casing';
export { INVOICE_SUFFIXES, withInvoiceSuffix } from './invoice-suffixes';
export { QWERTY_NEIGHBOURS, TYPO_KINDS, typo, withTypos, type TypoKind } from './keyboard-typos';
export {
  NOISE_KINDS,
  NOISE_RATES,
  REALISTIC_NOISY_SEED,
  REALISTIC_NOISY_SHA256,
  noisyCopies,
  noisyDescription,
  noisySetSha256,
  realisticV1Noisy,
  rowSeed,
  type NoiseKind,
  type NoisyDescription,
} from './noiser';
export { TRADER_ABBREVIATIONS, abbreviate } from './trader-abbreviations';
