import { Gauge, Histogram, type Registry } from 'prom-client';
import type { CoalescedBatch, CoalescingOptions } from '../core/coalescer';
import { coalescingBounds } from '../core/coalescer';

// Powers of two up to the largest batch a request may carry.
const SIZE_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256];
// From 10 µs (an idle server's one event-loop turn) to a stalled loop.
const WAIT_BUCKETS = [0.00001, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05];

/**
 * The predict service's request coalescing on a metrics registry: the configured bounds as
 * gauges, and per model call how many requests and descriptions it carried and how long its
 * oldest request waited. Returns the observer to give the service (`coalescing.observe`).
 */
export function coalescingMetrics(
  registry: Registry,
  options: CoalescingOptions = {},
): (batch: CoalescedBatch) => void {
  const bounds = coalescingBounds(options);
  const registers = [registry];
  new Gauge({
    name: 'hscode_predict_coalesce_max_wait_seconds',
    help: 'The longest a description waits for others to share its model call (configured).',
    registers,
  }).set(bounds.maxWaitMs / 1000);
  new Gauge({
    name: 'hscode_predict_coalesce_max_batch_descriptions',
    help: 'The most descriptions one coalesced model call carries (configured).',
    registers,
  }).set(bounds.maxBatch);
  const descriptions = new Histogram({
    name: 'hscode_predict_coalesced_batch_descriptions',
    help: 'Descriptions per coalesced model call.',
    buckets: SIZE_BUCKETS,
    registers,
  });
  const requests = new Histogram({
    name: 'hscode_predict_coalesced_batch_requests',
    help: 'Requests per coalesced model call.',
    buckets: SIZE_BUCKETS,
    registers,
  });
  const wait = new Histogram({
    name: 'hscode_predict_coalesce_wait_seconds',
    help: 'How long the oldest request of a coalesced model call waited for it to start.',
    buckets: WAIT_BUCKETS,
    registers,
  });
  return (batch) => {
    descriptions.observe(batch.descriptions);
    requests.observe(batch.requests);
    wait.observe(batch.waitedMs / 1000);
  };
}
