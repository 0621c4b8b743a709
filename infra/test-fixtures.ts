import AdmZip from 'adm-zip';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ARTIFACT_FILES } from '../models/artifact';
import {
  BUNDLE_OF,
  BUNDLE_ROLES,
  FUNCTION_ROLES,
  type BundleRole,
  type FunctionRole,
} from '../models/deployment';
import { assertValidManifest, type ModelManifest } from '../models/manifest';
import { onnxIoSpec } from '../models/onnx-contract';
import { BM25_TOKENIZER_VERSION } from '../models/retrieval/bm25-tokenizer';
import { LexicalIndex } from '../models/retrieval/lexical-index';
import { VARIANTS, type VariantName } from '../models/variants';
import type { BundleIndex } from './bundles';
import type { Arch, Cloud } from './config';
import type { Plan, PlannedResource } from './plan';

/**
 * Test fixtures for the Pulumi program: real (small) bundle zips with their index files, real
 * artifact folders whose manifest passes the schema, and stack configs. Until the bundler lands,
 * the bundles here stand in for `npm run bundle`'s output, in the very format it writes.
 */

const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest('hex');

/** The entry point each cloud's bundle declares per function role. */
export function handlerNames(cloud: Cloud, role: BundleRole): Partial<Record<FunctionRole, string>> {
  const roles = FUNCTION_ROLES.filter((r) => BUNDLE_OF[r] === role);
  return Object.fromEntries(roles.map((r) => [r, cloud === 'aws' ? `index.${r}` : r]));
}

/** Writes `<cloud>-<role>-<arch>.zip` and its index for every bundle role into `dir`; returns the indexes. */
export function writeBundles(dir: string, cloud: Cloud, arch: Arch = 'x64'): Record<BundleRole, BundleIndex> {
  mkdirSync(dir, { recursive: true });
  const out = {} as Record<BundleRole, BundleIndex>;
  for (const role of BUNDLE_ROLES) {
    const zip = new AdmZip();
    const source = `exports.role = ${JSON.stringify(`${cloud}/${role}/${arch}`)};\n`;
    zip.addFile('index.js', Buffer.from(source));
    zip.addFile('package.json', Buffer.from(JSON.stringify({ name: `hscode-${role}`, main: 'index.js' })));
    const bytes = zip.toBuffer();
    const base = `${cloud}-${role}-${arch}`;
    writeFileSync(join(dir, `${base}.zip`), bytes);
    const index: BundleIndex = {
      cloud,
      role,
      arch,
      file: `${base}.zip`,
      sha256: sha256(bytes),
      zippedBytes: bytes.length,
      unzippedBytes: source.length + 64,
      handlers: handlerNames(cloud, role),
    };
    writeFileSync(join(dir, `${base}.json`), `${JSON.stringify(index, null, 2)}\n`);
    out[role] = index;
  }
  return out;
}

/**
 * Writes an artifact folder as "hscode train" lays it out: the ONNX bytes are arbitrary (nothing
 * here runs the model), every sha256 and count in the manifest is true.
 */
