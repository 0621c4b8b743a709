import { ARTIFACT_FILES } from '../models/artifact';
import type { ArtifactFiles } from '../models/artifact-publish';
import { DescriptionEncoder, buildEncoderConfig, type EncoderConfig } from '../models/encoder';
import type { ModelManifest } from '../models/manifest';
import { NETWORK_ONLY } from '../models/fusion';
import { LexicalIndex } from '../models/retrieval/lexical-index';
import { getVariant, type Variant, type VariantName } from '../models/variants';
import { artifactContents } from './artifact-contents';
import { DEFAULT_SEED, DEFAULT_TARGET_PRECISION } from './defaults';
import { trainingCodeFingerprint } from './code-fingerprint';
import { codeVersion } from './code-version';
import type { LabelledRow } from './dataset';
import { scoreHeldOut } from './evaluate-artifact';
import { exportToOnnx } from './export/onnx-exporter';
import type * as tfType from '@tensorflow/tfjs';
import { fit, type FitResult } from './fit';
import { datasetSha256 } from './hashing';
import { buildManifest } from './manifest-builder';
import { buildModel } from './model/build';
import { silentProgress, type TrainingProgress } from './progress';
import { LinearBaseline } from './linear/linear-baseline';
import { buildSynonymMap } from './lexicon/synonym-map';
import { WordNetNouns } from './lexicon/wordnet-nouns';
import { calibrationHalves, stratifiedSplit, upsampleMinorityClasses } from './split';
import { loadTensorflow } from './tf/load';

export { DEFAULT_SEED, DEFAULT_TARGET_PRECISION };

export interface TrainOptions {
  variant: VariantName;
  rows: readonly LabelledRow[];
  /** Names of the data sources, recorded in the manifest. */
  sources: string[];
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
  /** Threads to compute gradients on (default: one per core); the model does not depend on it. */
  threads?: number;
}

/** A trained model: its manifest and every file of its artifact, ready to publish anywhere. */
export interface TrainedArtifact {
  manifest: ModelManifest;
  files: ArtifactFiles;
}

/** The data side of a run, decided before any weight exists. */
interface PreparedData {
  variant: Variant;
  train: LabelledRow[];
  validation: LabelledRow[];
  /** The held-out half that fusion weights and the review threshold are chosen on. */
  calibration: LabelledRow[];
  /** The held-out half nothing is fitted on: the reported scores come from it. */
  evaluation: LabelledRow[];
  upsampled: LabelledRow[];
  labels: string[];
  encoderConfig: EncoderConfig;
  encoder: DescriptionEncoder;
}

/**
 * Data → split → encoder → tfjs training → ONNX → scores → manifest. Nothing is written: the
 * caller publishes the result (`publishArtifact`) to a folder or a store.
 */
export async function trainModel(options: TrainOptions): Promise<TrainedArtifact> {
  const log = options.log ?? (() => undefined);
  const seed = options.seed ?? DEFAULT_SEED;
  const data = prepareData(options, seed);
  log(
    `data: ${options.rows.length} rows → ${data.train.length} train (${data.upsampled.length} after up-sampling), ` +
      `${data.validation.length} held out; ${data.labels.length} classes; vocabulary ${data.encoderConfig.vocabulary.length}`,
  );
  const { onnx: network, model, fitted, backend } = await fitAndExport(data, options, seed, log);
  // Retrieval over the rows the network learned from, served beside it; never the held-out rows.
  const retrieval = LexicalIndex.build(data.labels, data.train);
  const wordnet = WordNetNouns.load();
  const lexicalIndex = retrieval.withSynonyms(buildSynonymMap(wordnet, retrieval.knows), wordnet.source);
  const linear = LinearBaseline.train(data.train, data.labels);
  let scores: Awaited<ReturnType<typeof scoreHeldOut>>;
  let onnx: Uint8Array;
  try {
    scores = await scoreHeldOut({
      served: {
        onnx: network,
        // Served, the network reads unknown words through the index's synonyms too.
        encoder: new DescriptionEncoder(data.encoderConfig, lexicalIndex.synonymOf),
        labels: data.labels,
        lexical: lexicalIndex,
        fusion: NETWORK_ONLY,
      },
      calibration: data.calibration,
      validation: data.evaluation,
      development: options.development ?? [],
      targetPrecision: options.targetPrecision ?? DEFAULT_TARGET_PRECISION,
      seed,
      linear,
    });
    // The served file also computes the network's share of the fused score, for the weight just
    // fitted (models/onnx-contract.ts); its probabilities are the scored file's, node for node.
    onnx = scores.fusion
      ? exportToOnnx(model, {
          producerVersion: trainingCodeFingerprint(),
          temperedWeight: scores.fusion.network,
          int8OutputLayer: true,
        })
      : network;
  } finally {
    model.dispose();
  }
  log(
    `fusion: network ${scores.fusion?.network} · nomenclature ${scores.fusion?.nomenclature} · rows ${scores.fusion?.rows}; ` +
      `review below ${scores.abstain.threshold.toFixed(3)} chapter confidence`,
  );
  const contents = artifactContents({
    variant: data.variant.name,
    onnx,
    temperedOutput: scores.fusion !== undefined,
    encoderConfig: data.encoderConfig,
    inputDim: data.encoder.inputDim,
    labels: data.labels,
    lexicalIndex,
  });
  const manifest = buildManifest({
    variant: data.variant,
    contents,
    createdAt: new Date().toISOString(),
    codeVersion: codeVersion(),
    seed,
    data: {
      sha256: datasetSha256(options.rows),
      rows: options.rows.length,
      trainRows: data.train.length,
      validationRows: data.validation.length,
      upsampledTrainRows: data.upsampled.length,
      splitSeed: seed,
      sources: options.sources,
    },
    training: {
      backend,
      seconds: fitted.seconds,
      threads: fitted.threads,
      bestEpoch: fitted.bestEpoch,
      stoppedBy: fitted.stoppedBy,
      history: fitted.history,
    },
    metrics: scores.metrics,
    ...(scores.fusion && { fusion: scores.fusion }),
    abstain: scores.abstain,
    driftBaseline: scores.driftBaseline,
    parentVersion: options.parentVersion ?? null,
  });
  return {
    manifest,
    files: {
      [ARTIFACT_FILES.onnx]: onnx,
      [ARTIFACT_FILES.encoder]: contents.encoderJson,
      [ARTIFACT_FILES.labels]: contents.labelsJson,
      ...(contents.lexicalIndexBytes !== undefined && {
        [ARTIFACT_FILES.lexicalIndex]: contents.lexicalIndexBytes,
      }),
      [ARTIFACT_FILES.report]: scores.renderReport(manifest),
      [ARTIFACT_FILES.manifest]: `${JSON.stringify(manifest, null, 2)}\n`,
    },
  };
}

