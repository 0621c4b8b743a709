import countries from 'i18n-iso-countries';
import english from 'i18n-iso-countries/langs/en.json';

/*
 * Invoice lines and customs entries end in logistics, not goods: "…, PO#74207", "FOB NINGBO",
 * "N.W. 30.7KG", "MADE IN VIETNAM", "CTN 3/27". Those words say nothing about the code, yet in a
 * two-word description they outweigh the goods ("paper ORIGIN: VN" went to tanning extracts).
 * This finds where such a tail begins, so the model and the search read only the goods.
 */

countries.registerLocale(english);

const withoutAccents = (text: string): string => text.normalize('NFKD').replace(/\p{M}+/gu, '');
const placeKey = (place: string): string =>
  withoutAccents(place)
    .toLowerCase()
    .replace(/[^a-z]+/g, ' ')
    .trim();

/**
 * Country names with their common aliases ("Turkey", "USA") and ISO 3166 alpha-2 and alpha-3
 * codes ("VN", "CHN"), as looked up after an origin mark. A set, not a pattern: an alternation of
 * some 800 names is too large for V8 to compile, and interpreted it cost milliseconds a text.
 */
const COUNTRIES = new Set(
  [
    ...Object.values(countries.getNames('en', { select: 'all' })).flat(),
    ...Object.keys(countries.getAlpha2Codes()),
    ...Object.keys(countries.getAlpha3Codes()),
  ].map(placeKey),
);

const NUMBER = String.raw`\d+(?:[.,]\d+)?`;
const PLACE = String.raw`(?:\s+[\p{L}]+){0,3}`;

/** Each kind of logistics fragment, as a pattern for the whole fragment. */
const FRAGMENTS = [
  // Order, invoice and lot references: "PO#74207", "INV-8268", "Invoice No. 5512", "lot 7B".
  String.raw`(?:p\.?\s?o\.?|inv(?:oice)?|order|ref|lot|batch)\s*(?:no\.?|nr\.?|number)?\s*[#:.-]?\s*[a-z]{0,2}\d[\w/-]*`,
  // Net and gross weights: "N.W. 30.7KG", "GW: 12 kgs", "net weight 5 lbs" (never a bare "net":
  // "fishing net 5 kg" is goods).
  String.raw`(?:n\.?\s?w\.?|g\.?\s?w\.?|(?:nett?|gross)\s+(?:weight|wt\.?))\s*[:.]?\s*${NUMBER}\s*(?:kgs?|kilos?|g|lbs?|mt|t)\.?`,
  // Incoterms 2020 (and the older C&F) with the named place: "FOB HO CHI MINH", "shipping term CIF".
  String.raw`(?:(?:shipping\s+)?terms?\s*:?\s*)?(?:exw|fca|fas|fob|cfr|cif|cpt|cip|dap|dpu|ddp|c\s?&\s?f|cnf)${PLACE}`,
  // Packing: "6 PCS/CTN", "CTN 3/27", "carton 2 of 9", "QTY 140", "qty: 20 pcs".
  String.raw`\d+\s*(?:pcs|pieces|pc|units|sets|pairs|prs)\s*(?:/|per)\s*(?:ctns?|cartons?|box(?:es)?|cases?|bags?|pallets?)`,
  String.raw`(?:ctns?|cartons?|cases?|pallets?|pkgs?|packages?)\s*(?:no\.?|#)?\s*\d+\s*(?:/|of)\s*\d+`,
  String.raw`(?:qty|quantity)\s*[:.]?\s*${NUMBER}(?:\s*(?:pcs|pieces|units|sets|pairs|ctns|cartons|kgs?))?`,
  // The importer's question to the broker: "HS CODE?", "hs code: 6109.10".
  String.raw`hs\s*code\s*[:#]?\s*(?:\d[\d.]{3,12})?\s*\??`,
  // Customs status of the goods: "SAMPLE - NO COMMERCIAL VALUE", "FOC".
  String.raw`(?:free\s+)?samples?(?:\s*[-,:]?\s*no\s+commercial\s+value)?`,
  String.raw`no\s+commercial\s+value|free\s+of\s+charge|n\.?c\.?v\.?|f\.?o\.?c\.?`,
];

/** What sets a fragment apart from what comes before it. */
const SEPARATOR = String.raw`(?:\s*[,;/|]\s*|\s+[-–]\s+|\s+)`;
/**
 * "new" is a fragment only when punctuation sets it apart ("paper / NEW"): written straight
 * after the goods, as in "car tyre 205/55R16 new", it can be what decides the heading.
 */
const SET_APART_NEW = String.raw`(?:\s*[,;/|]\s*|\s+[-–]\s+)(?:brand\s+)?new`;
/** One fragment at the very end of a text, with its separator and any closing punctuation. */
const LAST_FRAGMENT = new RegExp(
  // Starting only where a separator starts keeps a long run of spaces from being retried at
  // each of its characters (cubic work in its length).
  String.raw`(?<![\s,;/|–-])(?:${SET_APART_NEW}|${SEPARATOR}(?:${FRAGMENTS.join('|')}))[\s.,;:!?]*$`,
  'iu',
);

/**
 * An origin mark at the very end ("MADE IN CHINA", "ORIGIN: VN", "country of origin Türkiye");
 * group 1 is the place, which must be a country. "original" is not "origin" + AL (Albania).
 */
const LAST_ORIGIN = new RegExp(
  String.raw`(?<![\s,;/|–-])${SEPARATOR}(?:made\s+in|(?:country\s+of\s+)?origin|c\.?o\.?o\.?)(?:\s*[:.-]\s*|\s+)(\p{L}[\p{L}.'’ -]{0,40}?)[\s.,;:!?]*$`,
  'iu',
);

/** Where the last fragment of `text` starts, if it ends in one. */
function lastFragmentStart(text: string): number | undefined {
  const fragment = LAST_FRAGMENT.exec(text)?.index;
  const origin = LAST_ORIGIN.exec(text);
  const originStart = origin && COUNTRIES.has(placeKey(origin[1] as string)) ? origin.index : undefined;
  if (fragment === undefined) return originStart;
  return originStart === undefined ? fragment : Math.min(fragment, originStart);
}

/**
 * A logistics tail is short; only the last characters are searched for one, which also bounds
 * the work on a long text.
 */
export const TAIL_WINDOW = 160;

/**
 * Where the goods end in `text`: the offset of its logistics tail, or its length when it has
 * none. Fragments are peeled off the end one at a time, each a small match, rather than with one
 * pattern for the whole tail, whose backtracking grew steeply with repeated fragments. A text that
 * is nothing but logistics ("PO#123") is left whole: something must be read.
 */
export function goodsEnd(text: string): number {
  const from = Math.max(0, text.length - TAIL_WINDOW);
  let end = text.length;
  for (let start = lastFragmentStart(text.slice(from)); start !== undefined;) {
    end = from + start;
    start = lastFragmentStart(text.slice(from, end));
  }
  return /[\p{L}\p{N}]/u.test(text.slice(0, end)) ? end : text.length;
}

/** `text` without its logistics tail. */
export function withoutInvoiceTail(text: string): string {
  return text.slice(0, goodsEnd(text));
}
