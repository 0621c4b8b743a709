import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ModelManifest } from '../../models/manifest';
import type { VariantName } from '../../models/variants';
import type { LabelledRow } from '../../training/dataset';
import { publishLocalModel } from '../../runtime/local/local-models';
import { trainModel } from '../../training/train';
import { tinyDataset } from './tiny-dataset';

export interface TrainedModel {
  /** The store folder the artifact was written into (`<home>/models/<variant>/<version>/`). */
  home: string;
  dir: string;
  manifest: ModelManifest;
  ref: { variant: string; version: string };
  rows: LabelledRow[];
}

export interface TrainedModelOptions {
  /** Defaults to a fresh temporary folder. */
  home?: string;
  variant?: VariantName;
  /** A different seed gives different weights, hence a different version. */
  seed?: number;
  epochs?: number;
  classes?: number;
  perClass?: number;
}

/**
 * A real, small model through the real pipeline (split, encoder, tfjs training, ONNX export,
 * scoring, manifest, artifact folder) on HS 2022 texts: a few seconds, and its manifest is valid
 * by construction whatever the schema becomes.
 */
export async function trainTinyModel(options: TrainedModelOptions = {}): Promise<TrainedModel> {
  const home = options.home ?? mkdtempSync(join(tmpdir(), 'hscode-model-'));
  const rows = tinyDataset(options.classes ?? 24, options.perClass ?? 10);
  const epochs = options.epochs ?? 6;
  const trained = await trainModel({
    variant: options.variant ?? 'textcnn',
    rows,
    sources: ['tiny'],
    seed: options.seed ?? 3,
    overrides: { epochs, batchSize: 32, learningRate: 0.01, patience: epochs },
  });
  const dir = await publishLocalModel(home, trained);
  const { manifest } = trained;
  return { home, dir, manifest, ref: { variant: manifest.variant, version: manifest.version }, rows };
}
