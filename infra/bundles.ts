import Ajv, { type JSONSchemaType } from 'ajv';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  BUNDLE_OF,
  BUNDLE_ROLES,
  FUNCTION_ROLES,
  type BundleRole,
  type FunctionRole,
} from '../models/deployment';
import type { Arch, Cloud } from './config';

/**
 * The function bundles the bundler wrote: `<dir>/<cloud>-<role>-<arch>.zip`, each with an index
 * file beside it saying what it holds. Deploying reads only these, after checking that each zip
 * is the one its index describes.
 */
export interface BundleIndex {
  cloud: Cloud;
  role: BundleRole;
  arch: Arch;
  /** The zip's file name, beside the index. */
  file: string;
  sha256: string;
  zippedBytes: number;
  unzippedBytes: number;
  /** Per function role the bundle carries: Lambda handler, functions-framework target or Azure function name. */
  handlers: Partial<Record<FunctionRole, string>>;
}

export interface Bundle extends BundleIndex {
  /** Absolute path of the zip. */
  path: string;
}

export class BundleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BundleError';
  }
}

/** Lambda refuses code larger than this once unzipped (function plus layers). */
export const AWS_UNZIPPED_LIMIT_BYTES = 250 * 1024 * 1024;

const indexSchema: JSONSchemaType<BundleIndex> = {
  type: 'object',
  additionalProperties: false,
  required: ['cloud', 'role', 'arch', 'file', 'sha256', 'zippedBytes', 'unzippedBytes', 'handlers'],
  properties: {
    cloud: { type: 'string', enum: ['aws', 'gcp', 'azure'] },
    role: { type: 'string', enum: [...BUNDLE_ROLES] },
    arch: { type: 'string', enum: ['x64', 'arm64'] },
    file: { type: 'string', pattern: '^[A-Za-z0-9._-]+\\.zip$' },
    sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' },
    zippedBytes: { type: 'integer', minimum: 1 },
    unzippedBytes: { type: 'integer', minimum: 1 },
    handlers: {
      type: 'object',
      additionalProperties: false,
      required: [],
      properties: Object.fromEntries(
        FUNCTION_ROLES.map((role) => [role, { type: 'string', minLength: 1, nullable: true }]),
      ) as JSONSchemaType<BundleIndex['handlers']>['properties'],
    },
  },
};

const validateIndex = new Ajv({ allErrors: true }).compile(indexSchema);

export const bundleBaseName = (cloud: Cloud, role: BundleRole, arch: Arch) => `${cloud}-${role}-${arch}`;

const sha256File = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** Reads, validates and checks one bundle; every failure says what to run. */
export function loadBundle(dir: string, cloud: Cloud, role: BundleRole, arch: Arch): Bundle {
  const base = bundleBaseName(cloud, role, arch);
  const indexPath = resolve(dir, `${base}.json`);
  const rebuild = `run "npm run bundle -- --cloud ${cloud}" to build it`;
  if (!existsSync(indexPath)) throw new BundleError(`${indexPath} is missing: ${rebuild}`);
  let index: unknown;
  try {
    index = JSON.parse(readFileSync(indexPath, 'utf8'));
  } catch (err) {
    throw new BundleError(`${indexPath} is not JSON (${(err as Error).message}): ${rebuild}`);
  }
  if (!validateIndex(index)) {
    const why = (validateIndex.errors ?? [])
      .map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`)
      .join('; ');
    throw new BundleError(`${indexPath} is not a bundle index (${why}): ${rebuild}`);
  }
  const expected = { cloud, role, arch };
  for (const [key, value] of Object.entries(expected)) {
    const actual = index[key as keyof typeof expected];
    if (actual !== value)
      throw new BundleError(`${indexPath} says ${key} "${actual}", expected "${value}": ${rebuild}`);
  }
  const missing = FUNCTION_ROLES.filter((r) => BUNDLE_OF[r] === role && !index.handlers[r]);
  if (missing.length > 0) {
    throw new BundleError(`${indexPath} names no handler for ${missing.join(', ')}: ${rebuild}`);
  }
  const path = join(resolve(dir), index.file);
  if (!existsSync(path)) throw new BundleError(`${path} (named by ${indexPath}) is missing: ${rebuild}`);
  const size = statSync(path).size;
  if (size !== index.zippedBytes) {
    throw new BundleError(`${path} has ${size} bytes, its index says ${index.zippedBytes}: ${rebuild}`);
  }
  const actual = sha256File(path);
  if (actual !== index.sha256) {
    throw new BundleError(
      `${path} has sha256 ${actual}, its index says ${index.sha256}: the zip changed after bundling; ${rebuild}`,
    );
  }
  if (cloud === 'aws' && index.unzippedBytes > AWS_UNZIPPED_LIMIT_BYTES) {
    throw new BundleError(
      `${path} unzips to ${index.unzippedBytes} bytes, over Lambda's ${AWS_UNZIPPED_LIMIT_BYTES}: make the bundle smaller`,
    );
  }
  return { ...index, path };
}

/** Every bundle role's bundle for a cloud and architecture. */
export function loadBundles(dir: string, cloud: Cloud, arch: Arch): Record<BundleRole, Bundle> {
  return Object.fromEntries(BUNDLE_ROLES.map((role) => [role, loadBundle(dir, cloud, role, arch)])) as Record<
    BundleRole,
    Bundle
  >;
}
