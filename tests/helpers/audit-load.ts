import { createWriteStream, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { ARTIFACT_FILES } from '../../models/artifact';
import type { ModelManifest } from '../../models/manifest';
import type { ModelRef } from '../../models/model-ref';
import { storeKeys } from '../../models/store-layout';
import type { FeedbackRecord } from '../../runtime/core/feedback';
import { Registry } from '../../runtime/registry/registry';
import { ensureChampion } from '../../runtime/registry/ensure-champion';
import type { DriftBaseline } from '../../runtime/stats/drift';
import { LocalObjectStore } from '../../runtime/store/local-store';
import { writeFixtureModel } from './model-fixture';
import { realisticTrail, trailExperiment, type TrailShape } from './realistic-trail';

/**
 * A deployment with a long audit trail, for the memory test and bench/audit-window.ts: real
 * models and registry, a realistic trail of any length written to disk as it is generated (never
 * held), and the feedback analysts gave on it.
 */

const BASELINE: DriftBaseline = {
  n: 4000,
  chapterDistribution: Object.fromEntries(
    ['61', '62', '03', '84', '85', '39', '94', '64', '42', '73', '87', '90', '95', '22', '44'].map((c, i) => [
      c,
      (15 - i) / 120,
    ]),
  ),
  confidenceHistogram: [0, 0, 0.02, 0.05, 0.08, 0.1, 0.15, 0.2, 0.2, 0.2],
  unknownWordRate: 0.03,
};

function setBaseline(home: string, ref: ModelRef): void {
  const path = join(home, storeKeys.modelFile(ref.variant, ref.version, ARTIFACT_FILES.manifest));
  const manifest = JSON.parse(readFileSync(path, 'utf8')) as ModelManifest;
  manifest.driftBaseline = BASELINE;
  writeFileSync(path, `${JSON.stringify(manifest, null, 2)}\n`);
}

/** Models, registry (challenger added and ramped at the trail's experiment times) and feedback. */
export async function prepareDeployment(home: string, shape: TrailShape) {
  const store = new LocalObjectStore(home);
  const [champion, challenger, shadow] = await Promise.all(
    [1, 2, 3].map(async (seed) => (await writeFixtureModel(home, { seed })).ref),
  );
  for (const ref of [champion!, challenger!, shadow!]) setBaseline(home, ref);
  await ensureChampion(store, champion!);
  const { since, weightSince } = trailExperiment(shape);
  await new Registry(store, { now: () => new Date(since) }).register(challenger!, 'challenger', 0.2);
  await new Registry(store, { now: () => new Date(weightSince) }).ramp(challenger!, 0.5);
  await new Registry(store, { now: () => new Date(weightSince) }).register(shadow!, 'shadow');
  return { store, models: { champion: champion!, challenger: challenger!, shadow: shadow! } };
}

/** Writes the trail day by day, line by line, waiting for the disk; returns its records' feedback. */
export async function writeTrail(
  home: string,
  shape: TrailShape,
  models: { champion: ModelRef; challenger: ModelRef; shadow: ModelRef },
): Promise<{ lines: number; bytes: number; feedback: FeedbackRecord[] }> {
  mkdirSync(join(home, 'audit'), { recursive: true });
  const trail = realisticTrail(shape, models);
  let lines = 0;
  let bytes = 0;
  for (const { day, lines: generate } of trail.days) {
    const out = createWriteStream(join(home, 'audit', `${day}.jsonl`));
    for (const line of generate()) {
      lines++;
      bytes += line.length;
      if (!out.write(line)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
  }
  return { lines, bytes, feedback: trail.feedback };
}

/** Stores the feedback as the feedback service does: one object per prediction, under its day. */
export async function storeFeedback(
  store: LocalObjectStore,
  feedback: readonly FeedbackRecord[],
): Promise<void> {
  for (const record of feedback) {
    await store.put(
      `feedback/${record.receivedAt.slice(0, 10)}/${record.predictionId}.json`,
      JSON.stringify(record),
    );
  }
}
