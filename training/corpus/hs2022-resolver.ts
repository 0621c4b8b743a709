import { hs2Of, hs4Of } from '../../models/hs/code';

export type DropReason = 'outside-hs-chapters' | 'not-hs2022';
export type RemapReason = 'single-subheading-heading';

export type Resolution =
  | { kind: 'kept'; hs6: string }
  | { kind: 'remapped'; hs6: string; reason: RemapReason }
  | { kind: 'dropped'; reason: DropReason };

export type Hs2022Resolver = (hs6: string) => Resolution;

/** HS chapters end at 97; 98 and 99 are national (US special provisions) or "not specified" codes. */
const OUTSIDE_HS = new Set(['77', '98', '99']);

/**
 * Maps an HS6 from another edition (HS 2017 in the US tariff, older codes in the micro set) to
 * HS 2022 only where no judgement is involved: when its heading has a single HS 2022 subheading,
 * every good of the heading belongs there. Any other unknown code is dropped, because a split
 * subheading (8517.12 → 8517.13 smartphones / 8517.14 other) needs the goods, not the code, to
 * decide.
 */
export function createHs2022Resolver(subheadings: Iterable<string>): Hs2022Resolver {
  const known = new Set(subheadings);
  const byHeading = new Map<string, string[]>();
  for (const hs6 of known) {
    const list = byHeading.get(hs4Of(hs6)) ?? [];
    list.push(hs6);
    byHeading.set(hs4Of(hs6), list);
  }
  return (hs6) => {
    if (known.has(hs6)) return { kind: 'kept', hs6 };
    if (OUTSIDE_HS.has(hs2Of(hs6))) return { kind: 'dropped', reason: 'outside-hs-chapters' };
    const siblings = byHeading.get(hs4Of(hs6));
    if (siblings?.length === 1 && siblings[0] !== undefined) {
      return { kind: 'remapped', hs6: siblings[0], reason: 'single-subheading-heading' };
    }
    return { kind: 'dropped', reason: 'not-hs2022' };
  };
}
