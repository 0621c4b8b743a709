import { checkGuardrails, type ArmOperations } from './guardrails';

const arm = (requests: number, errors: number, latencyP99Ms: number): ArmOperations => ({
  requests,
  errors,
  latencyP99Ms,
});

describe('checkGuardrails', () => {
  it('passes a challenger within both limits and reports the margins', () => {
    const result = checkGuardrails({ champion: arm(5000, 50, 80), challenger: arm(1000, 15, 110) });
    expect(result).toMatchObject({ decision: 'continue', status: 'pass', breaches: [] });
    expect(result.stats.p99Ratio).toBeCloseTo(110 / 80, 12);
    expect(result.stats.errorRateIncrease).toBeCloseTo(0.015 - 0.01, 12);
    expect(result.reason).toMatch(/Guardrails hold: p99 1\.38× the champion's/);
  });

  it('rolls back a challenger whose p99 is more than 1.5× the champion', () => {
    const result = checkGuardrails({ champion: arm(5000, 50, 80), challenger: arm(1000, 10, 121) });
    expect(result).toMatchObject({ decision: 'rollback', status: 'breach', breaches: ['latency-p99'] });
    expect(result.reason).toMatch(/p99 latency is 1\.51× the champion's \(121\.0 ms vs 80\.0 ms/);
    // Exactly at the limit is allowed.
    expect(checkGuardrails({ champion: arm(5000, 50, 80), challenger: arm(1000, 10, 120) }).status).toBe(
      'pass',
    );
  });

  it('rolls back a challenger whose error rate rises by more than one point', () => {
    const result = checkGuardrails({ champion: arm(5000, 100, 80), challenger: arm(1000, 31, 80) });
    expect(result).toMatchObject({ decision: 'rollback', breaches: ['error-rate'] });
    expect(result.stats.errorRateIncrease).toBeCloseTo(0.011, 12);
    expect(result.reason).toMatch(/error rate is 3\.10% against the champion's 2\.00%/);
  });

  it('names both breaches when both limits are broken', () => {
    const result = checkGuardrails({ champion: arm(5000, 0, 50), challenger: arm(1000, 100, 500) });
    expect(result.breaches).toEqual(['latency-p99', 'error-rate']);
    expect(result.reason).toMatch(/p99 latency .* and its error rate/);
  });

  it('does not judge before both arms have the minimum number of requests', () => {
    const result = checkGuardrails({ champion: arm(5000, 0, 50), challenger: arm(499, 499, 5000) });
    expect(result).toMatchObject({ decision: 'continue', status: 'insufficient', breaches: [] });
    expect(result.reason).toMatch(/wait for 500 requests per arm/);
    expect(
      checkGuardrails({ champion: arm(5000, 0, 50), challenger: arm(499, 499, 5000) }, { minRequests: 100 })
        .decision,
    ).toBe('rollback');
  });

  it('compares against a p99 floor so sub-millisecond champions do not inflate the ratio', () => {
    const fast = { champion: arm(5000, 0, 0.2), challenger: arm(1000, 0, 0.9) };
    expect(checkGuardrails(fast).stats.p99Ratio).toBeCloseTo(0.9, 12);
    expect(checkGuardrails(fast).status).toBe('pass');
    expect(checkGuardrails(fast, { p99FloorMs: 0.1 }).status).toBe('breach');
  });

  it('honours configured limits', () => {
    const arms = { champion: arm(5000, 50, 100), challenger: arm(1000, 15, 130) };
    expect(checkGuardrails(arms, { maxP99Ratio: 1.2 }).breaches).toEqual(['latency-p99']);
    expect(checkGuardrails(arms, { maxErrorRateIncrease: 0.001 }).breaches).toEqual(['error-rate']);
  });

  it('refuses impossible numbers', () => {
    expect(() => checkGuardrails({ champion: arm(10, 11, 5), challenger: arm(10, 0, 5) })).toThrow(
      /champion/,
    );
    expect(() => checkGuardrails({ champion: arm(10, 1, 5), challenger: arm(10, 0, NaN) })).toThrow(
      /challenger/,
    );
    expect(() =>
      checkGuardrails({ champion: arm(10, 1, 5), challenger: arm(10, 0, 5) }, { maxP99Ratio: 0.5 }),
    ).toThrow(/maxP99Ratio/);
  });
});

test('an arm without requests has no error rate (null, which JSON keeps), not NaN', () => {
  const result = checkGuardrails({
    champion: { requests: 0, errors: 0, latencyP99Ms: 0 },
    challenger: { requests: 0, errors: 0, latencyP99Ms: 0 },
  });
  expect(result.stats).toMatchObject({
    errorRateChampion: null,
    errorRateChallenger: null,
    errorRateIncrease: null,
  });
  expect(JSON.parse(JSON.stringify(result.stats))).toEqual(result.stats);
});
