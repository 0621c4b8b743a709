import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { simulatePromotion, type ScenarioResult } from './promotion-simulation';

/**
 * The promotion rule under repeated looks. Every experiment looks after each batch of 50 feedback
 * events per arm (an hourly promote job at a few hundred labelled predictions a day per arm) up to
 * 10,000 per arm; the first decision ends it. Seeded, so the rates are the same on every run.
 */
const LOOKS = { batchPerArm: 50, horizonPerArm: 10000 };
const ALPHA = 0.05;

describe('promotion rule under repeated looks', () => {
  const results: ScenarioResult[] = [];

  afterAll(() => {
    const folder = join(__dirname, '..', '..', 'test-artifacts');
    mkdirSync(folder, { recursive: true });
    writeFileSync(
      join(folder, 'promotion-simulation.json'),
      `${JSON.stringify({ ...LOOKS, alpha: ALPHA, results }, null, 2)}\n`,
    );
    const rows = results.map(({ scenario, experiments, sequential, naive }) => ({
      scenario: scenario.name,
      experiments,
      'mSPRT promote': sequential.promoteRate,
      'mSPRT rollback': sequential.rollbackRate,
      'mSPRT mean n': Math.round(sequential.meanSamplesToDecision),
      'naive promote': naive.promoteRate,
      'naive rollback': naive.rollbackRate,
    }));
    console.log(
      `promotion simulation (looks every ${LOOKS.batchPerArm} per arm up to ${LOOKS.horizonPerArm})`,
    );
    console.table(rows);
  });

  it('rarely promotes a challenger that is no better (A/A at 80%), unlike the peeked z-test', () => {
    const result = simulatePromotion(
      { name: 'A/A 80% vs 80%', accChampion: 0.8, accChallenger: 0.8 },
      { experiments: 2000, seed: 20240601, ...LOOKS },
    );
    results.push(result);
    expect(result.sequential.promoteRate).toBeLessThanOrEqual(ALPHA);
    // Both directions together are what α bounds.
    expect(result.sequential.promoteRate + result.sequential.rollbackRate).toBeLessThanOrEqual(ALPHA);
    expect(result.naive.promoteRate).toBeGreaterThan(result.sequential.promoteRate);
    expect(result.naive.promoteRate).toBeGreaterThan(2 * ALPHA);
  });

  it('promotes a challenger 3 points better (80% → 83%) with at least 80% power', () => {
    const result = simulatePromotion(
      { name: 'better 80% vs 83%', accChampion: 0.8, accChallenger: 0.83 },
      { experiments: 1000, seed: 20240602, ...LOOKS },
    );
    results.push(result);
    expect(result.sequential.promoteRate).toBeGreaterThanOrEqual(0.8);
    expect(result.sequential.rollbackRate).toBeLessThanOrEqual(ALPHA);
  });

  it('rolls back a challenger 3 points worse (80% → 77%) at least 80% of the time', () => {
    const result = simulatePromotion(
      { name: 'worse 80% vs 77%', accChampion: 0.8, accChallenger: 0.77 },
      { experiments: 1000, seed: 20240603, ...LOOKS },
    );
    results.push(result);
    expect(result.sequential.rollbackRate).toBeGreaterThanOrEqual(0.8);
    expect(result.sequential.promoteRate).toBeLessThanOrEqual(ALPHA);
  });
});
