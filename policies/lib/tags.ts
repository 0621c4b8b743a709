import taggableTypes from './taggable-types.json';
import { known, keysOf, UNKNOWN, type Unknown } from './known';

const TAGGABLE = new Set<string>([...taggableTypes.aws, ...taggableTypes.gcp, ...taggableTypes.azure]);

/**
 * The map a resource type carries its tags in: `labels` on GCP, `tags` on AWS and Azure, with the
 * provider's merged view (`tagsAll`, `effectiveLabels`) as the fallback a provider-level default
 * fills.
 */
export function tagFields(type: string): readonly string[] {
  if (type.startsWith('gcp:')) return ['labels', 'effectiveLabels'];
  if (type.startsWith('aws:')) return ['tags', 'tagsAll'];
  if (type.startsWith('azure-native:')) return ['tags'];
  return [];
}

/**
 * Whether a resource takes tags: its type is in the list generated from the providers' typings,
 * or it carries a tag map anyway (a type newer than that list).
 */
export function isTaggable(type: string, props: Record<string, unknown>): boolean {
  const field = tagFields(type)[0];
  return TAGGABLE.has(type) || (field !== undefined && keysOf(props).includes(field));
}

/** One tag's value: a string, UNKNOWN during preview, or undefined when it is not set. */
export function tagValue(
  type: string,
  props: Record<string, unknown>,
  key: string,
): string | Unknown | undefined {
  let sawUnknown = false;
  for (const field of tagFields(type)) {
    const map = known(() => props[field]);
    if (map === UNKNOWN) sawUnknown = true;
    else if (keysOf(map).includes(key)) {
      const value = known(() => (map as Record<string, unknown>)[key]);
      if (value === UNKNOWN || typeof value === 'string') return value;
    }
  }
  return sawUnknown ? UNKNOWN : undefined;
}
