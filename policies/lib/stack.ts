import type { PolicyResource } from '@pulumi/policy';
import { known, UNKNOWN, type Unknown } from './known';

/** The resources of one type. */
export const ofType = (resources: readonly PolicyResource[], type: string): PolicyResource[] =>
  resources.filter((r) => r.type === type);

/**
 * Whether `from.props[prop]` names `target`: through the dependency the engine recorded for that
 * property (which holds during a preview, when a new resource's id is still unknown), or by value
 * against the target's identifying props. UNKNOWN when neither can tell.
 */
export function refersTo(
  from: PolicyResource,
  prop: string,
  target: PolicyResource,
  identityKeys: readonly string[],
): boolean | Unknown {
  const dependencies = from.propertyDependencies?.[prop] ?? [];
  if (dependencies.some((d) => d.urn === target.urn)) return true;
  const value = known(() => from.props[prop]);
  if (value === UNKNOWN) return dependencies.length > 0 ? false : UNKNOWN;
  if (value === undefined || value === null) return false;
  const identities = identityKeys.map((key) => known(() => target.props[key]));
  if (identities.includes(value)) return true;
  return identities.includes(UNKNOWN) ? UNKNOWN : false;
}

/**
 * The resources among `candidates` whose `prop` names `target`, or UNKNOWN when none provably
 * does and at least one might (its reference is unknown): a rule then has nothing to report yet.
 */
export function companionsOf(
  target: PolicyResource,
  candidates: readonly PolicyResource[],
  prop: string,
  identityKeys: readonly string[],
): PolicyResource[] | Unknown {
  const verdicts = candidates.map((c) => [c, refersTo(c, prop, target, identityKeys)] as const);
  const found = verdicts.filter(([, v]) => v === true).map(([c]) => c);
  if (found.length === 0 && verdicts.some(([, v]) => v === UNKNOWN)) return UNKNOWN;
  return found;
}

/** The identifying props of the resources that stack rules follow references to. */
export const IDENTITY_KEYS = {
  s3Bucket: ['bucket', 'id'],
  storageAccount: ['accountName', 'name', 'id'],
} as const;

export interface CompanionGap {
  target: PolicyResource;
  /** `missing`: no companion names the target; `wrong`: none of those that do is set right. */
  gap: 'missing' | 'wrong';
}

/**
 * The targets (e.g. every S3 bucket) without a companion resource (e.g. its versioning) that is
 * set right. A target whose companions cannot be told apart yet is skipped, and `isRight` counts
 * unknown settings as right (see `passes`): neither is a violation anyone can prove in a preview.
 */
export function companionGaps(
  targets: readonly PolicyResource[],
  candidates: readonly PolicyResource[],
  prop: string,
  identityKeys: readonly string[],
  isRight: (companion: PolicyResource) => boolean,
): CompanionGap[] {
  const gaps: CompanionGap[] = [];
  for (const target of targets) {
    const companions = companionsOf(target, candidates, prop, identityKeys);
    if (companions === UNKNOWN) continue;
    if (companions.length === 0) gaps.push({ target, gap: 'missing' });
    else if (!companions.some(isRight)) gaps.push({ target, gap: 'wrong' });
  }
  return gaps;
}

/** The S3 buckets of a stack without a companion of `companionType` (named by its `bucket`) set right. */
export const s3BucketGaps = (
  resources: readonly PolicyResource[],
  companionType: string,
  isRight: (companion: PolicyResource) => boolean,
): CompanionGap[] =>
  companionGaps(
    ofType(resources, 'aws:s3/bucket:Bucket'),
    ofType(resources, companionType),
    'bucket',
    IDENTITY_KEYS.s3Bucket,
    isRight,
  );
