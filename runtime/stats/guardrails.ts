/**
 * Operational guardrails of a challenger against the champion over the same period: tail latency
 * and error rate. They are point comparisons after a minimum number of requests, not significance
 * tests: a false breach costs one rollback of an experiment, while a missed one costs users, so
 * they are meant to fire early. A breach forces the promotion decision to 'rollback'.
 */

export interface ArmOperations {
  /** Requests the arm answered or failed in the period. */
  requests: number;
  /** Of those, how many failed (5xx or model errors). */
  errors: number;
  /** 99th percentile latency over the period's requests, in milliseconds. */
  latencyP99Ms: number;
}

export interface GuardrailConfig {
  /** Challenger p99 may be at most this multiple of the champion's. */
  maxP99Ratio?: number;
  /** Challenger error rate may exceed the champion's by at most this much (absolute). */
  maxErrorRateIncrease?: number;
  /** Both arms need this many requests before the guardrails judge. */
  minRequests?: number;
  /**
   * The champion's p99 is taken as at least this, so a champion answering in microseconds does not
   * turn a harmless absolute difference into a large ratio.
   */
  p99FloorMs?: number;
}

export const GUARDRAIL_DEFAULTS: Required<GuardrailConfig> = {
  maxP99Ratio: 1.5,
  maxErrorRateIncrease: 0.01,
  minRequests: 500,
  p99FloorMs: 1,
};

export type GuardrailBreach = 'latency-p99' | 'error-rate';

export interface GuardrailStats {
  requestsChampion: number;
  requestsChallenger: number;
  p99ChampionMs: number;
  p99ChallengerMs: number;
  /** p99Challenger / max(p99Champion, p99FloorMs). */
  p99Ratio: number;
  maxP99Ratio: number;
  /** null for an arm without requests (JSON has no NaN). */
  errorRateChampion: number | null;
  errorRateChallenger: number | null;
  errorRateIncrease: number | null;
  maxErrorRateIncrease: number;
}

export interface GuardrailResult {
  decision: 'rollback' | 'continue';
  /** 'insufficient' until both arms reach minRequests. */
  status: 'pass' | 'breach' | 'insufficient';
  breaches: GuardrailBreach[];
  reason: string;
  stats: GuardrailStats;
}

function checkArm(name: string, arm: ArmOperations): void {
  const { requests, errors, latencyP99Ms } = arm;
  if (!(
    Number.isInteger(requests) &&
    requests >= 0 &&
    Number.isInteger(errors) &&
    errors >= 0 &&
    errors <= requests
  )) {
    throw new RangeError(`${name} needs whole numbers with 0 ≤ errors ≤ requests, got ${errors}/${requests}`);
  }
  if (!(latencyP99Ms >= 0 && Number.isFinite(latencyP99Ms))) {
    throw new RangeError(`${name} p99 latency must be a finite number of milliseconds, got ${latencyP99Ms}`);
  }
}

const percent = (p: number | null) => (p === null ? '—' : `${(100 * p).toFixed(2)}%`);
const ms = (value: number) => `${value.toFixed(1)} ms`;

export function checkGuardrails(
  arms: { champion: ArmOperations; challenger: ArmOperations },
  config: GuardrailConfig = {},
): GuardrailResult {
  const maxP99Ratio = config.maxP99Ratio ?? GUARDRAIL_DEFAULTS.maxP99Ratio;
  const maxErrorRateIncrease = config.maxErrorRateIncrease ?? GUARDRAIL_DEFAULTS.maxErrorRateIncrease;
  const minRequests = config.minRequests ?? GUARDRAIL_DEFAULTS.minRequests;
  const p99FloorMs = config.p99FloorMs ?? GUARDRAIL_DEFAULTS.p99FloorMs;
  if (!(maxP99Ratio >= 1)) throw new RangeError(`maxP99Ratio must be at least 1, got ${maxP99Ratio}`);
  if (!(maxErrorRateIncrease >= 0 && maxErrorRateIncrease < 1)) {
    throw new RangeError(`maxErrorRateIncrease must be in [0, 1), got ${maxErrorRateIncrease}`);
  }
  if (!(p99FloorMs > 0)) throw new RangeError(`p99FloorMs must be positive, got ${p99FloorMs}`);
  checkArm('champion', arms.champion);
  checkArm('challenger', arms.challenger);
  const { champion, challenger } = arms;

  const errorRateChampion = champion.requests ? champion.errors / champion.requests : null;
  const errorRateChallenger = challenger.requests ? challenger.errors / challenger.requests : null;
  const stats: GuardrailStats = {
    requestsChampion: champion.requests,
    requestsChallenger: challenger.requests,
    p99ChampionMs: champion.latencyP99Ms,
    p99ChallengerMs: challenger.latencyP99Ms,
    p99Ratio: challenger.latencyP99Ms / Math.max(champion.latencyP99Ms, p99FloorMs),
    maxP99Ratio,
    errorRateChampion,
    errorRateChallenger,
    errorRateIncrease:
      errorRateChallenger !== null && errorRateChampion !== null
        ? errorRateChallenger - errorRateChampion
        : null,
    maxErrorRateIncrease,
  };

  if (champion.requests < minRequests || challenger.requests < minRequests) {
    return {
      decision: 'continue',
      status: 'insufficient',
      breaches: [],
      reason:
        `Guardrails wait for ${minRequests.toLocaleString('en-US')} requests per arm ` +
        `(challenger has ${challenger.requests.toLocaleString('en-US')}, ` +
        `champion ${champion.requests.toLocaleString('en-US')}).`,
      stats,
    };
  }

  const breaches: GuardrailBreach[] = [];
  const findings: string[] = [];
  if (stats.p99Ratio > maxP99Ratio) {
    breaches.push('latency-p99');
    findings.push(
      `p99 latency is ${stats.p99Ratio.toFixed(2)}× the champion's (${ms(challenger.latencyP99Ms)} vs ` +
        `${ms(champion.latencyP99Ms)}; at most ${maxP99Ratio}× allowed)`,
    );
  }
  if (stats.errorRateIncrease !== null && stats.errorRateIncrease > maxErrorRateIncrease) {
    breaches.push('error-rate');
    findings.push(
      `error rate is ${percent(errorRateChallenger)} against the champion's ${percent(errorRateChampion)} ` +
        `(at most ${(100 * maxErrorRateIncrease).toFixed(2)} points more allowed)`,
    );
  }
  if (breaches.length) {
    return {
      decision: 'rollback',
      status: 'breach',
      breaches,
      reason: `Guardrail breached, rolling back: the challenger's ${findings.join(', and its ')}.`,
      stats,
    };
  }
  return {
    decision: 'continue',
    status: 'pass',
    breaches,
    reason:
      `Guardrails hold: p99 ${stats.p99Ratio.toFixed(2)}× the champion's (limit ${maxP99Ratio}×), ` +
      `error rate ${percent(errorRateChallenger)} vs ${percent(errorRateChampion)} ` +
      `(limit +${(100 * maxErrorRateIncrease).toFixed(2)} points).`,
    stats,
  };
}
