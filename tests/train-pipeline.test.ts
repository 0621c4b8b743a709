import { mkdtempSync, readFileSync, writeFileSync, existsSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArtifactIntegrityError } from '../models/artifact';
import { readArtifactDir } from '../training/artifact-reader';
import { calibrationHalves, stratifiedSplit } from '../training/split';
import { publishLocalModel } from '../runtime/local/local-models';
import { trainModel, type TrainedArtifact } from '../training/train';
import { tinyDataset } from './helpers/tiny-dataset';

// Small but real: the catalogue's Text-CNN on 24 HS 2022 subheadings, through export and scoring.
describe('trainModel end to end', () => {
  const home = mkdtempSync(join(tmpdir(), 'hscode-train-'));
  const rows = tinyDataset(24, 10);
  let result: TrainedArtifact & { dir: string };

  beforeAll(async () => {
    const trained = await trainModel({
      variant: 'textcnn',
      rows,
      sources: ['tiny'],
      seed: 3,
      overrides: { epochs: 6, batchSize: 32, learningRate: 0.01, patience: 6 },
      development: rows.slice(0, 20),
    });
    result = { ...trained, dir: await publishLocalModel(home, trained) };
  });

  it('publishes a verifiable, content-addressed artifact into the local store', () => {
    expect(result.dir).toBe(join(home, 'models', 'textcnn', result.manifest.version));
    expect(result.manifest.version).toBe(`textcnn-${result.manifest.onnx.sha256.slice(0, 12)}`);
    const artifact = readArtifactDir(result.dir);
    expect(artifact.labels).toHaveLength(24);
    expect(artifact.manifest.labels.count).toBe(24);
    expect(existsSync(join(result.dir, 'report.html'))).toBe(true);
    const latest = JSON.parse(readFileSync(join(home, 'models', 'textcnn', 'latest.json'), 'utf8'));
    expect(latest.version).toBe(result.manifest.version);
  });

  it('records lineage and learns something real on held-out rows', () => {
    const { manifest } = result;
    const { validation } = stratifiedSplit(rows, manifest.hyperParameters.training.validationFraction, 3);
    expect(manifest.data.rows).toBe(rows.length);
    expect(manifest.data.validationRows).toBe(validation.length);
    expect(manifest.seed).toBe(3);
    expect(manifest.training.history.length).toBeGreaterThan(0);
    // Fusion weights and the review threshold are fitted on one half; the scores come from the other.
    const { calibration, evaluation } = calibrationHalves(validation, 3);
    expect(manifest.metrics.validation.n).toBe(evaluation.length);
    // Fusion learns from each calibration row and its trader phrase.
    expect(manifest.fusion?.fittedOnRows).toBe(2 * calibration.length);
    expect(manifest.abstain).toMatchObject({ level: 'hs2', rows: calibration.length, targetPrecision: 0.95 });
    expect(manifest.metrics.network?.n).toBe(evaluation.length);
    expect(manifest.metrics.linearBaseline?.n).toBe(evaluation.length);
    expect(manifest.driftBaseline.n).toBe(validation.length);
    // 24 classes: chance is about 4%; word overlap between subheading texts makes this learnable.
    expect(manifest.metrics.validation.top5.hs6).toBeGreaterThan(0.3);
    expect(manifest.metrics.development?.n).toBe(20);
    expect(manifest.abstain.threshold).toBeGreaterThan(0);
    const distribution = Object.values(manifest.driftBaseline.chapterDistribution);
    expect(distribution.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
  });

  it('ships the lexical index its manifest declares, and refuses one that does not match', () => {
    const { lexicalIndex } = result.manifest;
    expect(lexicalIndex).toMatchObject({ file: 'lexical-index.bin', documents: { nomenclature: 24 } });
    expect(readArtifactDir(result.dir).lexicalIndex).toBeDefined();
    const path = join(result.dir, 'lexical-index.bin');
    const original = readFileSync(path);
    writeFileSync(path, Buffer.from(original.toString('latin1').replace('"k1":1.2', '"k1":1.3'), 'latin1'));
    expect(() => readArtifactDir(result.dir)).toThrow(/lexical-index\.bin has sha256 .* refusing to load it/);
    unlinkSync(path);
    expect(() => readArtifactDir(result.dir)).toThrow(/declares lexical-index\.bin but it was not found/);
    writeFileSync(path, original);
    expect(Buffer.from(readArtifactDir(result.dir).lexicalIndex ?? []).equals(original)).toBe(true);
  });

  it('reads no file a manifest names outside the artifact format', () => {
    const manifestPath = join(result.dir, 'manifest.json');
    const original = readFileSync(manifestPath, 'utf8');
    const manifest = JSON.parse(original);
    manifest.lexicalIndex.file = '../../../registry/state.json';
    writeFileSync(manifestPath, JSON.stringify(manifest));
    try {
      expect(() => readArtifactDir(result.dir)).toThrow(
        /manifest\.json names the lexical index "\.\.\/\.\.\/\.\.\/registry\/state\.json", not one of/,
      );
    } finally {
      writeFileSync(manifestPath, original);
    }
  });

  it('refuses a model file that does not match its manifest', () => {
    const onnxPath = join(result.dir, 'model.onnx');
    const bytes = readFileSync(onnxPath);
    bytes[bytes.length - 5] = (bytes[bytes.length - 5] as number) ^ 0xff;
    writeFileSync(onnxPath, bytes);
    expect(() => readArtifactDir(result.dir)).toThrow(ArtifactIntegrityError);
    expect(() => readArtifactDir(result.dir)).toThrow(/model\.onnx has sha256 .* refusing to load it/);
  });
});
