import { runDriftCheck } from '../../runtime/jobs/drift-check';
import { LocalAuditTrail } from '../../runtime/jobs/local-audit-trail';
import { runPromoteJob } from '../../runtime/jobs/promote';
import { buildDashboard } from '../../runtime/monitoring/dashboard-data';
import { Registry } from '../../runtime/registry/registry';
import { LocalObjectStore } from '../../runtime/store/local-store';

/**
 * The readers of the audit trail as the server runs them, measured: kept apart from the
 * deployment's preparation so that a process measuring them loads no training code.
 */

/** The dashboard, the promote job and the drift check over one shared trail, as the server runs them. */
export async function runAuditReaders(
  home: string,
  store: LocalObjectStore,
  now: Date,
  step: (name: string) => void,
) {
  const audit = new LocalAuditTrail(home);
  const log = () => undefined;
  const dashboard = await buildDashboard({ store, registry: new Registry(store), audit, now: () => now });
  step('dashboard');
  const registry = new Registry(store, { actor: 'scheduled-jobs', now: () => now });
  const evaluations = await runPromoteJob({ store, registry, audit, log });
  step('promote');
  const drift = await runDriftCheck({ store, registry, audit, log, now: () => now.getTime() });
  step('drift');
  return { trail: audit, dashboard, evaluations, drift };
}

export interface ReaderMeasurement {
  name: string;
  ms: number;
}

export interface AuditMemoryReport {
  steps: ReaderMeasurement[];
  /** What stays reachable after the readers ran (after a collection), above what was before. */
  retainedBytes: number;
  /** Highest heap in use (garbage included) and resident set seen while they ran, above before. */
  peakHeapBytes: number;
  peakRssBytes: number;
  servedByChampion: number;
  decisions: string[];
  driftStatus: string;
}

/**
 * Runs the readers and measures them; needs --expose-gc, so that what is compared is what
 * survives a collection. Heap and RSS are sampled every 20 ms while they run.
 */
export async function measureAuditReaders(home: string, now: Date): Promise<AuditMemoryReport> {
  const collect = (globalThis as unknown as { gc?: () => void }).gc;
  if (!collect) throw new Error('run with node --expose-gc');
  const store = new LocalObjectStore(home);
  const reachable = () => {
    collect();
    const usage = process.memoryUsage();
    return usage.heapUsed + usage.arrayBuffers;
  };
  const before = reachable();
  const rssBefore = process.memoryUsage().rss;
  let peakHeap = 0;
  let peakRss = 0;
  const sample = setInterval(() => {
    const usage = process.memoryUsage();
    peakHeap = Math.max(peakHeap, usage.heapUsed + usage.arrayBuffers - before);
    peakRss = Math.max(peakRss, usage.rss - rssBefore);
  }, 20);
  const steps: ReaderMeasurement[] = [];
  let started = performance.now();
  const result = await runAuditReaders(home, store, now, (name) => {
    steps.push({ name, ms: performance.now() - started });
    started = performance.now();
  });
  clearInterval(sample);
  // Measured while the trail (its running aggregates) is still held, as the server holds it.
  const retainedBytes = reachable() - before;
  if (!result.trail) throw new Error('the trail is gone');
  const champion = result.dashboard.models.find((m) => m.role === 'champion');
  return {
    steps,
    retainedBytes,
    peakHeapBytes: peakHeap,
    peakRssBytes: peakRss,
    servedByChampion: champion?.served ?? 0,
    decisions: result.evaluations.map((e) => e.action),
    driftStatus: result.drift.drift.status,
  };
}