export function writeArtifact(dir: string, variant: VariantName = 'textcnn', seed = 7): ModelManifest {
  mkdirSync(dir, { recursive: true });
  const onnx = Buffer.from(`onnx-${variant}-${seed}`);
  const labels = ['010121', '610910', '030617'];
  const labelsJson = JSON.stringify(labels);
  const hyper = VARIANTS[variant];
  const encoderJson = JSON.stringify({
    type: 'word+char-ngram',
    maxLength: hyper.encoder.maxLength,
    vocabulary: ['cotton'],
  });
  const onnxSha = sha256(onnx);
  const zero = { hs2: 0, hs4: 0, hs6: 0 };
  // Every trained model ships its retrieval index, so the fixture does too.
  const index = LexicalIndex.build(
    labels,
    [{ hs6: '610910', text: "men's cotton t-shirt" }],
    labels.map((hs6) => ({ hs6, text: `goods of ${hs6}` })),
  );
  const indexBytes = index.toBytes();
  const manifest: ModelManifest = {
    schemaVersion: 1,
    variant,
    version: `${variant}-${onnxSha.slice(0, 12)}`,
    createdAt: '2024-01-01T00:00:00.000Z',
    codeVersion: 'abc1234',
    hsEdition: 'HS2022',
    seed,
    data: {
      sha256: sha256(`data-${seed}`),
      rows: 3,
      trainRows: 3,
      validationRows: 0,
      upsampledTrainRows: 3,
      splitSeed: seed,
      sources: ['fixture'],
    },
    hyperParameters: hyper,
    encoder: {
      file: ARTIFACT_FILES.encoder,
      sha256: sha256(encoderJson),
      type: 'word+char-ngram',
      normaliserVersion: 1,
      maxLength: hyper.encoder.maxLength,
      vocabularySize: 1,
      vocabularySha256: sha256('["cotton"]'),
      inputDim: 16,
    },
    labels: { file: ARTIFACT_FILES.labels, sha256: sha256(labelsJson), count: labels.length },
    onnx: {
      file: ARTIFACT_FILES.onnx,
      sha256: onnxSha,
      bytes: onnx.length,
      ...onnxIoSpec(hyper.encoder.maxLength, labels.length),
    },
    lexicalIndex: {
      file: ARTIFACT_FILES.lexicalIndex,
      sha256: sha256(indexBytes),
      bytes: indexBytes.length,
      tokenizerVersion: BM25_TOKENIZER_VERSION,
      documents: index.documents,
    },
    training: { backend: 'none', seconds: 0, bestEpoch: 0, stoppedBy: 'early-stopping', history: [] },
    metrics: { validation: { n: 0, top1: zero, top3: zero, top5: zero, macro_f1: 0, ece: 0 } },
    abstain: { targetPrecision: 0.9, threshold: 0.5, coverage: 0, precision: 0 },
    driftBaseline: { n: 0, chapterDistribution: {}, confidenceHistogram: [], unknownWordRate: 0 },
    parentVersion: null,
  };
  assertValidManifest(manifest);
  writeFileSync(join(dir, ARTIFACT_FILES.onnx), onnx);
  writeFileSync(join(dir, ARTIFACT_FILES.encoder), encoderJson);
  writeFileSync(join(dir, ARTIFACT_FILES.labels), labelsJson);
  writeFileSync(join(dir, ARTIFACT_FILES.lexicalIndex), indexBytes);
  writeFileSync(join(dir, ARTIFACT_FILES.manifest), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

export const PROJECT = 'hscode-mlops';
export const TEST_TAGS = { owner: 'ml-platform', costCentre: 'CC-1234', dataClassification: 'internal' };

export interface Workspace {
  dir: string;
  bundleDir: string;
  artifactDir: string;
  bundles: Record<BundleRole, BundleIndex>;
  manifest: ModelManifest;
}

/** A temp folder with one cloud's bundles and an artifact to publish. */
export function workspace(cloud: Cloud, variant: VariantName = 'textcnn', arch: Arch = 'x64'): Workspace {
  const dir = mkdtempSync(join(tmpdir(), `hscode-infra-${cloud}-`));
  const bundleDir = join(dir, 'bundles');
  const artifactDir = join(dir, 'artifact');
  return {
    dir,
    bundleDir,
    artifactDir,
    bundles: writeBundles(bundleDir, cloud, arch),
    manifest: writeArtifact(artifactDir, variant),
  };
}

/** A complete stack config for `cloud`, as `<project>:<key>` → stored string (structured values as JSON). */
export function stackConfig(
  cloud: Cloud,
  ws: Workspace,
  extra: Record<string, unknown> = {},
): Record<string, string> {
  const perCloud: Record<Cloud, Record<string, unknown>> = {
    aws: { region: 'eu-west-1', invokers: ['arn:aws:iam::123456789012:role/analysts'] },
    gcp: { region: 'europe-west1', project: 'hscode-test-1', invokers: ['group:analysts@example.com'] },
    azure: {
      region: 'westeurope',
      subscription: '11111111-2222-3333-4444-555555555555',
      resourceGroup: 'rg-hscode-test',
    },
  };
  const values: Record<string, unknown> = {
    cloud,
    ...perCloud[cloud],
    model: { variant: ws.manifest.variant, artifact: ws.artifactDir },
    tags: TEST_TAGS,
    bundleDir: ws.bundleDir,
    ...extra,
  };
  return Object.fromEntries(
    Object.entries(values).map(([k, v]) => [
      `${PROJECT}:${k}`,
      typeof v === 'string' ? v : JSON.stringify(v),
    ]),
  );
}

/** One planned resource's props, typed loosely for assertions. */
export type Props = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A planned resource whose props a test reads freely. */
export type TestResource = Omit<PlannedResource, 'props'> & { props: Props };

export const ofType = (plan: { resources: PlannedResource[] }, type: string): TestResource[] =>
  plan.resources.filter((r) => r.type === type);

export const onlyOfType = (plan: { resources: PlannedResource[] }, type: string): TestResource => {
  const found = ofType(plan, type);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0] as TestResource;
};

export const typeCounts = (plan: { resources: PlannedResource[] }) => {
  const counts: Record<string, number> = {};
  for (const r of plan.resources) counts[r.type] = (counts[r.type] ?? 0) + 1;
  return counts;
};

/**
 * Plans a stack in a fresh module registry: the program runs at import and Pulumi keeps its state
 * per module instance, so every plan gets its own.
 */
export async function planIsolated(
  config: Record<string, string>,
  options: { region?: string; stack?: string } = {},
): Promise<Plan> {
  let plan: Plan | undefined;
  let failure: unknown;
  await jest.isolateModulesAsync(async () => {
    const { planStack } = await import('./plan');
    try {
      plan = await planStack(config, options);
    } catch (err) {
      failure = err;
    }
  });
  if (failure) throw failure;
  if (!plan) throw new Error('the plan did not run');
  return plan;
}

/** Every component and resource parented, each named from its parent's name. */
export function unparentedOrMisnamed(plan: Plan): string[] {
  const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
  const problems: string[] = [];
  for (const r of plan.resources) {
    if (r.type.startsWith('pulumi:providers:')) continue;
    const parent = r.parent ? byUrn.get(r.parent) : undefined;
    if (!parent) {
      if (!r.type.startsWith('hscode:')) problems.push(`${r.type} ${r.name} has no component parent`);
      continue;
    }
    if (!r.name.startsWith(`${parent.name}-`))
      problems.push(`${r.type} ${r.name} is not named from ${parent.name}`);
  }
  return problems;
}
