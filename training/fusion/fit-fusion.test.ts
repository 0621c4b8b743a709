import { fuse } from '../../models/fusion';
import { seededRandom } from '../rng';
import { fitFusionWeights, fusionExample } from './fit-fusion';

const LABELS = 40;
const chapterOfLabel = Int32Array.from({ length: LABELS }, (_, i) => Math.floor(i / 4));

/**
 * Rows whose network is right `networkRate` of the time and whose row retrieval is right
 * `rowsRate` of the time; each is surer when it is right (as real ones are), and the
 * nomenclature score is noise.
 */
function examples(networkRate: number, rowsRate: number, n = 300, seed = 7) {
  const random = seededRandom(seed);
  const pick = () => Math.floor(random() * LABELS);
  return Array.from({ length: n }, () => {
    const truth = pick();
    const network = new Float32Array(LABELS).fill(0.2 / (LABELS - 1));
    if (random() < networkRate) network[truth] = 0.8;
    else network[pick()] = 0.4;
    const rows = new Float64Array(LABELS);
    if (random() < rowsRate) rows[truth] = 6;
    else rows[pick()] = 2;
    const nomenclature = Float64Array.from({ length: LABELS }, () => random() * 3);
    return { truth, network, lexical: { nomenclature, rows } };
  });
}

const fitOn = (rows: ReturnType<typeof examples>) =>
  fitFusionWeights(rows.map((r) => fusionExample(r.truth, r.network, r.lexical, chapterOfLabel)));

describe('fitFusionWeights', () => {
  it('gives weight to the retrieval that is right and none to the one that is noise', () => {
    const { weights } = fitOn(examples(0.5, 0.9));
    expect(weights.rows).toBeGreaterThan(0.2);
    expect(weights.nomenclature).toBeLessThan(weights.rows / 4);
  });

  it('gives a useless retrieval (almost) no say', () => {
    const { weights } = fitOn(examples(0.9, 0.02));
    const test = examples(0.9, 0.02, 400, 99);
    const agree = test.filter((r) => {
      const fused = fuse(r.network, r.lexical, weights);
      return fused.indexOf(Math.max(...fused)) === r.network.indexOf(Math.max(...r.network));
    }).length;
    expect(agree / test.length).toBeGreaterThan(0.98);
  });

  it('fuses to a better held-out accuracy than either source alone', () => {
    const { weights } = fitOn(examples(0.6, 0.6));
    const test = examples(0.6, 0.6, 400, 99);
    const accuracy = (w: typeof weights) =>
      test.filter((r) => {
        const p = fuse(r.network, r.lexical, w);
        return p.indexOf(Math.max(...p)) === r.truth;
      }).length / test.length;
    const fused = accuracy(weights);
    expect(fused).toBeGreaterThan(accuracy({ network: 1, nomenclature: 0, rows: 0 }) + 0.05);
    expect(fused).toBeGreaterThan(accuracy({ network: 0.01, nomenclature: 0, rows: 1 }) + 0.05);
  });

  it('is deterministic', () => {
    expect(fitOn(examples(0.6, 0.6))).toEqual(fitOn(examples(0.6, 0.6)));
  });
});
