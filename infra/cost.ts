import type { Arch, Cloud, FunctionSla } from './config';

/**
 * Published on-demand unit prices of each cloud's functions, in USD, in one table. Free tiers,
 * warm-instance (provisioned, min-instance, always-ready) charges, storage, egress and logging are
 * left out: this is the marginal cost of serving, for comparing SLA settings and clouds.
 */
export const PRICES = {
  asOf: '2025-06',
  aws: {
    source: 'https://aws.amazon.com/lambda/pricing/ (us-east-1, first pricing tier)',
    perGbSecond: { x64: 0.0000166667, arm64: 0.0000133334 },
    perMillionRequests: 0.2,
    /** Lambda bills duration in 1 ms steps. */
    billingStepMs: 1,
  },
  gcp: {
    source: 'https://cloud.google.com/run/pricing (Cloud Run functions, request-based billing, tier 1)',
    perVcpuSecond: 0.000024,
    perGibSecond: 0.0000025,
    perMillionRequests: 0.4,
    /** Billed in 100 ms steps. */
    billingStepMs: 100,
  },
  azure: {
    source: 'https://azure.microsoft.com/pricing/details/functions/ (Flex Consumption, on demand)',
    perGbSecond: 0.000026,
    perMillionRequests: 0.4,
    /** Flex bills at least 1,000 ms of an instance's memory per execution window; per-call rounding is 1 ms. */
    billingStepMs: 1,
  },
} as const;

/**
 * vCPUs a Cloud Run function gets for its memory when none is set (Google's default mapping):
 * what the GCP estimate charges CPU for.
 */
export function gcpDefaultVcpus(memoryMb: number): number {
  if (memoryMb <= 128) return 0.083;
  if (memoryMb <= 256) return 0.167;
  if (memoryMb <= 512) return 0.333;
  if (memoryMb <= 1024) return 0.583;
  if (memoryMb <= 2048) return 1;
  if (memoryMb <= 8192) return 2;
  return 4;
}

export interface CostEstimate {
  cloud: Cloud;
  usdPerMillionPredictions: number;
  assumptions: string;
}

const roundUp = (ms: number, step: number) => Math.ceil(ms / step) * step;
const cents = (usd: number) => Math.round(usd * 100) / 100;

/**
 * The cost of a million single-description predictions through the API function: billed
 * duration × memory (and CPU where it is billed apart) × unit price, plus the request charge.
 */
export function estimateCost(
  cloud: Cloud,
  sla: FunctionSla,
  requestMs: number,
  arch: Arch = 'x64',
): CostEstimate {
  if (!(requestMs > 0)) throw new Error(`cost.requestMs must be a positive duration, got ${requestMs}`);
  const calls = 1_000_000;
  const gb = sla.memoryMb / 1024;
  // Concurrent requests on one instance share its billed time.
  const perCall = (step: number) => roundUp(requestMs, step) / 1000 / sla.concurrency;
  let usd: number;
  switch (cloud) {
    case 'aws': {
      const p = PRICES.aws;
      usd = calls * perCall(p.billingStepMs) * gb * p.perGbSecond[arch] + p.perMillionRequests;
      break;
    }
    case 'gcp': {
      const p = PRICES.gcp;
      const seconds = calls * perCall(p.billingStepMs);
      usd =
        seconds * (gb * p.perGibSecond + gcpDefaultVcpus(sla.memoryMb) * p.perVcpuSecond) +
        p.perMillionRequests;
      break;
    }
    case 'azure': {
      const p = PRICES.azure;
      usd = calls * perCall(p.billingStepMs) * gb * p.perGbSecond + p.perMillionRequests;
      break;
    }
  }
  return {
    cloud,
    usdPerMillionPredictions: cents(usd),
    assumptions: `${requestMs} ms per prediction request, ${sla.memoryMb} MB, ${sla.concurrency} request(s) per instance, on-demand prices of ${PRICES.asOf} (${PRICES[cloud].source}); free tiers and warm instances excluded`,
  };
}
