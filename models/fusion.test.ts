import { ChapterConfidence, Fuser, NETWORK_ONLY, fuse } from './fusion';

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

describe('ChapterConfidence', () => {
  const confidence = new ChapterConfidence(['610910', '610990', '620520', '851712']);

  it("is the mass of the top candidate's chapter, not of the top code alone", () => {
    expect(confidence.of([0.4, 0.35, 0.25, 0])).toBeCloseTo(0.75, 10);
    // The top code decides the chapter even when another chapter has more mass in all.
    expect(confidence.of([0.1, 0.1, 0.2, 0.6])).toBeCloseTo(0.6, 10);
    expect(confidence.of([0.3, 0, 0.35, 0.35])).toBeCloseTo(0.35, 10);
  });
});
