import { withoutInvoiceTail } from '../text/invoice-tail';
import { foldGraphemes, replaceMapped, type MappedText } from './mapped-text';

/**
 * Text normalisation shared by training and serving. Any change here changes what a model
 * sees, so it is versioned: bump NORMALISER_VERSION and the manifest records it.
 */
export const NORMALISER_VERSION = 4;

/** British and other spelling variants folded onto one form, so both spellings share a token. */
const SPELLING: Readonly<Record<string, string>> = {
  colour: 'color',
  aluminium: 'aluminum',
  fibre: 'fiber',
  tyre: 'tire',
  jewellery: 'jewelry',
  grey: 'gray',
  mould: 'mold',
  sulphur: 'sulfur',
  sulphate: 'sulfate',
  sulphide: 'sulfide',
  litre: 'liter',
  metre: 'meter',
  centre: 'center',
  moustache: 'mustache',
  yoghurt: 'yogurt',
  yoghourt: 'yogurt',
  paediatric: 'pediatric',
  oesophagus: 'esophagus',
  pyjama: 'pajama',
  programme: 'program',
  catalogue: 'catalog',
  cheque: 'check',
  tonne: 'ton',
  favour: 'favor',
  flavour: 'flavor',
  armour: 'armor',
  odour: 'odor',
  vapour: 'vapor',
  harbour: 'harbor',
  plough: 'plow',
  draught: 'draft',
  kerb: 'curb',
  waggon: 'wagon',
};

/** Units of measure folded onto one symbol each. */
const UNITS: Readonly<Record<string, string>> = {
  g: 'g',
  gr: 'g',
  gram: 'g',
  grams: 'g',
  kg: 'kg',
  kgs: 'kg',
  kilo: 'kg',
  kilos: 'kg',
  kilogram: 'kg',
  kilograms: 'kg',
  mg: 'mg',
  ml: 'ml',
  cl: 'cl',
  l: 'l',
  ltr: 'l',
  liter: 'l',
  liters: 'l',
  litre: 'l',
  litres: 'l',
  mm: 'mm',
  cm: 'cm',
  m: 'm',
  meter: 'm',
  meters: 'm',
  metre: 'm',
  metres: 'm',
  in: 'inch',
  inch: 'inch',
  inches: 'inch',
  ft: 'ft',
  lb: 'lb',
  lbs: 'lb',
  oz: 'oz',
  v: 'volt',
  volt: 'volt',
  volts: 'volt',
  w: 'watt',
  watt: 'watt',
  watts: 'watt',
  kw: 'kw',
  kwh: 'kwh',
  mah: 'mah',
  hp: 'hp',
  pcs: 'pcs',
  pc: 'pcs',
  pieces: 'pcs',
};

const STOP_WORDS = new Set([
  'a',
  'an',
  'the',
  'and',
  'or',
  'of',
  'for',
  'with',
  'to',
  'by',
  'in',
  'on',
  'at',
  'as',
  'from',
  'its',
  'their',
  'whether',
  'be',
  'is',
  'are',
]);

/** A run of letters, or a number with an optional decimal part. */
const RAW_TOKEN = /[\p{L}\p{M}]+|\d+(?:[.,]\d+)?/gu;

