import { createRequire } from 'node:module';

export interface AutocannonOptions {
  url: string;
  method: 'POST';
  headers: Record<string, string>;
  body: string;
  connections: number;
  duration: number;
}

export interface Percentiles {
  average: number;
  p50: number;
  p99: number;
  max: number;
}

export interface AutocannonResult {
  requests: Percentiles & { total: number };
  latency: Percentiles;
  throughput: Percentiles;
  errors: number;
  timeouts: number;
  non2xx: number;
  '2xx': number;
}

// autocannon ships no type declarations; this is the slice of its API the benchmarks use.
export const autocannon = createRequire(__filename)('autocannon') as (
  options: AutocannonOptions,
) => Promise<AutocannonResult>;
