import { loadNomenclature } from '../models/hs/nomenclature';
import { verifyArtifact } from '../models/artifact';
import type { Prediction } from '../runtime/core/classifier';
import { DescriptionEncoder } from '../models/encoder';
import { LexicalIndex } from '../models/retrieval/lexical-index';
import { OnnxClassifier } from '../runtime/core/onnx-classifier';
import type { LabelledRow } from '../training/dataset';
import { evaluateRows } from '../training/evaluate-artifact';
import { seededRandom, shuffleInPlace } from '../training/rng';
import { forEachServed, servedModelOf } from '../training/served-model';
import { calibrationHalves, stratifiedSplit } from '../training/split';
import { trainModel, type TrainedArtifact } from '../training/train';
import { traderPhrase } from '../training/trader-phrase';

/**
 * One to three shuffled words of each subheading's and heading's texts, in chapters that share
 * much of their wording (knitted and woven apparel, machines and electrical machines, fish and
 * fish preparations), so that a small model is often unsure of the chapter.
 */
function multiChapterRows(perClass: number): LabelledRow[] {
  const hs = loadNomenclature();
  const random = seededRandom(5);
  const codes = ['03', '16', '61', '62', '84', '85'].flatMap((chapter) =>
    [...hs.subheadings.keys()].filter((code) => code.startsWith(chapter)).slice(0, 5),
  );
  return codes.flatMap((hs6) => {
    const { heading, subheading } = hs.hierarchy(hs6);
    const words = [subheading, heading]
      .map((node) => node?.description ?? '')
      .join(' ')
      .toLowerCase()
      .split(/[^a-z]+/)
      .filter((w) => w.length > 2);
    return Array.from({ length: perClass }, (_, i) => {
      const picked = [...words];
      shuffleInPlace(picked, random);
      return { text: picked.slice(0, 1 + (i % 3)).join(' '), hs6 };
    });
  });
}

const bytes = (body: Uint8Array | string | undefined) =>
  typeof body === 'string' ? Buffer.from(body) : (body as Uint8Array);

/** The trained files as the runtime reads them, optionally with another manifest. */
const verifiedArtifact = (files: TrainedArtifact['files'], manifest = bytes(files['manifest.json'])) =>
  verifyArtifact({
    manifest,
    onnx: bytes(files['model.onnx']),
    encoder: bytes(files['encoder.json']),
    labels: bytes(files['labels.json']),
    lexicalIndex: bytes(files['lexical-index.bin']),
  });

/** Three standard errors of the difference of two proportions measured on independent samples. */
const tolerance = (p: number, n1: number, n2: number) =>
  3 * Math.sqrt(Math.max(p * (1 - p), 0.01) * (1 / n1 + 1 / n2));