// Each rule is a global pattern and its replacement ($1… keep their characters' origins).
const RULES: ReadonlyArray<readonly [RegExp, string]> = [
  // Possessives: "men's" and "mens" mean the same to a tariff.
  [/(\p{L})['’]s\b/gu, '$1'],
  [/['’]/g, ''],
  // "t-shirt", "x-ray", "e-bike": a short prefix glued by a hyphen is one word.
  [/\b(\p{L}{1,2})-(\p{L})/gu, '$1$2'],
  // "100%" → "100 percent", "500g" → "500 g", "3.5" → "3 5" is avoided by keeping decimals.
  [/%/g, ' percent '],
  [/(\d)([\p{L}"])/gu, '$1 $2'],
  [/(\d)\s*"/g, '$1 inch '],
];

/** Lower-cased, NFKC-folded text with units and numbers made explicit; no tokenisation yet. */
export function normaliseText(raw: string): string {
  let text = raw.normalize('NFKC').toLowerCase();
  for (const [pattern, replacement] of RULES) text = text.replace(pattern, replacement);
  return text;
}

/**
 * The same normalisation, mapped to the original text. Slower (it tracks every character), so
 * only explanations use it; a test holds both to the same words on the whole corpus.
 */
function normaliseMapped(raw: string): MappedText {
  let text = foldGraphemes(raw, (grapheme) => grapheme.normalize('NFKC').toLowerCase());
  for (const [pattern, replacement] of RULES) text = replaceMapped(text, pattern, replacement);
  return text;
}

/** A number becomes a magnitude class, so "500 g" and "750 g" share a token but "5 kg" does not. */
function numberToken(digits: string): string {
  const integerPart = digits.split(/[.,]/)[0] ?? '';
  return `<num${Math.min(integerPart.replace(/^0+(?=\d)/, '').length, 6)}>`;
}

/** Strips an English plural so "t-shirts" and "t-shirt" meet; leaves short and non-Latin words alone. */
function singular(word: string): string {
  if (word.length <= 3 || !/^[a-z]+$/.test(word)) return word;
  if (/(ss|us|is|ous)$/.test(word)) return word;
  if (word.endsWith('ies') && word.length > 4) return `${word.slice(0, -3)}y`;
  if (/(ches|shes|xes|sses|zes)$/.test(word)) return word.slice(0, -2);
  if (word.endsWith('s')) return word.slice(0, -1);
  return word;
}

/** A word the model sees and the characters of the original text it came from. */
export interface TokenWithSpan {
  word: string;
  /** UTF-16 offsets into the original description: [start, end). */
  start: number;
  end: number;
}

/** Words that, with the number before them, state a share: "100% cotton", "85 percent or more by weight". */
const PERCENT_WORDS = new Set(['percent', 'pct']);
const isNumber = (token: string | undefined) => token !== undefined && /^\d/.test(token);

/**
 * The model's words from the raw tokens of normalised text, each with the index of the token it
 * came from. Percentages are left out, number and all: invoices write "100% cotton" where the
 * tariff writes "containing 85 percent or more by weight of cotton", and the material word carries
 * what either means; kept, the tariff's many "percent" lines pulled short descriptions towards
 * woven garments.
 */
function modelWords(tokens: readonly string[]): Array<{ word: string; token: number }> {
  const words: Array<{ word: string; token: number }> = [];
  tokens.forEach((token, i) => {
    if (PERCENT_WORDS.has(token) && isNumber(tokens[i - 1])) return;
    if (isNumber(token)) {
      if (!PERCENT_WORDS.has(tokens[i + 1] ?? '')) words.push({ word: numberToken(token), token: i });
      return;
    }
    const word = wordOf(token);
    if (word !== undefined) words.push({ word, token: i });
  });
  return words;
}

/**
 * The words of a description, in order, without its logistics tail ("…, PO#74207"), after
 * normalisation, stop-word removal and folding, each
 * with the span of the original text it came from ("Men's" → men at 0–3, "500g" → <num3> and g).
 */
export function tokenizeWithSpans(raw: string): TokenWithSpan[] {
  // The goods come first, so cutting the tail leaves every offset where it was.
  const normalised = normaliseMapped(withoutInvoiceTail(raw));
  const matches = [...normalised.text.matchAll(RAW_TOKEN)];
  return modelWords(matches.map((m) => m[0])).map(({ word, token }) => {
    const match = matches[token] as RegExpExecArray;
    const last = match.index + match[0].length - 1;
    return { word, start: normalised.start[match.index] as number, end: normalised.end[last] as number };
  });
}

/** The words of a description, in order, without its logistics tail, normalised and folded. */
export function tokenize(raw: string): string[] {
  const tokens = Array.from(normaliseText(withoutInvoiceTail(raw)).matchAll(RAW_TOKEN), (m) => m[0]);
  return modelWords(tokens).map((w) => w.word);
}

/** What one word token becomes for the model; undefined for a stop word. */
function wordOf(token: string): string | undefined {
  if (STOP_WORDS.has(token)) return undefined;
  const unit = UNITS[token];
  if (unit) return unit;
  const folded = SPELLING[token] ?? token;
  return SPELLING[singular(folded)] ?? singular(folded);
}