/** The variant with its overrides, the seeded split, the label list and the encoder. */
function prepareData(options: TrainOptions, seed: number): PreparedData {
  const catalogue = getVariant(options.variant);
  const variant: Variant = { ...catalogue, training: { ...catalogue.training, ...options.overrides } };
  const params = variant.training;
  const { train, validation } = stratifiedSplit(options.rows, params.validationFraction, seed);
  const upsampled = upsampleMinorityClasses(train, params.minRowsPerClass, seed);
  const labels = [...new Set(train.map((r) => r.hs6))].sort();
  if (labels.length < 2)
    throw new Error(`training needs at least 2 distinct HS codes, the data has ${labels.length}`);
  const encoderConfig = buildEncoderConfig(
    train.map((r) => r.text),
    variant.encoder,
  );
  const encoder = new DescriptionEncoder(encoderConfig);
  const { calibration, evaluation } = calibrationHalves(validation, seed);
  return { variant, train, validation, calibration, evaluation, upsampled, labels, encoderConfig, encoder };
}

/** Builds the network, trains it and exports it to ONNX. */
async function fitAndExport(
  data: PreparedData,
  options: TrainOptions,
  seed: number,
  log: (line: string) => void,
): Promise<{ onnx: Uint8Array; model: tfType.LayersModel; fitted: FitResult; backend: string }> {
  const { tf, backend } = await loadTensorflow({ prefer: options.backend ?? 'auto' });
  log(`backend: ${backend}`);
  const { variant, encoder, encoderConfig, labels } = data;
  const shape = {
    inputDim: encoder.inputDim,
    sequenceLength: encoderConfig.maxLength,
    numClasses: labels.length,
  };
  const model = buildModel(tf, variant, shape, seed);
  const labelIndex = new Map(labels.map((hs6, i) => [hs6, i]));
  const toExamples = (rows: readonly LabelledRow[]) => ({
    texts: rows.map((r) => r.text),
    labels: Int32Array.from(rows, (r) => labelIndex.get(r.hs6) ?? -1),
  });
  const fitted = await fit({
    tf,
    model,
    encoder,
    train: toExamples(data.upsampled),
    // Early stopping can only score codes the model has an output for; held-out scoring
    // still counts the others as misses.
    validation: toExamples(data.validation.filter((r) => labelIndex.has(r.hs6))),
    params: variant.training,
    seed,
    progress: options.progress ?? silentProgress,
    // tfjs-node threads its own kernels; the wasm and CPU backends get one thread per core from us.
    ...((backend === 'wasm' || backend === 'cpu') && {
      parallel: { variant, shape, backend, threads: options.threads },
    }),
  });
  log(`trained on ${fitted.threads} thread${fitted.threads === 1 ? '' : 's'}`);
  // Served with its output layer in int8 (a quarter of the bytes each row reads; see
  // export/layers/int8-gemm.ts), so what is scored and fitted below is what will answer.
  const onnx = exportToOnnx(model, { producerVersion: trainingCodeFingerprint(), int8OutputLayer: true });
  return { onnx, model, fitted, backend };
}
