import { join, resolve } from 'node:path';
import { writeFileSync, mkdirSync } from 'node:fs';
import { ARTIFACT_FILES } from '../models/artifact';
import { DescriptionEncoder, buildEncoderConfig } from '../models/encoder';
import { assertValidManifest, type ModelManifest } from '../models/manifest';
import { storeKeys } from '../models/store-layout';
import { getVariant, type Variant, type VariantName } from '../models/variants';
import { artifactContents } from './artifact-contents';
import { writeArtifactDir } from './artifact-writer';
import { DEFAULT_SEED, DEFAULT_TARGET_PRECISION } from './defaults';
import { trainingCodeFingerprint } from './code-fingerprint';
import { codeVersion } from './code-version';
import type { LabelledRow } from './dataset';
import { scoreHeldOut } from './evaluate-artifact';
import { exportToOnnx } from './export/onnx-exporter';
import { fit } from './fit';
import { datasetSha256 } from './hashing';
import { buildModel } from './model/build';
import { silentProgress, type TrainingProgress } from './progress';
import { stratifiedSplit, upsampleMinorityClasses } from './split';
import { loadTensorflow } from './tf/load';

export { DEFAULT_SEED, DEFAULT_TARGET_PRECISION };

export interface TrainOptions {
  variant: VariantName;
  rows: readonly LabelledRow[];
  /** Names of the data sources, recorded in the manifest. */
  sources: string[];
  /** The store folder; the artifact lands in `<home>/models/<variant>/<version>/`. */
  home: string;
  /** Write the artifact here instead (no `latest` pointer is updated). */
  outDir?: string;
  seed?: number;
  /** Overrides of the catalogue's training parameters (CLI flags, tests). */
  overrides?: Partial<Variant['training']>;
  /** Rows scored after training and recorded as `metrics.development` (e.g. the 78-case set). */
  development?: readonly LabelledRow[];
  parentVersion?: string | null;
  targetPrecision?: number;
  progress?: TrainingProgress;
  log?: (line: string) => void;
  backend?: 'auto' | 'wasm' | 'cpu';
}

export interface TrainResult {
  dir: string;
  manifest: ModelManifest;
}

/** Data → split → encoder → tfjs training → ONNX → scores → manifest → artifact folder. */
export async function trainModel(options: TrainOptions): Promise<TrainResult> {
  const log = options.log ?? (() => undefined);
  const seed = options.seed ?? DEFAULT_SEED;
  const catalogue = getVariant(options.variant);
  const variant: Variant = { ...catalogue, training: { ...catalogue.training, ...options.overrides } };
  const params = variant.training;

  const { train, validation } = stratifiedSplit(options.rows, params.validationFraction, seed);
  const upsampled = upsampleMinorityClasses(train, params.minRowsPerClass, seed);
  const labels = [...new Set(train.map((r) => r.hs6))].sort();
  if (labels.length < 2)
    throw new Error(`training needs at least 2 distinct HS codes, the data has ${labels.length}`);
  const labelIndex = new Map(labels.map((hs6, i) => [hs6, i]));
  const encoderConfig = buildEncoderConfig(
    train.map((r) => r.text),
    variant.encoder,
  );
  const encoder = new DescriptionEncoder(encoderConfig);
  log(
    `data: ${options.rows.length} rows → ${train.length} train (${upsampled.length} after up-sampling), ` +
      `${validation.length} held out; ${labels.length} classes; vocabulary ${encoderConfig.vocabulary.length}`,
  );

  const { tf, backend } = await loadTensorflow({ prefer: options.backend ?? 'auto' });
  log(`backend: ${backend}`);
  const shape = {
    inputDim: encoder.inputDim,
    sequenceLength: encoderConfig.maxLength,
    numClasses: labels.length,
  };
  const model = buildModel(tf, variant, shape, seed);
  const toExamples = (rows: readonly LabelledRow[]) => ({
    texts: rows.map((r) => r.text),
    labels: Int32Array.from(rows, (r) => labelIndex.get(r.hs6) ?? -1),
  });
  const fitted = await fit(
    tf,
    model,
    encoder,
    toExamples(upsampled),
    // Early stopping can only score codes the model has an output for; held-out scoring below
    // still counts the others as misses.
    toExamples(validation.filter((r) => labelIndex.has(r.hs6))),
    params,
    seed,
    options.progress ?? silentProgress,
  );
  const onnx = exportToOnnx(model, { producerVersion: trainingCodeFingerprint() });
  model.dispose();

  const scores = await scoreHeldOut({
    onnx,
    encoder,
    labels,
    validation,
    development: options.development ?? [],
    targetPrecision: options.targetPrecision ?? DEFAULT_TARGET_PRECISION,
  });

  const contents = artifactContents({
    variant: variant.name,
    onnx,
    encoderConfig,
    inputDim: encoder.inputDim,
    labels,
  });
  const { version } = contents;
  const manifest: ModelManifest = {
    schemaVersion: 1,
    variant: variant.name,
    version,
    createdAt: new Date().toISOString(),
    codeVersion: codeVersion(),
    hsEdition: 'HS2022',
    seed,
    data: {
      sha256: datasetSha256(options.rows),
      rows: options.rows.length,
      trainRows: train.length,
      validationRows: validation.length,
      upsampledTrainRows: upsampled.length,
      splitSeed: seed,
      sources: options.sources,
    },
    hyperParameters: variant,
    ...contents.files,
    training: {
      backend,
      seconds: fitted.seconds,
      bestEpoch: fitted.bestEpoch,
      stoppedBy: fitted.stoppedBy,
      history: fitted.history,
    },
    metrics: scores.metrics,
    abstain: scores.abstain,
    driftBaseline: scores.driftBaseline,
    parentVersion: options.parentVersion ?? null,
  };
  assertValidManifest(manifest);

  // resolve() drops the prefix's trailing slash, so the folder reads like any other path.
  const dir = options.outDir ?? resolve(options.home, storeKeys.modelPrefix(variant.name, version));
  writeArtifactDir(dir, {
    [ARTIFACT_FILES.onnx]: onnx,
    [ARTIFACT_FILES.encoder]: contents.encoderJson,
    [ARTIFACT_FILES.labels]: contents.labelsJson,
    [ARTIFACT_FILES.manifest]: `${JSON.stringify(manifest, null, 2)}\n`,
    [ARTIFACT_FILES.report]: scores.renderReport(manifest),
  });
  if (!options.outDir) {
    const latest = join(options.home, storeKeys.latestModel(variant.name));
    mkdirSync(join(latest, '..'), { recursive: true });
    writeFileSync(latest, `${JSON.stringify({ version })}\n`);
  }
  return { dir, manifest };
}
