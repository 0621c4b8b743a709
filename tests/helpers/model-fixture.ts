import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ARTIFACT_FILES } from '../../models/artifact';
import { buildEncoderConfig, DescriptionEncoder } from '../../models/encoder';
import { publishArtifact, type ArtifactFiles } from '../../models/artifact-publish';
import type { ModelManifest, ScoreSummary, StoppedBy } from '../../models/manifest';
import { storeKeys } from '../../models/store-layout';
import { VARIANTS, type Variant, type VariantName } from '../../models/variants';
import { artifactContents } from '../../training/artifact-contents';
import { buildManifest } from '../../training/manifest-builder';
import { sha256 } from '../../training/hashing';
import { ensureChampion } from '../../runtime/registry/ensure-champion';
import { LocalObjectStore } from '../../runtime/store/local-store';
import { exportToOnnx } from '../../training/export/onnx-exporter';
import { buildModel } from '../../training/model/build';
import { loadTensorflow } from '../../training/tf/load';
import { tinyDataset } from './tiny-dataset';

export interface FixtureModelOptions {
  variant?: VariantName;
  /** Different seeds give different weights, hence different versions. */
  seed?: number;
  /** HS6 labels (default: the tiny dataset's 24 subheadings). */
  labels?: string[];
  /** Texts the vocabulary is built from (default: the tiny dataset's). */
  texts?: string[];
  abstainThreshold?: number;
  /** Smaller than the catalogue by default, so building and scoring take milliseconds. */
  shrink?: boolean;
  /** Why its (pretended) training ended; a time budget makes verification warn. */
  stoppedBy?: StoppedBy;
}

export interface FixtureModel {
  ref: { variant: string; version: string };
  manifest: ModelManifest;
  files: ArtifactFiles;
}

const noScores = (): ScoreSummary => {
  const zero = { hs2: 0, hs4: 0, hs6: 0 };
  return { n: 0, top1: zero, top3: zero, top5: zero, macro_f1: 0, ece: 0 };
};

function smaller(variant: Variant): Variant {
  const encoder = { ...variant.encoder, ngramBuckets: 1024, minWordCount: 1 };
  switch (variant.name) {
    case 'textcnn':
      return { ...variant, encoder, embeddingDim: 16, filtersPerKernel: 16 };
    case 'bigru':
      return { ...variant, encoder, embeddingDim: 16, units: 8 };
    case 'dnn':
      return { ...variant, encoder, embeddingDim: 16, hiddenUnits: [32] };
  }
}

/**
 * A complete, valid model artifact with untrained (seeded random) weights: the real tfjs builder,
 * the real ONNX exporter and a manifest that passes the schema. Its answers mean nothing, but it
 * exercises every step of loading and serving, in milliseconds, without training.
 */
export async function buildFixtureModel(options: FixtureModelOptions = {}): Promise<FixtureModel> {
  // The stock CPU backend: building needs no training kernels, and leaves the wasm set-up alone.
  const { tf } = await loadTensorflow({ prefer: 'cpu' });
  const rows = tinyDataset();
  const labels = options.labels ?? [...new Set(rows.map((r) => r.hs6))].sort();
  const catalogue = VARIANTS[options.variant ?? 'textcnn'];
  const variant = options.shrink === false ? catalogue : smaller(catalogue);
  const encoderConfig = buildEncoderConfig(options.texts ?? rows.map((r) => r.text), variant.encoder);
  const encoder = new DescriptionEncoder(encoderConfig);
  const seed = options.seed ?? 1;
  const model = buildModel(
    tf,
    variant,
    { inputDim: encoder.inputDim, sequenceLength: encoderConfig.maxLength, numClasses: labels.length },
    seed,
  );
  const onnx = exportToOnnx(model, { producerVersion: 'fixture' });
  model.dispose();

  const contents = artifactContents({
    variant: variant.name,
    onnx,
    encoderConfig,
    inputDim: encoder.inputDim,
    labels,
  });
  const { version, encoderJson, labelsJson } = contents;
  const manifest = buildManifest({
    variant,
    contents,
    createdAt: '2024-01-01T00:00:00.000Z',
    codeVersion: 'fixture',
    seed,
    data: {
      sha256: sha256(labelsJson),
      rows: rows.length,
      trainRows: rows.length,
      validationRows: 0,
      upsampledTrainRows: rows.length,
      splitSeed: seed,
      sources: ['fixture'],
    },
    training: {
      backend: 'none',
      seconds: 0,
      bestEpoch: 0,
      stoppedBy: options.stoppedBy ?? 'epochs',
      history: [],
    },
    metrics: { validation: noScores() },
    abstain: { targetPrecision: 0.9, threshold: options.abstainThreshold ?? 0.5, coverage: 0, precision: 0 },
    driftBaseline: { n: 0, chapterDistribution: {}, confidenceHistogram: [], unknownWordRate: 0 },
    parentVersion: null,
  });
  return {
    ref: { variant: variant.name, version },
    manifest,
    files: {
      [ARTIFACT_FILES.onnx]: onnx,
      [ARTIFACT_FILES.encoder]: encoderJson,
      [ARTIFACT_FILES.labels]: labelsJson,
      [ARTIFACT_FILES.manifest]: `${JSON.stringify(manifest, null, 2)}\n`,
    },
  };
}

/** Writes the fixture where a store rooted at `home` expects it: `models/<variant>/<version>/`. */
export async function writeFixtureModel(
  home: string,
  options: FixtureModelOptions = {},
): Promise<FixtureModel> {
  const fixture = await buildFixtureModel(options);
  await publishArtifact(
    new LocalObjectStore(home),
    storeKeys.modelPrefix(fixture.ref.variant, fixture.ref.version),
    fixture.files,
  );
  return fixture;
}

export interface FixtureModelSet {
  models: FixtureModel[];
  /** Copies every model's folder into the store rooted at `root` (`<root>/models/…`). */
  copyInto(root: string): void;
  /**
   * A fresh store holding every model, the first as champion (as `hscode serve` leaves it), in a
   * new folder under `parent` (default: the system's temporary folder).
   */
  storeWithChampion(parent?: string): Promise<LocalObjectStore>;
}

/** Fixture models with seeds 1..count, built once into a template folder that stores copy. */
export async function fixtureModelSet(count = 3): Promise<FixtureModelSet> {
  const template = mkdtempSync(join(tmpdir(), 'hscode-fixture-models-'));
  const models: FixtureModel[] = [];
  for (let seed = 1; seed <= count; seed++) models.push(await writeFixtureModel(template, { seed }));
  const copyInto = (root: string) =>
    cpSync(join(template, 'models'), join(root, 'models'), { recursive: true });
  return {
    models,
    copyInto,
    storeWithChampion: async (parent = tmpdir()) => {
      const store = new LocalObjectStore(mkdtempSync(join(parent, 'hscode-fixture-store-')));
      copyInto(store.root);
      await ensureChampion(store, (models[0] as FixtureModel).ref);
      return store;
    },
  };
}
