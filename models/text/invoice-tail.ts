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
    // How invoices also write them, missing from the ISO names.
    ...['Korea', 'Viet Nam', 'PRC', 'P.R.C.', 'England', 'Scotland', 'Wales', 'Holland', 'EU'],
    'European Union',
  ].map(placeKey),
);

const NUMBER = String.raw`\d+(?:[.,]\d+)?`;
const WEIGHT = String.raw`${NUMBER}\s*(?:kgs?|kilos?|g|lbs?|mt|t)\.?`;

/**
 * Each kind of logistics fragment that may follow the goods after a plain space. Every one needs
 * a number or a fixed phrase: a bare word that is also goods ("key fob", "tissue samples",
 * "watch case") is never a fragment here.
 */
const FRAGMENTS = [
  // References: "PO#74207", "P/O 74207", "INV-8268", "Invoice No. 5512", "lot 7B"; a letter
  // prefix only after a mark, so "network switch POE24" and "acetal rod POM20" keep their codes.
  String.raw`(?:p\.?\s?o\.?|p/o|inv(?:oice)?|order|ref|lot|batch)(?:\s*(?:no\.?|nr\.?|number|#|:|-)\s*[a-z]{0,3}-?\d[\w/-]*|\s+\d[\w/-]*)`,
  // Net and gross weights as invoices mark them: "N.W. 30.7KG", "GW: 12 kgs". Spelled out after
  // a plain space, a weight is goods ("adhesives, not exceeding net weight 1 kg"); see below.
  String.raw`(?:n\.?\s?w\.?|g\.?\s?w\.?)\s*[:.]?\s*${WEIGHT}`,
  // Incoterms after the word "terms": "shipping term CIF", "Incoterms 2020: FOB Ningbo".
  String.raw`(?:(?:shipping|trade|delivery)\s+terms?|terms|incoterms?(?:\s+20[12]0)?)\s*:?\s*(?:exw|fca|fas|fob|cfr|cif|cpt|cip|dap|dpu|ddp|c\s?&\s?f|cnf)(?:\s+[\p{L}]+){0,4}`,
  // Packing: "6 PCS/CTN", "CTN 3/27", "carton 2 of 9", "QTY 140", "qty: 20 pcs". Not "case":
  // "watch case 5 of 9" is goods.
  String.raw`\d+\s*(?:pcs|pieces|pc|units|sets|pairs|prs)\s*(?:/|per)\s*(?:ctns?|cartons?|box(?:es)?|cases?|bags?|pallets?)`,
  String.raw`(?:ctns?|cartons?|pallets?|pkgs?)\s*(?:no\.?|#)?\s*\d+\s*(?:/|of)\s*\d+`,
  String.raw`(?:qty|quantity)\s*[:.]?\s*${NUMBER}(?:\s*(?:pcs|pieces|units|sets|pairs|ctns|cartons|kgs?))?`,
  // The importer's question to the broker: "HS CODE?", "hs code: 6109.10".
  String.raw`hs\s*code\s*[:#]?\s*(?:\d[\d.]{3,12})?\s*\??`,
  // Customs status: "NO COMMERCIAL VALUE", "free sample", "sample - no commercial value".
  String.raw`(?:samples?\s*[-,:]?\s*)?no\s+commercial\s+value|free\s+(?:of\s+charge|samples?)|n\.?c\.?v\.?|f\.?o\.?c\.?`,
];

/** What sets a fragment apart from what comes before it: punctuation, a dash, or a space. */
const PUNCTUATION = String.raw`\s*[,;/|，、；]\s*|\s+[-–]\s+`;
const SEPARATOR = String.raw`(?:${PUNCTUATION}|\s+)`;
/** Closing punctuation after the last fragment. */
const CLOSE = String.raw`[\s.,;:!?。]*$`;
// Matches start only where a separator starts, so a long run of spaces is not retried at each
// of its characters (cubic work in its length).
const START = String.raw`(?<![\s,;/|，、；–-])`;

/** One fragment at the very end of a text, with its separator and any closing punctuation. */
const LAST_FRAGMENT = new RegExp(`${START}${SEPARATOR}(?:${FRAGMENTS.join('|')})${CLOSE}`, 'iu');

