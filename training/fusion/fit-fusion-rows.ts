import type { FusionWeights } from '../../models/fusion';
import type { LabelledRow } from '../dataset';
import { OnnxScorer } from '../onnx-scorer';
import type { ServedModel } from '../served-model';
import { fitFusionWeights, fusionExample, type FusionExample } from './fit-fusion';

/** Learns the fusion weights of a model with a lexical index on held-out rows it never trained on. */
export async function fitFusion(
  served: ServedModel,
  rows: readonly LabelledRow[],
): Promise<{ weights: FusionWeights; rows: number }> {
  const { labels, lexical } = served;
  if (!lexical) throw new Error('fusion weights need a lexical index');
  const labelIndex = new Map(labels.map((label, i) => [label, i]));
  const chapters = new Map<string, number>();
  const chapterOfLabel = Int32Array.from(labels, (label) => {
    const chapter = label.slice(0, 2);
    if (!chapters.has(chapter)) chapters.set(chapter, chapters.size);
    return chapters.get(chapter) as number;
  });
  const examples: FusionExample[] = [];
  const scorer = await OnnxScorer.load(served.onnx, served.encoder, labels.length);
  try {
    await scorer.forEach(
      rows.map((r) => r.text),
      (network, i) => {
        const row = rows[i] as LabelledRow;
        examples.push(
          fusionExample(labelIndex.get(row.hs6) ?? -1, network, lexical.scores(row.text), chapterOfLabel),
        );
      },
    );
  } finally {
    await scorer.release();
  }
  // Without held-out rows there is nothing to learn from: the network alone, as before.
  if (examples.length === 0) return { weights: served.fusion, rows: 0 };
  return { weights: fitFusionWeights(examples).weights, rows: examples.length };
}
