import { hs2Of, hs4Of } from '../../models/hs/code';
import { loadNomenclature, type Nomenclature } from '../../models/hs/nomenclature';
import type { Candidate } from './classifier';

export type CodeDescription = Omit<Candidate, 'probability'>;

/**
 * The nomenclature entry of every label, worked out once per model so a prediction only adds
 * probabilities. A label that is not an HS 2022 subheading means the model was trained on another
 * edition or on bad data: returned as a list for the loader to refuse the model.
 */
export function describeLabels(
  labels: readonly string[],
  nomenclature: Nomenclature = loadNomenclature(),
): { described: CodeDescription[]; unknown: string[] } {
  const described: CodeDescription[] = [];
  const unknown: string[] = [];
  for (const hs6 of labels) {
    const { chapter, heading, subheading } = nomenclature.hierarchy(hs6);
    if (!subheading) unknown.push(hs6);
    described.push({
      hs6,
      hs4: hs4Of(hs6),
      hs2: hs2Of(hs6),
      description: subheading?.description ?? '',
      headingDescription: heading?.description ?? '',
      chapterDescription: chapter?.description ?? '',
    });
  }
  return { described, unknown };
}
