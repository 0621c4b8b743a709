import { createHash } from 'node:crypto';
import { TAG_KEYS } from '../models/deployment';

/**
 * Every cloud's naming rules for the names this program chooses itself, in one place. Most
 * resources are named by Pulumi (logical name plus a random suffix); these are the ones a cloud
 * needs named up front (globally unique, or addressed by name), and label values.
 */
export interface NameRule {
  minLength: number;
  maxLength: number;
  /** Characters outside this class are replaced by the separator (or dropped when it is empty). */
  invalid: RegExp;
  lowercase: boolean;
  separator: '-' | '';
  /** The first character must be a letter. */
  startsWithLetter: boolean;
}

const rule = (r: NameRule) => r;

export const NAME_RULES = {
  /** Lambda function names: 1–64 of letters, digits, hyphens and underscores. */
  awsLambda: rule({
    minLength: 1,
    maxLength: 64,
    invalid: /[^A-Za-z0-9_-]/g,
    lowercase: false,
    separator: '-',
    startsWithLetter: false,
  }),
  /** Cloud Run functions: 1–63, lowercase letters, digits and hyphens, starting with a letter. */
  gcpFunction: rule({
    minLength: 1,
    maxLength: 63,
    invalid: /[^a-z0-9-]/g,
    lowercase: true,
    separator: '-',
    startsWithLetter: true,
  }),
  /** Service account ids: 6–30, lowercase letters, digits and hyphens, starting with a letter. */
  gcpServiceAccount: rule({
    minLength: 6,
    maxLength: 30,
    invalid: /[^a-z0-9-]/g,
    lowercase: true,
    separator: '-',
    startsWithLetter: true,
  }),
  /** Label values: at most 63 of lowercase letters, digits, underscores and hyphens. */
  gcpLabelValue: rule({
    minLength: 0,
    maxLength: 63,
    invalid: /[^a-z0-9_-]/g,
    lowercase: true,
    separator: '-',
    startsWithLetter: false,
  }),
  /** Storage accounts: 3–24 lowercase letters and digits, unique across Azure. */
  azureStorageAccount: rule({
    minLength: 3,
    maxLength: 24,
    invalid: /[^a-z0-9]/g,
    lowercase: true,
    separator: '',
    startsWithLetter: false,
  }),
  /** Function apps: 2–60 of letters, digits and hyphens, unique across Azure (it is a host name). */
  azureFunctionApp: rule({
    minLength: 2,
    maxLength: 60,
    invalid: /[^a-z0-9-]/g,
    lowercase: true,
    separator: '-',
    startsWithLetter: true,
  }),
  /** Blob containers: 3–63 lowercase letters, digits and hyphens. */
  azureContainer: rule({
    minLength: 3,
    maxLength: 63,
    invalid: /[^a-z0-9-]/g,
    lowercase: true,
    separator: '-',
    startsWithLetter: false,
  }),
} as const;

export type NameKind = keyof typeof NAME_RULES;

const SUFFIX_LENGTH = 8;
const shortHash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, SUFFIX_LENGTH);

/**
 * A name that obeys `kind`'s rules, built from `parts`. With `uniqueIn` (e.g. the subscription
 * and stack), a hash of it and the parts is appended, so globally unique names do not collide
 * between stacks and truncation never makes two names equal.
 */
export function physicalName(kind: NameKind, parts: readonly string[], uniqueIn?: string): string {
  const r = NAME_RULES[kind];
  const clean = (text: string) => {
    const cased = r.lowercase ? text.toLowerCase() : text;
    let out = cased.replace(r.invalid, r.separator);
    if (r.separator) out = out.replace(/-{2,}/g, '-').replace(/^-|-$/g, '');
    return out;
  };
  const body = parts.map(clean).filter(Boolean).join(r.separator);
  const suffix = uniqueIn === undefined ? '' : shortHash(`${uniqueIn}\n${parts.join('\n')}`);
  const room = r.maxLength - suffix.length - (suffix && r.separator ? 1 : 0);
  let name = body.slice(0, Math.max(0, room)).replace(/-+$/, '');
  if (suffix) name = name ? `${name}${r.separator}${suffix}` : suffix;
  if (r.startsWithLetter && !/^[a-zA-Z]/.test(name)) name = `h${r.separator}${name}`.slice(0, r.maxLength);
  if (name.length < r.minLength) {
    throw new Error(
      `cannot build a ${kind} name from ${JSON.stringify(parts)}: "${name}" is shorter than ${r.minLength} characters`,
    );
  }
  return name;
}

/** A GCP label value: lowercase, only allowed characters, at most 63 characters. */
export const gcpLabelValue = (value: string) => {
  const r = NAME_RULES.gcpLabelValue;
  return value.toLowerCase().replace(r.invalid, '-').slice(0, r.maxLength);
};

/** GCP label values hold at most 63 characters: the model sha256 label keeps its first 32 hex there. */
export const GCP_SHA256_LABEL_CHARS = 32;

/** Tags as GCP labels: the same keys, values within the label rules. */
export function gcpLabels(tags: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(tags).map(([key, value]) => [
      key,
      gcpLabelValue(key === TAG_KEYS.modelSha256 ? value.slice(0, GCP_SHA256_LABEL_CHARS) : value),
    ]),
  );
}
