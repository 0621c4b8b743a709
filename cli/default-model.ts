import { publishLocalModel } from '../runtime/local/local-models';
import { trainModel } from '../training/train';
import { DEFAULT_VARIANT } from '../models/variants';
import { trainingProgressBar } from './progress-bar';
import { loadDevelopmentSet, loadTrainingData } from './training-data';

/**
 * Trains the default model on the default corpus into the local store, as `hscode train` with
 * no arguments does: what the first `npm start` on a fresh machine runs.
 */
export async function trainDefaultModel(home: string, log: (line: string) => void): Promise<void> {
  log(
    `no model in ${home} yet: training the default ${DEFAULT_VARIANT} on the shipped public data (a few minutes)`,
  );
  const data = await loadTrainingData({ withDefaultCorpus: true });
  const development = await loadDevelopmentSet(undefined, true);
  const trained = await trainModel({
    variant: DEFAULT_VARIANT,
    rows: data.rows,
    sources: data.sources,
    development,
    progress: trainingProgressBar(),
    log,
  });
  await publishLocalModel(home, trained);
  const { manifest } = trained;
  log(`trained ${manifest.version} in ${manifest.training.seconds.toFixed(0)} s`);
}
