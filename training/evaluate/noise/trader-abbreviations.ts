import type { Random } from './choice';

/**
 * Shorthand that traders and freight forwarders write on invoices and packing lists, longest
 * phrase first so that "stainless steel" wins over "stainless" and "without" over "with".
 */
export const TRADER_ABBREVIATIONS: ReadonlyArray<readonly [string, string]> = [
  ['stainless steel', 'ss'],
  ['approximately', 'approx'],
  ['galvanised', 'galv'],
  ['galvanized', 'galv'],
  ['aluminium', 'alu'],
  ['aluminum', 'alu'],
  ['automatic', 'auto'],
  ['stainless', 's/s'],
  ['polyester', 'poly'],
  ['assembly', 'assy'],
  ['assorted', 'asst'],
  ['quantity', 'qty'],
  ['electric', 'elec'],
  ['standard', 'std'],
  ['bottles', 'btls'],
  ['cartons', 'ctns'],
  ['leather', 'lthr'],
  ['package', 'pkg'],
  ['plastic', 'plast'],
  ['without', 'w/o'],
  ["women's", 'wmns'],
  ['bottle', 'btl'],
  ['carton', 'ctn'],
  ['double', 'dbl'],
  ['frozen', 'frz'],
  ['inches', 'in'],
  ['length', 'lgth'],
  ['medium', 'med'],
  ['pieces', 'pcs'],
  ['weight', 'wt'],
  ['black', 'blk'],
  ['boxes', 'bxs'],
  ['dozen', 'dz'],
  ['green', 'grn'],
  ['piece', 'pc'],
  ['white', 'wht'],
  ["men's", 'mens'],
  ['blue', 'blu'],
  ['grey', 'gry'],
  ['inch', 'in'],
  ['pack', 'pk'],
  ['size', 'sz'],
  ['with', 'w/'],
  ['and', '&'],
  ['box', 'bx'],
];

const SHORT = new Map(TRADER_ABBREVIATIONS.map(([long, short]) => [long, short]));
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
// Whole words only: "men's" must not match inside "women's", nor "box" inside "boxing".
const PATTERN = new RegExp(
  `(?<![\\p{L}\\p{N}'])(${TRADER_ABBREVIATIONS.map(([long]) => escape(long)).join('|')})(?![\\p{L}\\p{N}])`,
  'giu',
);

/**
 * Replaces each phrase of the table that appears in `text`, each occurrence with probability
 * `rate`; a phrase written in capitals gets its shorthand in capitals ("BLACK" → "BLK").
 */
export function abbreviate(text: string, random: Random, rate = 0.75): string {
  return text.replace(PATTERN, (match: string) => {
    if (random() >= rate) return match;
    const short = SHORT.get(match.toLowerCase()) ?? match;
    return match === match.toUpperCase() && match !== match.toLowerCase() ? short.toUpperCase() : short;
  });
}
