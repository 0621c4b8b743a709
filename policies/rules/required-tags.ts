import type { ResourceValidationPolicy } from '@pulumi/policy';
import { MODEL_SHA_TAG, TAG_KEYS } from '../lib/contract';
import { isShaTag } from '../lib/hex';
import { UNKNOWN } from '../lib/known';
import { isTaggable, tagFields, tagValue } from '../lib/tags';

/** GCP label values: at most 63 lower-case letters, digits, `_` and `-`. */
const GCP_LABEL_VALUE = /^[a-z0-9_-]{1,63}$/;

export const requiredTags: ResourceValidationPolicy = {
  name: 'required-tags',
  description:
    'Every taggable resource carries the owner, cost-centre, data-classification, model-variant and model-sha256 tags (labels on GCP), so each cost and each finding leads back to a team and a model.',
  enforcementLevel: 'mandatory',
  validateResource: ({ type, props, name }, reportViolation) => {
    if (!isTaggable(type, props)) return;
    const field = tagFields(type)[0];
    const missing: string[] = [];
    for (const key of TAG_KEYS) {
      const value = tagValue(type, props, key);
      if (value === UNKNOWN) continue;
      if (value === undefined || value.trim() === '') {
        missing.push(key);
      } else if (key === MODEL_SHA_TAG && !isShaTag(value)) {
        reportViolation(
          `${name} has ${field}.${key} '${value}', which is not a model sha256: set it to the published model's sha256 in lower-case hex (at least its first 32 characters).`,
        );
      } else if (type.startsWith('gcp:') && !GCP_LABEL_VALUE.test(value)) {
        reportViolation(
          `${name} has labels.${key} '${value}', which GCP rejects: use at most 63 lower-case letters, digits, '_' or '-'.`,
        );
      }
    }
    if (missing.length > 0) {
      reportViolation(
        `${name} (${type}) lacks the ${field} ${missing.join(', ')}: set them from the stack's tags, as every taggable resource must carry ${TAG_KEYS.join(', ')}.`,
      );
    }
  },
};
