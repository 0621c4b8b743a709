import { keyStats } from './decisions';

describe('keyStats', () => {
  it("lifts a sequential test's numbers and interval, flat or under stats, and leaves blobs and text out", () => {
    const promoted = {
      reason: 'promote: the challenger is better',
      accChampion: 0.71,
      accChallenger: 0.78,
      ci95: [0.01, 0.13],
      champion: { variant: 'textcnn', version: 'a' },
      lineage: { parentVersion: null },
    };
    expect(keyStats(promoted)).toEqual({ accChampion: 0.71, accChallenger: 0.78, ci95: [0.01, 0.13] });
    expect(keyStats({ stats: { diff: 0.02, nChampion: 400 }, to: 0.5 })).toEqual({
      diff: 0.02,
      nChampion: 400,
      to: 0.5,
    });
  });

  it("names each drift signal's PSI, and the gate's and manifest's scores", () => {
    const alarm = {
      reason: 'drifted',
      window: 1200,
      indicators: [
        { name: 'predicted-chapter', psi: 0.31, jsBits: 0.05, status: 'alarm' },
        { name: 'unknown-word-rate', psi: null, status: 'too-little-data' },
      ],
    };
    expect(keyStats(alarm)).toEqual({ window: 1200, 'psi.predicted-chapter': 0.31 });
    const registered = {
      weight: 0.2,
      gate: { passed: true, candidate: 0.64, champion: 0.6, reasons: [] },
      metrics: { validation: { top1: { hs6: 0.64, hs4: 0.8 } } },
    };
    expect(keyStats(registered)).toEqual({
      weight: 0.2,
      'gate.candidate': 0.64,
      'gate.champion': 0.6,
      'validation.top1.hs6': 0.64,
    });
  });
});
