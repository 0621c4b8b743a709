const ENTITIES: Record<string, string> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&nbsp;': ' ',
  '&quot;': '"',
  '&#39;': "'",
};

/**
 * A US tariff description as words only: no HTML markup (<i>Thunnus</i>), no "(con.)" of a
 * header repeated on the next page, no "(see … note …)" pointers, no trailing textile
 * category number ("Men's (347)"), no trailing colon of a group header.
 */
export function cleanHtsDescription(raw: string): string {
  return raw
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(amp|lt|gt|nbsp|quot|#39);/g, (entity) => ENTITIES[entity] ?? entity)
    .replace(/\(con\.\)/gi, ' ')
    .replace(/\(\s*see [^)]*\)/gi, ' ')
    .replace(/\bsee (heading|subheading|chapter|(statistical |additional u\.s\. )?note)\b[^.;:]*[.;]?/gi, ' ')
    .replace(/\(\d{3}\)\s*:?\s*$/, ' ')
    .replace(/\s+/g, ' ')
    .replace(/(\S)\s+([,;:.)])/g, '$1$2')
    .replace(/\(\s+/g, '(')
    .trim()
    .replace(/[\s:;,]+$/, '');
}

/** "Other" alone names nothing: the words are in its ancestors. */
export const isBareOther = (description: string): boolean => /^other$/i.test(description);

/**
 * Tariff-rate-quota and seasonal conditions ("Described in additional U.S. note 3 to this
 * chapter and entered pursuant to its provisions", "If entered during the period from June 5 to
 * October 15") separate US duty rates, not goods: they say nothing about the HS6.
 */
export const isAdministrative = (description: string): boolean =>
  /^described in (general|additional) u\.s\. note\b/i.test(description) ||
  /^(if )?entered (for consumption )?(during|from|on or after)\b/i.test(description) ||
  /^subject to the quantitative limits\b/i.test(description);
