import type { ModelManifest } from '../../models/manifest';
import { buildDefaultCorpus } from '../corpus';
import { datasetSha256 } from '../hashing';
import { stratifiedSplit } from '../split';
import { LinearBaseline } from './linear-baseline';

/**
 * The linear n-gram baseline trained on the very rows a model trained on, when those can be
 * rebuilt: a model of the default corpus (same data sha256, same split). Otherwise undefined and
 * the reason, since a baseline trained on other data would not be a fair comparison.
 */
export function linearBaselineFor(
  manifest: ModelManifest,
  labels: readonly string[],
): { linear?: LinearBaseline; reason?: string } {
  const { data, hyperParameters } = manifest;
  if (data.sources.length !== 1 || data.sources[0] !== 'default-corpus') {
    return { reason: `the model trained on ${data.sources.join(', ')}, which evaluation cannot rebuild` };
  }
  const { rows } = buildDefaultCorpus();
  if (datasetSha256(rows) !== data.sha256) {
    return { reason: 'the default corpus changed since this model was trained' };
  }
  const { train } = stratifiedSplit(rows, hyperParameters.training.validationFraction, data.splitSeed);
  return { linear: LinearBaseline.train(train, labels) };
}
