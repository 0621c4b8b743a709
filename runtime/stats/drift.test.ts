import { confidenceBin, detectDrift, worstDriftStatus, type DriftBaseline, type LiveWindow } from './drift';
import { simulatedBaseline, simulatedWindow, type Shift } from './drift-simulation';

// Shaped like a trained model's manifest: 96 chapters, 15 confidence bins, a rare unknown-word rate.
const BASELINE: DriftBaseline = simulatedBaseline();
const liveWindow = (seed: number, size: number, shift: Shift = {}): LiveWindow =>
  simulatedWindow(BASELINE, seed, size, shift);

const signal = (signals: ReturnType<typeof detectDrift>, name: string, metric: string) => {
  const found = signals.find((s) => s.name === name && s.metric === metric);
  if (!found) throw new Error(`no ${name} ${metric} signal`);
  return found;
};

describe('detectDrift', () => {
  it('scores every signal by PSI and JS and reports them with their thresholds', () => {
    const signals = detectDrift(BASELINE, liveWindow(1, 5000));
    expect(signals.map((s) => `${s.name}/${s.metric}`)).toEqual([
      'predicted-chapter/psi',
      'predicted-chapter/js-bits',
      'top1-confidence/psi',
      'top1-confidence/js-bits',
      'unknown-word-rate/psi',
      'unknown-word-rate/js-bits',
    ]);
    expect(signal(signals, 'predicted-chapter', 'psi')).toMatchObject({
      threshold: { warn: 0.1, alarm: 0.25 },
      n: 5000,
    });
    expect(signal(signals, 'predicted-chapter', 'js-bits').threshold).toEqual({ warn: 0.018, alarm: 0.045 });
    expect(signal(signals, 'unknown-word-rate', 'psi')).toMatchObject({
      threshold: { warn: 0.01, alarm: 0.03 },
      n: 40000,
    });
  });

  it('stays ok on windows drawn from the baseline itself', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const signals = detectDrift(BASELINE, liveWindow(seed, 5000));
      expect(worstDriftStatus(signals)).toBe('ok');
      for (const s of signals) expect(s.value).toBeLessThan(s.threshold.warn);
    }
  });

  it('raises the chapter signal when traffic moves to a chapter the model rarely predicted', () => {
    const signals = detectDrift(BASELINE, liveWindow(2, 5000, { chapterShift: 0.05 }));
    expect(signal(signals, 'predicted-chapter', 'psi').status).toBe('warn');
    expect(signal(signals, 'predicted-chapter', 'js-bits').status).not.toBe('ok');
    expect(signal(signals, 'top1-confidence', 'psi').status).toBe('ok');
    const stronger = detectDrift(BASELINE, liveWindow(2, 5000, { chapterShift: 0.1 }));
    expect(signal(stronger, 'predicted-chapter', 'psi').status).toBe('alarm');
    expect(worstDriftStatus(stronger)).toBe('alarm');
  });

  it('bins live confidences with the baseline edges and flags a shift to low confidence', () => {
    const signals = detectDrift(BASELINE, liveWindow(3, 5000, { lowConfidence: 0.3 }));
    expect(signal(signals, 'top1-confidence', 'psi').status).toBe('alarm');
    expect(signal(signals, 'predicted-chapter', 'psi').status).toBe('ok');
  });

  it('flags the unknown-word rate when it rises several-fold', () => {
    const fourfold = detectDrift(BASELINE, liveWindow(4, 5000, { unknownRate: 0.02 }));
    expect(signal(fourfold, 'unknown-word-rate', 'psi').status).toBe('warn');
    expect(signal(fourfold, 'unknown-word-rate', 'js-bits').status).toBe('warn');
    const eightfold = detectDrift(BASELINE, liveWindow(4, 5000, { unknownRate: 0.04 }));
    expect(signal(eightfold, 'unknown-word-rate', 'psi').status).toBe('alarm');
    expect(signal(eightfold, 'unknown-word-rate', 'js-bits').status).toBe('alarm');
  });

  it('does not judge a window too small to tell drift from noise', () => {
    const signals = detectDrift(BASELINE, liveWindow(5, 200));
    const chapter = signal(signals, 'predicted-chapter', 'psi');
    // 95 degrees of freedom over 200 predictions: noise alone is around PSI 0.5.
    expect(chapter.expectedNoise).toBeGreaterThan(chapter.threshold.warn);
    expect(chapter.value).toBeGreaterThan(chapter.threshold.warn);
    expect(chapter.status).toBe('ok');
    // The same shift on a window large enough to judge.
    expect(
      signal(detectDrift(BASELINE, liveWindow(5, 5000)), 'predicted-chapter', 'psi').expectedNoise,
    ).toBeLessThan(0.05);
  });

  it('judges a noisy window when its value is beyond what chance produces', () => {
    // A model scored on few held-out rows: the baseline alone is too noisy for the rate's warn level.
    const small = { ...BASELINE, n: 150 };
    const calm = signal(detectDrift(small, liveWindow(6, 5000)), 'unknown-word-rate', 'psi');
    expect(calm.expectedNoise).toBeGreaterThan(0.5 * calm.threshold.warn);
    expect(calm.status).toBe('ok');
    const flooded = signal(
      detectDrift(small, liveWindow(6, 5000, { unknownRate: 0.1 })),
      'unknown-word-rate',
      'psi',
    );
    expect(flooded.expectedNoise).toBe(calm.expectedNoise);
    expect(flooded.status).toBe('alarm');
  });

  it('stays ok on small, noisy windows drawn from the baseline itself', () => {
    // At 50 predictions (400 words, 2 unknown ones expected) a rule of "noise under half the warn
    // level" judged the unknown-word rate and warned on one window in seven.
    for (const size of [50, 200]) {
      for (let seed = 100; seed < 400; seed++) {
        expect(worstDriftStatus(detectDrift(BASELINE, liveWindow(seed, size)))).toBe('ok');
      }
    }
  });

  it('judges a distribution with a single bin, where chance has nothing to vary', () => {
    const oneChapter = { ...BASELINE, chapterDistribution: { '61': 1 } };
    const chapter = signal(
      detectDrift(oneChapter, { chapterCounts: { '61': 20 }, topConfidences: [], words: 0, unknownWords: 0 }),
      'predicted-chapter',
      'psi',
    );
    expect(chapter).toMatchObject({ value: 0, expectedNoise: 0, judged: true, status: 'ok' });
  });

  it('keeps PSI finite for chapters only one side has seen', () => {
    const live = { chapterCounts: { '99': 100, '01': 900 }, topConfidences: [], words: 0, unknownWords: 0 };
    const baseline = { ...BASELINE, chapterDistribution: { '01': 0.5, '02': 0.5 } };
    const chapter = signal(detectDrift(baseline, live), 'predicted-chapter', 'psi');
    expect(Number.isFinite(chapter.value)).toBe(true);
    expect(chapter.status).toBe('alarm');
  });

  it('reports an empty live window as unknown, not as drift', () => {
    const signals = detectDrift(BASELINE, {
      chapterCounts: {},
      topConfidences: [],
      words: 0,
      unknownWords: 0,
    });
    for (const s of signals) {
      expect(s.value).toBeNaN();
      expect(s.status).toBe('ok');
      expect(s.n).toBe(0);
    }
  });

  it('yields nothing for a baseline scored on no rows', () => {
    const empty: DriftBaseline = {
      n: 0,
      chapterDistribution: {},
      confidenceHistogram: [],
      unknownWordRate: 0,
    };
    expect(detectDrift(empty, liveWindow(6, 100))).toEqual([]);
  });

  it('takes configured thresholds, globally and per signal', () => {
    const live = liveWindow(2, 5000, { chapterShift: 0.05 });
    expect(signal(detectDrift(BASELINE, live), 'predicted-chapter', 'psi').status).toBe('warn');
    const relaxed = detectDrift(BASELINE, live, { psi: { warn: 0.5, alarm: 0.9 } });
    expect(signal(relaxed, 'predicted-chapter', 'psi')).toMatchObject({
      status: 'ok',
      threshold: { warn: 0.5 },
    });
    const strict = detectDrift(BASELINE, live, {
      signals: { 'predicted-chapter': { psi: { warn: 0.1, alarm: 0.12 } } },
    });
    expect(signal(strict, 'predicted-chapter', 'psi').status).toBe('alarm');
    expect(signal(strict, 'top1-confidence', 'psi').threshold).toEqual({ warn: 0.1, alarm: 0.25 });
    expect(() => detectDrift(BASELINE, live, { jsBits: { warn: 0.2, alarm: 0.1 } })).toThrow(/jsBits/);
  });

  it('refuses an impossible live window', () => {
    expect(() =>
      detectDrift(BASELINE, { chapterCounts: {}, topConfidences: [], words: 5, unknownWords: 6 }),
    ).toThrow(/unknownWords/);
    expect(() =>
      detectDrift(BASELINE, { chapterCounts: { '01': -1 }, topConfidences: [], words: 0, unknownWords: 0 }),
    ).toThrow(/chapter 01/);
  });

  it('refuses a chance of a false warning that is not a probability', () => {
    const live = liveWindow(7, 100);
    for (const chanceOfFalseWarn of [0, 1, -0.1, Number.NaN]) {
      expect(() => detectDrift(BASELINE, live, { chanceOfFalseWarn })).toThrow(/chanceOfFalseWarn/);
    }
  });

  it('judges sooner when it may warn falsely more often', () => {
    const live = liveWindow(8, 1500);
    const chapter = (chanceOfFalseWarn: number) =>
      signal(detectDrift(BASELINE, live, { chanceOfFalseWarn }), 'predicted-chapter', 'psi').judged;
    expect(chapter(0.01)).toBe(false);
    expect(chapter(0.2)).toBe(true);
  });
});

describe('confidenceBin', () => {
  it('uses equal-width bins over [0, 1] with 1 in the last bin, as training does', () => {
    expect(confidenceBin(0, 15)).toBe(0);
    expect(confidenceBin(1 / 15 - 1e-12, 15)).toBe(0);
    expect(confidenceBin(1 / 15 + 1e-12, 15)).toBe(1);
    expect(confidenceBin(0.5, 15)).toBe(7);
    expect(confidenceBin(1, 15)).toBe(14);
    expect(confidenceBin(1.2, 15)).toBe(14);
    expect(confidenceBin(-0.1, 15)).toBe(0);
  });
});

describe('worstDriftStatus', () => {
  it('is ok for no signals and the most severe otherwise', () => {
    expect(worstDriftStatus([])).toBe('ok');
    const signals = detectDrift(BASELINE, liveWindow(3, 5000, { lowConfidence: 0.3 }));
    expect(worstDriftStatus(signals)).toBe('alarm');
  });
});
