import { DEFAULT_SLA } from './config';
import { estimateCost, gcpDefaultVcpus, PRICES } from './cost';

const sla = { ...DEFAULT_SLA.api, memoryMb: 1024 };

test('AWS: GB-seconds at the architecture’s price plus the request charge', () => {
  // 1e6 × 0.1 s × 1 GB × 0.0000166667 = 1.66667, + 0.20
  expect(estimateCost('aws', sla, 100).usdPerMillionPredictions).toBe(1.87);
  // arm64: 1e6 × 0.1 × 0.0000133334 = 1.33334, + 0.20
  expect(estimateCost('aws', sla, 100, 'arm64').usdPerMillionPredictions).toBe(1.53);
});

test('GCP: memory and the default vCPU share are billed in 100 ms steps', () => {
  // 41 ms bills as 100 ms: 1e5 s × (1 GiB × 0.0000025 + 0.583 vCPU × 0.000024) = 1.64920, + 0.40
  expect(estimateCost('gcp', sla, 41).usdPerMillionPredictions).toBe(2.05);
  expect(gcpDefaultVcpus(2048)).toBe(1);
});

test('Azure: Flex on-demand GB-seconds plus executions', () => {
  // 1e6 × 0.05 s × 2 GB × 0.000026 = 2.6, + 0.40
  expect(estimateCost('azure', { ...sla, memoryMb: 2048 }, 50).usdPerMillionPredictions).toBe(3);
});

test('concurrent requests on one instance share its billed time', () => {
  const one = estimateCost('gcp', { ...sla, concurrency: 1 }, 200).usdPerMillionPredictions;
  const four = estimateCost('gcp', { ...sla, concurrency: 4 }, 200).usdPerMillionPredictions;
  expect(four).toBeLessThan(one);
});

test('the estimate states its assumptions and the price table’s date and source', () => {
  const estimate = estimateCost('aws', sla, 100);
  expect(estimate.assumptions).toContain(PRICES.asOf);
  expect(estimate.assumptions).toContain(PRICES.aws.source);
  expect(estimate.assumptions).toContain('100 ms');
  expect(() => estimateCost('aws', sla, 0)).toThrow(/positive duration/);
});
