import { checkGuardrails } from './guardrails';
import { decideRamp, type RampInput } from './ramp';
import { sequentialTest } from './sequential-test';

const test = (champion: [number, number], challenger: [number, number]) =>
  sequentialTest({
    champion: { successes: champion[0], n: champion[1] },
    challenger: { successes: challenger[0], n: challenger[1] },
  });
const passing = checkGuardrails({
  champion: { requests: 9000, errors: 9, latencyP99Ms: 80 },
  challenger: { requests: 1000, errors: 1, latencyP99Ms: 85 },
});
const breached = checkGuardrails({
  champion: { requests: 9000, errors: 9, latencyP99Ms: 80 },
  challenger: { requests: 1000, errors: 1, latencyP99Ms: 200 },
});
const unjudged = checkGuardrails({
  champion: { requests: 9000, errors: 9, latencyP99Ms: 80 },
  challenger: { requests: 100, errors: 0, latencyP99Ms: 85 },
});

const better = test([800, 1000], [880, 1000]);
const worse = test([880, 1000], [800, 1000]);
const slightlyAhead = test([400, 500], [410, 500]);
const slightlyBehind = test([410, 500], [400, 500]);

const input = (overrides: Partial<RampInput>): RampInput => ({
  weight: 0.1,
  samplesAtWeight: 300,
  test: slightlyAhead,
  guardrails: passing,
  ...overrides,
});

describe('decideRamp', () => {
  it('climbs to the next step on a favourable trend with enough feedback at the current step', () => {
    expect(slightlyAhead.decision).toBe('continue');
    const decision = decideRamp(input({}));
    expect(decision).toMatchObject({ action: 'ramp', weight: 0.25 });
    expect(decision.reason).toMatch(/Favourable trend .* raising the challenger from 10% to 25% of traffic/);
    expect(decision.stats).toMatchObject({ weight: 0.1, samplesAtWeight: 300, test: slightlyAhead.stats });
    expect(decideRamp(input({ weight: 0.25 }))).toMatchObject({ action: 'ramp', weight: 0.5 });
  });

  it('holds a favourable trend until the step has minSamplesPerStep feedback events', () => {
    const decision = decideRamp(input({ samplesAtWeight: 150 }));
    expect(decision).toMatchObject({ action: 'hold', weight: 0.1 });
    expect(decision.reason).toMatch(/150 feedback events at this step, 200 needed/);
  });

  it('climbs without a favourable trend only after cleanSamplesPerStep clean events', () => {
    expect(decideRamp(input({ test: slightlyBehind, samplesAtWeight: 999 })).action).toBe('hold');
    const decision = decideRamp(input({ test: slightlyBehind, samplesAtWeight: 1000 }));
    expect(decision).toMatchObject({ action: 'ramp', weight: 0.25 });
    expect(decision.reason).toMatch(/without a guardrail breach or a significant loss/);
  });

  it('holds at the last step until the test decides', () => {
    const decision = decideRamp(input({ weight: 0.5, samplesAtWeight: 5000 }));
    expect(decision).toMatchObject({ action: 'hold', weight: 0.5 });
    expect(decision.reason).toMatch(/At the last step \(50%\)/);
  });

  it('promotes directly on significance, from any step', () => {
    const decision = decideRamp(input({ test: better, samplesAtWeight: 10 }));
    expect(decision.action).toBe('promote');
    expect(decision.weight).toBeUndefined();
    expect(decision.reason).toBe(better.reason);
  });

  it('with promoteFromLastStepOnly, climbs every step first and promotes from the last', () => {
    const config = { promoteFromLastStepOnly: true };
    expect(decideRamp(input({ test: better }), config)).toMatchObject({ action: 'ramp', weight: 0.25 });
    expect(decideRamp(input({ test: better, samplesAtWeight: 10 }), config)).toMatchObject({
      action: 'hold',
    });
    expect(decideRamp(input({ test: better, weight: 0.5 }), config).action).toBe('promote');
  });

  it('rolls back on a guardrail breach even when the challenger is significantly better', () => {
    const decision = decideRamp(input({ test: better, guardrails: breached }));
    expect(decision).toMatchObject({ action: 'rollback', weight: 0 });
    expect(decision.reason).toBe(breached.reason);
  });

  it('rolls back a significantly worse challenger', () => {
    expect(decideRamp(input({ test: worse }))).toMatchObject({
      action: 'rollback',
      weight: 0,
      reason: worse.reason,
    });
  });

  it('does not climb before the guardrails have enough requests to judge', () => {
    const decision = decideRamp(input({ guardrails: unjudged, samplesAtWeight: 5000 }));
    expect(decision).toMatchObject({ action: 'hold', weight: 0.1 });
    expect(decision.reason).toMatch(/until the guardrails can judge/);
  });

  it('rolls back an experiment still undecided at the horizon', () => {
    const undecided = test([8000, 10000], [8010, 10000]);
    expect(decideRamp(input({ test: undecided }), { horizonPerArm: 10000 })).toMatchObject({
      action: 'rollback',
      weight: 0,
    });
    expect(decideRamp(input({ test: undecided }), { horizonPerArm: 20000 }).action).toBe('ramp');
  });

  it('never restarts a challenger that receives no traffic', () => {
    expect(decideRamp(input({ weight: 0, samplesAtWeight: 5000 }))).toMatchObject({
      action: 'hold',
      weight: 0,
    });
  });

  it('climbs from an off-step weight to the next configured step', () => {
    expect(decideRamp(input({ weight: 0.05 }), { steps: [0.1, 0.3, 0.6] })).toMatchObject({
      action: 'ramp',
      weight: 0.1,
    });
  });

  it('refuses steps that do not increase within (0, 1)', () => {
    expect(() => decideRamp(input({}), { steps: [0.5, 0.25] })).toThrow(/steps/);
    expect(() => decideRamp(input({}), { steps: [0.1, 1] })).toThrow(/steps/);
    expect(() => decideRamp(input({}), { steps: [] })).toThrow(/steps/);
    expect(() => decideRamp(input({ weight: 1.5 }))).toThrow(/weight/);
  });
});
