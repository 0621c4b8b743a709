import { Registry } from 'prom-client';
import { coalescingMetrics } from './coalescing-metrics';

describe('coalescingMetrics', () => {
  it('exposes the configured bounds and each coalesced call', async () => {
    const registry = new Registry();
    const observe = coalescingMetrics(registry, { maxWaitMs: 2, maxBatch: 64 });
    observe({ requests: 3, descriptions: 5, waitedMs: 0.3 });
    observe({ requests: 1, descriptions: 1, waitedMs: 0.01 });
    const text = await registry.metrics();
    expect(text).toContain('hscode_predict_coalesce_max_wait_seconds 0.002');
    expect(text).toContain('hscode_predict_coalesce_max_batch_descriptions 64');
    expect(text).toContain('hscode_predict_coalesced_batch_descriptions_sum 6');
    expect(text).toContain('hscode_predict_coalesced_batch_descriptions_bucket{le="4"} 1');
    expect(text).toContain('hscode_predict_coalesced_batch_requests_count 2');
    expect(text).toContain('hscode_predict_coalesce_wait_seconds_bucket{le="0.00025"} 1');
    expect(text).toContain('hscode_predict_coalesce_wait_seconds_bucket{le="0.0005"} 2');
  });

  it('refuses a bound the service would refuse', () => {
    expect(() => coalescingMetrics(new Registry(), { maxWaitMs: -1 })).toThrow(/0 to 1000 ms/);
  });
});