/**
 * A fragment that counts only where punctuation sets it apart: an Incoterm with its named place
 * ("…, FOB Ningbo", "- CIF ROTTERDAM": group 1 is the place, checked below), a bare "sample" and
 * a spelled-out weight ("…, net weight 5 lbs").
 * After a plain space these are too often goods: "car key fob", "DAP fertilizer", "tissue samples".
 */
const LAST_SET_APART = new RegExp(
  String.raw`${START}(?:${PUNCTUATION})(?:(?:exw|fca|fas|fob|cfr|cif|cpt|cip|dap|dpu|ddp|c\s?&\s?f|cnf)((?:\s+[\p{L}.'’-]+){1,4})|samples?|(?:nett?|gross)\s+(?:weight|wt\.?)\s*[:.]?\s*${WEIGHT})${CLOSE}`,
  'iu',
);

/** A named place is a proper name: each word capitalised ("Ningbo", "HO CHI MINH"). */
const isProperName = (place: string): boolean =>
  place
    .trim()
    .split(/\s+/)
    .every((word) => /^\p{Lu}/u.test(word));

/**
 * An origin mark at the very end ("MADE IN CHINA", "ORIGIN: VN", "country of origin Türkiye");
 * group 1 is the mark, group 2 the place, which must be a country. "original" is not "origin" +
 * AL (Albania).
 */
const LAST_ORIGIN = new RegExp(
  String.raw`${START}${SEPARATOR}(made\s+in|country\s+of\s+origin|c\.?o\.?o\.?|origin)(?:\s*[:.-]\s*|\s+)(\p{L}[\p{L}.'’ -]{0,40}?)${CLOSE}`,
  'iu',
);

/**
 * Whether an origin match is a mark and not goods: a bare "origin" must not close an "of …"
 * phrase ("sausages of poultry origin: turkey" names the bird).
 */
function isOriginMark(text: string, match: RegExpExecArray): boolean {
  if (!COUNTRIES.has(placeKey(match[2] as string))) return false;
  if (!/^origin$/i.test(match[1] as string)) return true;
  return !/\bof\s+[\p{L}-]+$/iu.test(text.slice(0, match.index).trimEnd());
}

/** Where the last fragment of `text` starts, if it ends in one. */
function lastFragmentStart(text: string): number | undefined {
  const starts: number[] = [];
  const fragment = LAST_FRAGMENT.exec(text);
  if (fragment) starts.push(fragment.index);
  const setApart = LAST_SET_APART.exec(text);
  if (setApart && (setApart[1] === undefined || isProperName(setApart[1]))) starts.push(setApart.index);
  const origin = LAST_ORIGIN.exec(text);
  if (origin && isOriginMark(text, origin)) starts.push(origin.index);
  return starts.length > 0 ? Math.min(...starts) : undefined;
}

/**
 * A logistics tail is short; only the last characters are searched for one, which also bounds
 * the work on a long text.
 */
export const TAIL_WINDOW = 160;

/** What the goods must keep to be worth reading: a word of three letters, or a Chinese character. */
const READABLE = /\p{L}{3}|\p{Script=Han}/u;

/**
 * Where the goods end in `text`: the offset of its logistics tail, or its length when it has
 * none. Fragments are peeled off the end one at a time, each a small match, rather than with one
 * pattern for the whole tail, whose backtracking grew steeply with repeated fragments. A text
 * whose goods would be left without a word ("PO#123", "1 FOB Shanghai", "of, FOB Ningbo") is left
 * whole: something must be read.
 */
export function goodsEnd(text: string): number {
  const from = Math.max(0, text.length - TAIL_WINDOW);
  let end = text.length;
  for (let start = lastFragmentStart(text.slice(from)); start !== undefined;) {
    end = from + start;
    start = lastFragmentStart(text.slice(from, end));
  }
  return READABLE.test(text.slice(0, end)) ? end : text.length;
}

/** `text` without its logistics tail. */
export function withoutInvoiceTail(text: string): string {
  return text.slice(0, goodsEnd(text));
}
