import { mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { openOnnxSession } from '../../models/onnx-session';
import { ArtifactIntegrityError } from '../../models/artifact';
import { DescriptionEncoder, type EncoderConfig } from '../../models/encoder';
import { loadNomenclature } from '../../models/hs/nomenclature';
import { storeKeys } from '../../models/store-layout';
import { writeFixtureModel, type FixtureModel } from '../../tests/helpers/model-fixture';
import { tinyDataset } from '../../tests/helpers/tiny-dataset';
import { LocalObjectStore } from '../store/local-store';
import { ModelLoadError } from './errors';
import { textOfWords } from './occlusion';
import { OnnxClassifier } from './onnx-classifier';
import { cachedSessionCount, releaseSharedSessions } from './session-cache';

const texts = tinyDataset()
  .filter((_, i) => i % 17 === 0)
  .map((r) => r.text)
  .concat(['zorblax quintessential flurbo live fish', 'the of and']);

function modelDir(home: string, fixture: FixtureModel): string {
  return join(home, storeKeys.modelPrefix(fixture.ref.variant, fixture.ref.version));
}

/** The fixture's probabilities straight from ONNX Runtime, bypassing the classifier. */
async function directProbabilities(home: string, fixture: FixtureModel, text: string): Promise<Float32Array> {
  const dir = modelDir(home, fixture);
  const config = JSON.parse(readFileSync(join(dir, 'encoder.json'), 'utf8')) as EncoderConfig;
  const ids = new DescriptionEncoder(config).encode(text).ids;
  const session = await openOnnxSession(readFileSync(join(dir, 'model.onnx')));
  const out = await session.run({ token_ids: new ort.Tensor('int32', ids, [1, ids.length]) });
  await session.release();
  return out.probabilities?.data as Float32Array;
}

describe('OnnxClassifier', () => {
  const home = mkdtempSync(join(tmpdir(), 'hscode-classifier-'));
  const store = new LocalObjectStore(home);
  let fixture: FixtureModel;
  let classifier: OnnxClassifier;

  beforeAll(async () => {
    fixture = await writeFixtureModel(home, { abstainThreshold: 0.045 });
    classifier = await OnnxClassifier.load(store, fixture.ref);
  });
  afterAll(() => releaseSharedSessions());

  it('describes the model it serves', () => {
    expect(classifier.info).toMatchObject({
      variant: 'textcnn',
      version: fixture.ref.version,
      modelSha256: fixture.manifest.onnx.sha256,
      labels: fixture.manifest.labels.count,
      abstainThreshold: 0.045,
    });
  });

  it('returns the top-k codes with the probabilities ONNX Runtime computes, and their nomenclature', async () => {
    const hs = loadNomenclature();
    const labels = JSON.parse(readFileSync(join(modelDir(home, fixture), 'labels.json'), 'utf8')) as string[];
    const predictions = await classifier.predict(texts, { topK: 5, explain: false });
    expect(predictions).toHaveLength(texts.length);
    for (const [i, prediction] of predictions.entries()) {
      const direct = await directProbabilities(home, fixture, texts[i] as string);
      const expected = [...direct.keys()]
        .sort((a, b) => (direct[b] as number) - (direct[a] as number))
        .slice(0, 5);
      expect(prediction.candidates.map((c) => c.hs6)).toEqual(expected.map((j) => labels[j]));
      prediction.candidates.forEach((c, k) => {
        expect(c.probability).toBeCloseTo(direct[expected[k] as number] as number, 6);
        expect(c.hs4).toBe(c.hs6.slice(0, 4));
        expect(c.hs2).toBe(c.hs6.slice(0, 2));
        expect(c.description).toBe(hs.subheadings.get(c.hs6)?.description);
        expect(c.headingDescription).toBe(hs.headings.get(c.hs4)?.description);
        expect(c.chapterDescription).toBe(hs.chapters.get(c.hs2)?.description);
      });
      expect(prediction.needsReview).toBe((prediction.candidates[0]?.probability ?? 0) < 0.045);
      expect(prediction.explanation).toBeUndefined();
    }
    // The threshold sits inside this model's range of top probabilities, so both outcomes occur.
    expect(new Set(predictions.map((p) => p.needsReview)).size).toBe(2);
  });

  it('answers a description the same alone as in a batch', async () => {
    const batch = await classifier.predict(texts, { topK: 3, explain: false });
    for (const [i, text] of texts.entries()) {
      const [alone] = await classifier.predict([text], { topK: 3, explain: false });
      expect(alone?.candidates.map((c) => c.hs6)).toEqual(batch[i]?.candidates.map((c) => c.hs6));
      alone?.candidates.forEach((c, k) =>
        expect(c.probability).toBeCloseTo(batch[i]?.candidates[k]?.probability ?? -1, 6),
      );
    }
  });

  it('counts the words and the words outside the vocabulary', async () => {
    const [made, empty] = await classifier.predict(texts.slice(-2), { topK: 1, explain: false });
    expect(made).toMatchObject({ words: 5, unknownWords: 3 });
    expect(empty).toMatchObject({ words: 0, unknownWords: 0 });
  });

  it('explains the top code by how much its probability drops without each word', async () => {
    const text = 'fish fish live ornamental freshwater trout';
    const [explained] = await classifier.predict([text], { topK: 1, explain: true });
    const top = explained?.candidates[0];
    const explanation = explained?.explanation ?? [];
    expect(explanation.map((w) => w.word).sort()).toEqual([
      'fish',
      'freshwater',
      'live',
      'ornamental',
      'trout',
    ]);
    const weights = explanation.map((w) => w.weight);
    expect(weights).toEqual([...weights].sort((a, b) => b - a));
    for (const { word, weight } of explanation) {
      const without = textOfWords(
        ['fish', 'fish', 'live', 'ornamental', 'freshwater', 'trout'].filter((w) => w !== word),
      );
      const [rescored] = await classifier.predict([without], { topK: 20, explain: false });
      const probability = rescored?.candidates.find((c) => c.hs6 === top?.hs6)?.probability ?? 0;
      expect(weight).toBeCloseTo((top?.probability ?? 0) - probability, 6);
    }
  });

  it('says where in the description each explained word came from, every occurrence', async () => {
    const text = 'Fish, FISH: 100% live trout 15"';
    const [explained] = await classifier.predict([text], { topK: 1, explain: true });
    const typed = Object.fromEntries(
      (explained?.explanation ?? []).map((w) => [w.word, w.spans.map((s) => text.slice(s.start, s.end))]),
    );
    // "100%" states a share: it is left out of the words, number and all.
    expect(typed).toEqual({
      fish: ['Fish', 'FISH'],
      live: ['live'],
      trout: ['trout'],
      '<num2>': ['15'],
      inch: ['"'],
    });
  });

  it('gives the same explanations when the rows are split over several runs', async () => {
    const small = await OnnxClassifier.load(store, fixture.ref, { maxRowsPerRun: 3 });
    const whole = await classifier.predict(texts, { topK: 2, explain: true });
    const split = await small.predict(texts, { topK: 2, explain: true });
    split.forEach((prediction, i) => {
      expect(prediction.explanation?.map((w) => w.word)).toEqual(whole[i]?.explanation?.map((w) => w.word));
      prediction.explanation?.forEach((w, k) =>
        expect(w.weight).toBeCloseTo(whole[i]?.explanation?.[k]?.weight ?? NaN, 6),
      );
    });
  });

  it('refuses a topK outside 1..20', async () => {
    await expect(classifier.predict(['x'], { topK: 0, explain: false })).rejects.toThrow(RangeError);
    await expect(classifier.predict(['x'], { topK: 21, explain: false })).rejects.toThrow(/1 to 20/);
  });

  it('shares one session per model file in the process', async () => {
    const before = cachedSessionCount();
    await OnnxClassifier.load(store, fixture.ref);
    await OnnxClassifier.load(store, fixture.ref, { maxRowsPerRun: 7 });
    expect(cachedSessionCount()).toBe(before);
  });

  it.each(['dnn', 'bigru'] as const)(
    'serves and explains a %s model through the same contract',
    async (variant) => {
      const other = await writeFixtureModel(home, { variant });
      const served = await OnnxClassifier.load(store, other.ref);
      const [prediction] = await served.predict(['frozen fish fillets'], { topK: 3, explain: true });
      expect(prediction?.candidates).toHaveLength(3);
      expect(prediction?.explanation?.map((w) => w.word).sort()).toEqual(['fillet', 'fish', 'frozen']);
    },
  );

  describe('refuses to serve', () => {
    it('a model file that does not match its manifest', async () => {
      const root = mkdtempSync(join(tmpdir(), 'hscode-classifier-'));
      const bad = await writeFixtureModel(root, { seed: 9 });
      const path = join(modelDir(root, bad), 'model.onnx');
      const bytes = readFileSync(path);
      bytes[bytes.length - 10] = (bytes[bytes.length - 10] as number) ^ 0x01;
      writeFileSync(path, bytes);
      const load = OnnxClassifier.load(new LocalObjectStore(root), bad.ref);
      await expect(load).rejects.toThrow(ArtifactIntegrityError);
      await expect(OnnxClassifier.load(new LocalObjectStore(root), bad.ref)).rejects.toThrow(
        /refusing to load it/,
      );
    });

    it('a model missing from the store', async () => {
      await expect(
        OnnxClassifier.load(store, { variant: 'textcnn', version: 'textcnn-000000000000' }),
      ).rejects.toThrow(/models\/textcnn\/textcnn-000000000000\/manifest\.json is not in the store/);
    });

    it('a manifest naming a lexical index file the artifact format does not have', async () => {
      const root = mkdtempSync(join(tmpdir(), 'hscode-classifier-'));
      const model = await writeFixtureModel(root, { seed: 13 });
      const manifestPath = join(modelDir(root, model), 'manifest.json');
      const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, unknown>;
      const withIndex = (file: string) =>
        writeFileSync(
          manifestPath,
          JSON.stringify({
            ...manifest,
            lexicalIndex: { file, sha256: '0'.repeat(64), bytes: 1, tokenizerVersion: 1, documents: {} },
          }),
        );
      // Read before anything is verified, so the name itself must be refused: it could point anywhere.
      withIndex('../../../registry/state.json');
      await expect(OnnxClassifier.load(new LocalObjectStore(root), model.ref)).rejects.toThrow(
        /names the lexical index "\.\.\/\.\.\/\.\.\/registry\/state\.json", not one of lexical-index\.bin, lexical-index\.json/,
      );
      withIndex('lexical-index.json');
      await expect(OnnxClassifier.load(new LocalObjectStore(root), model.ref)).rejects.toThrow(
        /lexical-index\.json is not in the store/,
      );
    });

    it('an artifact copied under another name', async () => {
      const root = mkdtempSync(join(tmpdir(), 'hscode-classifier-'));
      const moved = await writeFixtureModel(root, { seed: 11 });
      renameSync(modelDir(root, moved), join(root, 'models', 'textcnn', 'textcnn-renamed'));
      await expect(
        OnnxClassifier.load(new LocalObjectStore(root), { variant: 'textcnn', version: 'textcnn-renamed' }),
      ).rejects.toThrow(
        /its manifest describes textcnn\/textcnn-[0-9a-f]{12}: the artifact sits under the wrong name/,
      );
    });

    it('a model whose labels are not HS 2022 subheadings', async () => {
      const root = mkdtempSync(join(tmpdir(), 'hscode-classifier-'));
      const foreign = await writeFixtureModel(root, { labels: ['610910', '999998', '000001'] });
      const load = OnnxClassifier.load(new LocalObjectStore(root), foreign.ref);
      await expect(load).rejects.toThrow(ModelLoadError);
      await expect(OnnxClassifier.load(new LocalObjectStore(root), foreign.ref)).rejects.toThrow(
        /2 of its labels are not HS 2022 subheadings \(999998, 000001/,
      );
    });
  });
});
