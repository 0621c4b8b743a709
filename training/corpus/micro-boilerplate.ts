/*
 * The micro set dresses nomenclature texts and phrases in trade boilerplate generated from a
 * few templates. The boilerplate is the same for every code, so it teaches the model nothing
 * but noise; these are the templates, found by comparing each text with its `hs_desc`.
 */
const PURPOSES = [
  'bulk procurement program',
  'export under standard commercial terms',
  'regional retail supply chain',
  'industrial procurement contract',
  'international wholesale distribution',
  'cross-border shipment',
  'bonded warehouse delivery',
  'customs clearance and import declaration',
];
const LOGISTICS = [
  'shipping term FOB',
  'shipping term CIF',
  'for scheduled maritime transport',
  'with standard commercial invoice and packing list',
  'palletized for container shipment',
  'packed in cartons',
  'for mixed-lot cargo',
  'for 20ft container loading',
];
const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const anyOf = (list: string[]): string => list.map(escape).join('|');

/** ", for bulk procurement program, shipping term CIF." */
const PURPOSE_AND_LOGISTICS = new RegExp(
  `,\\s*for (?:${anyOf(PURPOSES)}),\\s*(?:${anyOf(LOGISTICS)})\\.?$`,
  'i',
);

const SUFFIXES = [
  ' for industrial/commercial use',
  ', meeting international standards',
  ', packed for international trade',
  ', quantity: various, for wholesale',
  ' - standard quality, bulk shipment',
  ', commercial grade, for import',
];
const SUFFIX = new RegExp(`(?:${anyOf(SUFFIXES)})$`, 'i');

/** "Export grade <goods>, certified" and its siblings: both ends must match. */
const WRAPPERS = [
  ['Imported ', ', customs declaration'],
  ['Export grade ', ', certified'],
  ['Trade declaration: ', ', new'],
  ['Shipment of ', ', FOB terms'],
].map(([prefix, suffix]) => new RegExp(`^${escape(prefix ?? '')}(.+)${escape(suffix ?? '')}$`, 'i'));

/** The goods without the boilerplate, and whether there was any. */
export function stripBoilerplate(text: string): { text: string; stripped: boolean } {
  let out = text.trim().replace(PURPOSE_AND_LOGISTICS, '').replace(SUFFIX, '');
  for (const wrapper of WRAPPERS) {
    const inner = wrapper.exec(out)?.[1];
    if (inner !== undefined) {
      out = inner;
      break;
    }
  }
  out = out.trim();
  return { text: out, stripped: out !== text.trim() };
}
