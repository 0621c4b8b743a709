import {
  ChapterConfidence,
  Fuser,
  NETWORK_ONLY,
  TemperedFuser,
  fuse,
  isTemperedFor,
  temperedShare,
} from './fusion';
import { TEMPERED_FLOOR } from './onnx-contract';
import { seededRandom } from '../training/rng';

const network = Float32Array.from([0.6, 0.3, 0.1]);
const lexical = { nomenclature: Float64Array.from([0, 0, 4]), rows: Float64Array.from([0, 3, 0]) };

describe('fuse', () => {
  it('serves the network unchanged when it has all the weight', () => {
    const fused = fuse(network, lexical, NETWORK_ONLY);
    fused.forEach((p, i) => expect(p).toBeCloseTo(network[i] as number, 6));
    expect(fuse(network, undefined, { network: 1, nomenclature: 5, rows: 5 })).toEqual(
      fuse(network, lexical, NETWORK_ONLY),
    );
  });

  it('lets lexical evidence overturn the network, and sums to one', () => {
    const fused = fuse(network, lexical, { network: 1, nomenclature: 0, rows: 1 });
    expect(fused[1]).toBeGreaterThan(fused[0] as number);
    expect(fused.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    const byNomenclature = fuse(network, lexical, { network: 1, nomenclature: 1, rows: 0 });
    expect(byNomenclature[2]).toBeGreaterThan(byNomenclature[0] as number);
  });

  it('sharpens or flattens with the network weight (a temperature)', () => {
    const sharp = fuse(network, undefined, { network: 2, nomenclature: 0, rows: 0 });
    const flat = fuse(network, undefined, { network: 0.5, nomenclature: 0, rows: 0 });
    expect(sharp[0]).toBeGreaterThan(0.6);
    expect(flat[0]).toBeLessThan(0.6);
  });
});

describe('Fuser', () => {
  it('gives the same bits as fuse from the touched labels alone, buffer after buffer', () => {
    const weights = { network: 0.2, nomenclature: 0.1875, rows: 0.525 };
    const fuser = new Fuser(3, weights);
    const hits = {
      labels: Int32Array.from([2, 1]),
      nomenclature: Float64Array.from([4, 0]),
      rows: Float64Array.from([0, 3]),
    };
    const out = new Float32Array(3);
    for (let round = 0; round < 2; round++) {
      expect(fuser.fuse(network, hits, out)).toEqual(fuse(network, lexical, weights));
    }
    const none = { labels: new Int32Array(0), nomenclature: new Float64Array(0), rows: new Float64Array(0) };
    expect(fuser.fuse(network, none, out)).toEqual(fuse(network, undefined, weights));
  });

  it('refuses a probability vector of another length', () => {
    const empty = { labels: new Int32Array(0), nomenclature: new Float64Array(0), rows: new Float64Array(0) };
    expect(() => new Fuser(4, NETWORK_ONLY).fuse(network, empty, new Float32Array(4))).toThrow(
      /3 probabilities for 4 labels/,
    );
  });
});

/** What the ONNX graph's tempered output holds: softmax of w · ln max(p, floor). */
function tempered(probabilities: Float32Array, weight: number): Float32Array {
  const z = Array.from(probabilities, (p) => weight * Math.log(Math.max(p, TEMPERED_FLOOR)));
  const max = Math.max(...z);
  const total = z.reduce((sum, v) => sum + Math.exp(v - max), 0);
  return Float32Array.from(z, (v) => Math.exp(v - max) / total);
}

describe('TemperedFuser', () => {
  // A long tail below the floor and a few strong labels, as a trained 5,612-way softmax has.
  const labels = 500;
  const random = seededRandom(3);
  const raw = Array.from({ length: labels }, (_, c) => (c % 50 === 0 ? 5 + random() : random() * 1e-6));
  const sum = raw.reduce((a, b) => a + b, 0);
  const probabilities = Float32Array.from(raw, (v) => v / sum);
  const hitLabels = [0, 7, 123, 499, 250];
  const hits = {
    labels: Int32Array.from(hitLabels),
    nomenclature: Float64Array.from([0, 12, 3, 0.5, 30]),
    rows: Float64Array.from([2, 0, 9, 0, 1]),
  };
  const dense = {
    nomenclature: new Float64Array(labels),
    rows: new Float64Array(labels),
  };
  hitLabels.forEach((c, i) => {
    dense.nomenclature[c] = hits.nomenclature[i] as number;
    dense.rows[c] = hits.rows[i] as number;
  });

  it.each([0.275, 1, 1.7])('gives fuse()’s distribution from the hits alone at network weight %p', (w) => {
    const weights = { network: w, nomenclature: 0.1375, rows: 0.5 };
    const expected = fuse(probabilities, dense, weights);
    const actual = new TemperedFuser(labels, weights).fuse(
      tempered(probabilities, w),
      hits,
      new Float32Array(labels),
    );
    actual.forEach((p, c) =>
      expect(Math.abs(p - (expected[c] as number))).toBeLessThan(
        1e-6 * Math.max(1e-3, expected[c] as number) + 1e-12,
      ),
    );
    // The hits matter: a hit multiplies a label's odds against a label without hits by e^lexical.
    const without = fuse(probabilities, undefined, weights);
    const odds = (v: ArrayLike<number>) => (v[7] as number) / (v[8] as number);
    expect(odds(actual) / odds(without)).toBeCloseTo(Math.exp(0.1375 * 12), 4);
  });

  it.each([
    ['a nomenclature text pasted word for word', 600, 200],
    ['scores beyond what a float64 exp can hold', 6000, 0],
  ])('stays finite and agrees with fuse() for %s', (_what, nomenclatureScore, rowsScore) => {
    const weights = { network: 0.275, nomenclature: 0.1375, rows: 0.5 };
    const strong = {
      labels: Int32Array.from([7, 250, 123]),
      nomenclature: Float64Array.from([nomenclatureScore, 30, nomenclatureScore - 1]),
      rows: Float64Array.from([rowsScore, 1, rowsScore]),
    };
    const denseStrong = { nomenclature: new Float64Array(labels), rows: new Float64Array(labels) };
    strong.labels.forEach((c, i) => {
      denseStrong.nomenclature[c] = strong.nomenclature[i] as number;
      denseStrong.rows[c] = strong.rows[i] as number;
    });
    const expected = fuse(probabilities, denseStrong, weights);
    const actual = new TemperedFuser(labels, weights).fuse(
      tempered(probabilities, 0.275),
      strong,
      new Float32Array(labels),
    );
    expect(actual.every(Number.isFinite)).toBe(true);
    actual.forEach((p, c) => expect(Math.abs(p - (expected[c] as number))).toBeLessThan(1e-6));
    expect(actual[7]).toBeGreaterThan(0.5);
  });

  it('gives a label whose tempered share underflowed to 0 nothing, whatever its lexical score', () => {
    const weights = { network: 7, nomenclature: 0.1375, rows: 0.5 };
    const underflowed = Float32Array.of(0, 0.5, 0.3, 0.2);
    const strong = {
      labels: Int32Array.of(0, 2),
      nomenclature: Float64Array.of(6000, 3),
      rows: Float64Array.of(0, 0),
    };
    const out = new TemperedFuser(4, weights).fuse(underflowed, strong, new Float32Array(4));
    expect(Array.from(out).every(Number.isFinite)).toBe(true);
    expect(out[0]).toBe(0);
    expect(out.reduce((sum, p) => sum + p, 0)).toBeCloseTo(1, 6);
    // Label 2's hit still multiplies its odds against label 1 by e^{0.1375 · 3}.
    expect((out[2] as number) / (out[1] as number)).toBeCloseTo((0.3 / 0.5) * Math.exp(0.1375 * 3), 5);
  });

  it('leaves the tempered buffer untouched, so occlusion rows can reuse it', () => {
    const weights = { network: 0.275, nomenclature: 0.1375, rows: 0.5 };
    const input = tempered(probabilities, 0.275);
    const copy = input.slice();
    new TemperedFuser(labels, weights).fuse(input, hits, new Float32Array(labels));
    expect(input).toEqual(copy);
  });

  it('refuses a vector of another length', () => {
    const none = { labels: new Int32Array(0), nomenclature: new Float64Array(0), rows: new Float64Array(0) };
    expect(() => new TemperedFuser(4, NETWORK_ONLY).fuse(network, none, new Float32Array(4))).toThrow(
      /3 probabilities for 4 labels/,
    );
  });
});

describe('isTemperedFor', () => {
  const probabilities = Float32Array.from([0.5, 0.3, 0.15, 0.05, 0]);

  it('accepts the tempered share computed for the weight, in float32', () => {
    expect(isTemperedFor(probabilities, Float32Array.from(temperedShare(probabilities, 0.275)), 0.275)).toBe(
      true,
    );
  });

  it('refuses a share tempered for another weight, or of another length', () => {
    const forOther = Float32Array.from(temperedShare(probabilities, 0.3));
    expect(isTemperedFor(probabilities, forOther, 0.275)).toBe(false);
    expect(isTemperedFor(probabilities, forOther.subarray(1), 0.3)).toBe(false);
  });
});

describe('ChapterConfidence', () => {
  const confidence = new ChapterConfidence(['610910', '610990', '620520', '851712']);

  it("is the mass of the top candidate's chapter, not of the top code alone", () => {
    expect(confidence.of([0.4, 0.35, 0.25, 0])).toBeCloseTo(0.75, 10);
    // The top code decides the chapter even when another chapter has more mass in all.
    expect(confidence.of([0.1, 0.1, 0.2, 0.6])).toBeCloseTo(0.6, 10);
    expect(confidence.of([0.3, 0, 0.35, 0.35])).toBeCloseTo(0.35, 10);
  });

  it('sums a chapter whose labels are not next to each other, from the top index it is given', () => {
    const scattered = new ChapterConfidence(['610910', '851712', '610990', '851713']);
    expect(scattered.of([0.3, 0.25, 0.1, 0.35])).toBeCloseTo(0.6, 10);
    // The caller's top index decides the chapter (serving passes its top-k's first).
    expect(scattered.of([0.3, 0.25, 0.1, 0.35], 0)).toBeCloseTo(0.4, 10);
    expect(scattered.of([0.1, 0.25, 0.4, 0.25])).toBeCloseTo(0.5, 10);
  });
});