describe('the needs-review flag', () => {
  const rows = multiChapterRows(16);
  const seed = 9;
  const validationFraction = 0.4;
  let trained: TrainedArtifact;

  beforeAll(async () => {
    trained = await trainModel({
      variant: 'textcnn',
      rows,
      sources: ['multi-chapter'],
      seed,
      overrides: { epochs: 3, batchSize: 32, learningRate: 0.01, validationFraction },
    });
  }, 120_000);

  it('serves the distribution training measured, with the network share fused in the ONNX graph', async () => {
    const { files } = trained;
    const artifact = verifiedArtifact(files);
    const classifier = await OnnxClassifier.fromArtifact(artifact);
    expect(classifier.fusion).toBe('graph');
    const texts = rows.filter((_, i) => i % 7 === 0).map((r) => traderPhrase(r.text, seed));
    const served = await classifier.predict(texts, { topK: 3, explain: false });
    const model = servedModelOf(artifact);
    let compared = 0;
    await forEachServed(model, texts, (measured, _network, i) => {
      for (const candidate of served[i]?.candidates ?? []) {
        const label = model.labels.indexOf(candidate.hs6);
        expect(Math.abs(candidate.probability - (measured[label] as number))).toBeLessThan(1e-5);
        compared++;
      }
    });
    expect(compared).toBe(3 * texts.length);
  });

  it('answers calls in flight together exactly as it answers each alone', async () => {
    const classifier = await OnnxClassifier.fromArtifact(verifiedArtifact(trained.files));
    const texts = rows.filter((_, i) => i % 5 === 0).map((r) => traderPhrase(r.text, seed));
    const alone: Prediction[][] = [];
    for (const text of texts) alone.push(await classifier.predict([text], { topK: 5, explain: false }));
    const explainedAlone = await classifier.predict(texts.slice(0, 8), { topK: 3, explain: true });
    // Singles, pairs and an explained batch, all awaiting ONNX Runtime at once.
    const together = await Promise.all([
      ...texts.map((text) => classifier.predict([text], { topK: 5, explain: false })),
      classifier.predict(texts.slice(0, 8), { topK: 3, explain: true }),
      ...texts.map((text, i) =>
        classifier.predict([text, texts[(i + 1) % texts.length] as string], { topK: 5, explain: false }),
      ),
    ]);
    texts.forEach((_, i) => {
      expect(together[i]).toEqual(alone[i]);
      expect(together[texts.length + 1 + i]?.[0]).toEqual(alone[i]?.[0]);
    });
    expect(together[texts.length]).toEqual(explainedAlone);
  });

  it('reads words its index does not know through WordNet, and its explanations say how', async () => {
    const index = LexicalIndex.fromBytes(
      bytes(trained.files['lexical-index.bin']),
      trained.manifest.labels.count,
    );
    expect(index.synonymSource).toMatch(/^WordNet 3\.1 nouns, sha256 [0-9a-f]{16}$/);
    // The index holds the nomenclature of its labels, which says "windcheater" and never "parka".
    expect(index.knows('parka')).toBe(false);
    expect(index.synonyms.get('parka')).toEqual(['windcheater']);
    expect([...index.hits('parka').labels].sort()).toEqual([...index.hits('windcheater').labels].sort());
    const classifier = await OnnxClassifier.fromArtifact(verifiedArtifact(trained.files));
    const [explained] = await classifier.predict(['frozen parka jakcet'], { topK: 3, explain: true });
    const readings = Object.fromEntries((explained?.explanation ?? []).map((w) => [w.word, w.readAs]));
    // A WordNet reading, a typo correction, and nothing for a word the index knows.
    expect(Object.keys(readings).sort()).toEqual(['frozen', 'jakcet', 'parka']);
    expect(readings).toEqual({ frozen: undefined, parka: 'windcheater', jakcet: 'jacket' });
  });

  it('gives the network the same readings, served as it was scored', async () => {
    const artifact = verifiedArtifact(trained.files);
    const model = servedModelOf(artifact);
    const plain = new DescriptionEncoder(artifact.encoder);
    // The network sees "parka" as "windcheater" (the typo "jakcet" only through its n-grams).
    expect(model.encoder.encode('parka').ids[0]).toBe(plain.encode('windcheater').ids[0]);
    expect(model.encoder.encode('jakcet').ids).toEqual(plain.encode('jakcet').ids);
    const texts = ['parka', 'frozen parka', 'cotton parka jakcet'];
    const served = await (
      await OnnxClassifier.fromArtifact(artifact)
    ).predict(texts, {
      topK: 3,
      explain: false,
    });
    await forEachServed(model, texts, (measured, _network, i) => {
      for (const candidate of served[i]?.candidates ?? []) {
        const label = model.labels.indexOf(candidate.hs6);
        expect(Math.abs(candidate.probability - (measured[label] as number))).toBeLessThan(1e-5);
      }
    });
    // And reading changes what it answers: the plain encoder's network is another one.
    const unread = { ...model, encoder: plain };
    const differs: boolean[] = [];
    await forEachServed(unread, ['parka'], (measured) =>
      differs.push(
        served[0]?.candidates[0]?.probability !==
          measured[model.labels.indexOf(served[0]?.candidates[0]?.hs6 ?? '')],
      ),
    );
    expect(differs).toEqual([true]);
  });

  it('serves a graph exported for another weight the JavaScript way, with the manifest weight', async () => {
    const { files, manifest } = trained;
    const fusion = manifest.fusion as NonNullable<typeof manifest.fusion>;
    const edited = { ...manifest, fusion: { ...fusion, network: fusion.network * 2 } };
    const artifact = verifiedArtifact(files, Buffer.from(JSON.stringify(edited)));
    const classifier = await OnnxClassifier.fromArtifact(artifact);
    expect(classifier.fusion).toBe('javascript');
    const texts = rows.filter((_, i) => i % 11 === 0).map((r) => traderPhrase(r.text, seed));
    const served = await classifier.predict(texts, { topK: 3, explain: false });
    const model = servedModelOf(artifact);
    await forEachServed(model, texts, (measured, _network, i) => {
      for (const candidate of served[i]?.candidates ?? []) {
        expect(candidate.probability).toBe(measured[model.labels.indexOf(candidate.hs6)]);
      }
    });
  });

  it('flags as many answers, and lets through answers as precise, on unseen held-out rows as its manifest claims', async () => {
    const { manifest, files } = trained;
    const { validation } = stratifiedSplit(rows, validationFraction, seed);
    const { calibration, evaluation: heldOut } = calibrationHalves(validation, seed);
    // The threshold was chosen on the calibration half's trader phrases: score the other half's.
    const evaluation = heldOut.map((r) => ({ ...r, text: traderPhrase(r.text, seed) }));
    expect(manifest.abstain).toMatchObject({ level: 'hs2', rows: calibration.length, targetPrecision: 0.95 });

    const artifact = verifiedArtifact(files);
    const classifier = await OnnxClassifier.fromArtifact(artifact);
    const predictions = await classifier.predict(
      evaluation.map((r) => r.text),
      { topK: 1, explain: false },
    );
    const answered = predictions
      .map((p, i) => ({ p, truth: (evaluation[i] as LabelledRow).hs6 }))
      .filter(({ p }) => !p.needsReview);
    const coverage = answered.length / evaluation.length;
    const precision =
      answered.filter(({ p, truth }) => p.candidates[0]?.hs2 === truth.slice(0, 2)).length / answered.length;

    // The served flag is the one training measured: same rows, same answers, to the row.
    const measured = await evaluateRows(servedModelOf(artifact), evaluation, {
      targetPrecision: manifest.abstain.targetPrecision,
      reviewThreshold: manifest.abstain.threshold,
    });
    expect(measured.model.review).toMatchObject({ coverage, precision, accepted: answered.length });

    // And it keeps its promise on rows it was not chosen on, within sampling error.
    const claimed = manifest.abstain;
    expect(claimed.coverage).toBeGreaterThan(0.2);
    expect(Math.abs(coverage - claimed.coverage)).toBeLessThanOrEqual(
      tolerance(claimed.coverage, calibration.length, evaluation.length),
    );
    const claimedAnswered = Math.round(claimed.coverage * calibration.length);
    expect(Math.abs(precision - claimed.precision)).toBeLessThanOrEqual(
      tolerance(claimed.precision, claimedAnswered, answered.length),
    );
    expect(claimed.precision).toBeGreaterThanOrEqual(claimed.targetPrecision);
  });
});
