import type { LiveRecord } from '../core/audit';
import type { LiveWindow } from '../stats/drift';

/** One model's audit records in the shape drift detection compares with the manifest's baseline. */
export function liveWindow(records: readonly LiveRecord[]): LiveWindow {
  const chapterCounts: Record<string, number> = {};
  const topConfidences: number[] = [];
  let words = 0;
  let unknownWords = 0;
  for (const record of records) {
    const top = record.topK[0];
    if (!top) continue;
    const chapter = top.hs6.slice(0, 2);
    chapterCounts[chapter] = (chapterCounts[chapter] ?? 0) + 1;
    topConfidences.push(top.probability);
    // Records written before words were counted leave the rate to the ones that were.
    if (typeof record.words === 'number' && typeof record.unknownWords === 'number') {
      words += record.words;
      unknownWords += record.unknownWords;
    }
  }
  return { chapterCounts, topConfidences, words, unknownWords };
}
