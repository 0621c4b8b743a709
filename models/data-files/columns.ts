/**
 * How data files name their columns, for every reader of them: labelled files for training and
 * files of descriptions for batch predictions accept the same names, so a file that trains also
 * predicts. Names are matched after normaliseColumnName; each list is best first.
 */

/** The description. */
export const TEXT_COLUMNS = [
  'description',
  'text',
  'product_description',
  'goods_description',
  'product',
  'item',
  'name',
] as const;

/** The HS code of a labelled row. */
export const CODE_COLUMNS = [
  'hs_code',
  'hscode',
  'hs6',
  'hs',
  'expected_hs_code',
  'hts_code',
  'hts',
  'tariff_code',
  'commodity_code',
  'code',
] as const;

/** The caller's own row identifier, carried through to batch predictions. */
export const ID_COLUMNS = [
  'id',
  'row_id',
  'line_id',
  'item_id',
  'product_id',
  'sku',
  'reference',
  'ref',
] as const;

/** "HS Code", "hs-code" and "Hs.Code" all mean hs_code. */
export function normaliseColumnName(name: string): string {
  return name
    .replace(/^\uFEFF/, '')
    .trim()
    .toLowerCase()
    .replace(/[\s.-]+/g, '_');
}

/**
 * The name (as written in the file) that matches the earliest of `accepted`, or undefined when
 * none does: when a file has both "text" and "description", "description" wins.
 */
export function bestColumn(names: readonly string[], accepted: readonly string[]): string | undefined {
  let best: { name: string; rank: number } | undefined;
  for (const name of names) {
    const rank = accepted.indexOf(normaliseColumnName(name));
    if (rank >= 0 && (!best || rank < best.rank)) best = { name, rank };
  }
  return best?.name;
}
