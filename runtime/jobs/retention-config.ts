/**
 * How long audit records and feedback are kept: the retention job's settings, with their defaults
 * and environment overrides in this one place, so the command line shows them in `--help`, the
 * embedded server and the clouds' scheduled functions read the same, and the README quotes them.
 */
export interface RetentionLimit {
  /** Whole UTC days kept, today included (1 = today only). */
  days: number;
  /** Bytes kept at most, oldest days deleted first; null: no byte cap. */
  bytes: number | null;
}

export interface RetentionConfig {
  audit: RetentionLimit;
  feedback: RetentionLimit;
  /** The scheduled jobs apply retention at most this often. */
  everyMs: number;
}

/**
 * A month of audit records (the jobs read a week; the rest is for people looking back) and a year
 * of feedback (the evidence models are judged and retrained on). No byte caps by default: a cap
 * deletes by size what a day limit would keep, which should be a deliberate choice.
 */
export const DEFAULT_RETENTION: RetentionConfig = {
  audit: { days: 30, bytes: null },
  feedback: { days: 365, bytes: null },
  everyMs: 60 * 60 * 1000,
};

/** The environment variables that override the defaults. */
export const RETENTION_ENV = {
  auditDays: 'HSCODE_AUDIT_RETENTION_DAYS',
  auditBytes: 'HSCODE_AUDIT_RETENTION_BYTES',
  feedbackDays: 'HSCODE_FEEDBACK_RETENTION_DAYS',
  feedbackBytes: 'HSCODE_FEEDBACK_RETENTION_BYTES',
} as const;

const UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
};

/** Whole days, at least 1: today is never deleted. */
export function parseDays(value: string, what: string): number {
  const days = Number(value);
  if (!Number.isInteger(days) || days < 1)
    throw new RangeError(
      `${what} must be a whole number of days, at least 1 (today is always kept); got ${JSON.stringify(value)}`,
    );
  return days;
}

/** A size such as 5000000, 500MB or 20GiB; "none" for no cap. */
export function parseBytes(value: string, what: string): number | null {
  if (value.trim().toLowerCase() === 'none') return null;
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(value);
  const unit = match ? UNITS[(match[2] as string).toLowerCase()] : undefined;
  if (!match || unit === undefined)
    throw new RangeError(
      `${what} must be a size such as 500MB, 20GiB or 1000000 (bytes), or none; got ${JSON.stringify(value)}`,
    );
  return Math.floor(Number(match[1]) * unit);
}

/** The defaults with whatever the environment overrides. */
export function retentionFromEnv(env: Record<string, string | undefined>): RetentionConfig {
  const read = <T>(name: string, parse: (v: string, what: string) => T, fallback: T): T => {
    const value = env[name];
    return value === undefined || value === '' ? fallback : parse(value, name);
  };
  const { audit, feedback } = DEFAULT_RETENTION;
  return {
    audit: {
      days: read(RETENTION_ENV.auditDays, parseDays, audit.days),
      bytes: read(RETENTION_ENV.auditBytes, parseBytes, audit.bytes),
    },
    feedback: {
      days: read(RETENTION_ENV.feedbackDays, parseDays, feedback.days),
      bytes: read(RETENTION_ENV.feedbackBytes, parseBytes, feedback.bytes),
    },
    everyMs: DEFAULT_RETENTION.everyMs,
  };
}
