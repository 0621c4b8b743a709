import type { StackValidationPolicy } from '@pulumi/policy';
import { FUNCTION_ENV, OBJECT_METADATA } from '../lib/contract';
import { ENV_PATH, functionCloud, functionEnv } from '../lib/functions';
import { isSha256 } from '../lib/hex';
import { UNKNOWN } from '../lib/known';
import { manifestsOf, metadata } from '../lib/objects';

export const modelPinned: StackValidationPolicy = {
  name: 'model-pinned',
  description:
    "Every function pins the model it serves by its sha256 in HSCODE_MODEL_SHA256, and the same stack publishes that model's manifest (an object with metadata hscode_kind=model-manifest and model_sha256 equal to the pin), so a deployment names exactly one reproducible model.",
  enforcementLevel: 'mandatory',
  validateStack: ({ resources }, reportViolation) => {
    const manifestShas = manifestsOf(resources).map((m) => metadata(m, OBJECT_METADATA.modelSha256));
    for (const fn of resources) {
      const cloud = functionCloud(fn.type, fn.props);
      if (cloud === undefined) continue;
      const pin = functionEnv(cloud, fn.props, FUNCTION_ENV.modelSha256);
      if (pin === UNKNOWN) continue;
      if (!isSha256(pin)) {
        reportViolation(
          `Function ${fn.name} does not pin a model (${FUNCTION_ENV.modelSha256} is '${pin ?? '(unset)'}'): set ${ENV_PATH[cloud]} ${FUNCTION_ENV.modelSha256} to the published model's sha256 (64 lower-case hex characters).`,
          fn.urn,
        );
      } else if (!manifestShas.includes(pin) && !manifestShas.includes(UNKNOWN)) {
        reportViolation(
          `Function ${fn.name} pins model ${pin}, but no manifest object in this stack has ${OBJECT_METADATA.modelSha256} ${pin}: publish that model's manifest in this stack with metadata ${OBJECT_METADATA.kind}=model-manifest and ${OBJECT_METADATA.modelSha256}=${pin}.`,
          fn.urn,
        );
      }
    }
  },
};
