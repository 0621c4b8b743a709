import type { StackValidationPolicy } from '@pulumi/policy';
import { OBJECT_METADATA, TIME_BUDGET_STOP } from '../lib/contract';
import { isSha256 } from '../lib/hex';
import { UNKNOWN } from '../lib/known';
import { manifestsOf, metadata } from '../lib/objects';

const M = OBJECT_METADATA;

/** Each lineage field with what a complete value is and how to say it is not. */
const LINEAGE: readonly [key: string, complete: (value: string) => boolean, expected: string][] = [
  [M.modelSha256, isSha256, "the ONNX file's sha256 (64 lower-case hex characters)"],
  [M.dataSha256, isSha256, "the training data's sha256 (64 lower-case hex characters)"],
  [M.seed, (v) => /^\d+$/.test(v), 'the non-negative integer seed the run used'],
  [M.codeVersion, (v) => v.trim() !== '', 'the commit the model was trained from'],
  [
    M.stoppedBy,
    (v) => v.trim() !== '' && v !== TIME_BUDGET_STOP,
    "how training ended: 'epochs', 'early-stopping' or 'external'",
  ],
];

export const manifestLineage: StackValidationPolicy = {
  name: 'manifest-lineage',
  description:
    "Every published model manifest records its complete lineage in its metadata (model and data sha256, seed, code version, how training stopped), and no model whose training was cut short by the wall clock ('time-budget') is published, since such a run cannot be reproduced.",
  enforcementLevel: 'mandatory',
  validateStack: ({ resources }, reportViolation) => {
    for (const manifest of manifestsOf(resources)) {
      for (const [key, complete, expected] of LINEAGE) {
        const value = metadata(manifest, key);
        if (value === UNKNOWN || (typeof value === 'string' && complete(value))) continue;
        const found = value === undefined ? 'has no' : `has an unusable`;
        const why =
          value === TIME_BUDGET_STOP
            ? `Model manifest ${manifest.name} comes from a run stopped by its time budget, which cannot be reproduced: retrain with enough epochs or early stopping and publish that model instead.`
            : `Model manifest ${manifest.name} ${found} metadata ${key}${value === undefined ? '' : ` ('${String(value)}')`}: set it to ${expected}.`;
        reportViolation(why, manifest.urn);
      }
    }
  },
};
