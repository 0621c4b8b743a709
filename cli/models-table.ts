import Table from 'cli-table3';
import { keyStats } from '../runtime/monitoring/decisions';
import { ARTIFACT_FILES } from '../models/artifact';
import { assertValidManifest, type ModelManifest } from '../models/manifest';
import { storeKeys } from '../models/store-layout';
import { modelRefKey, type ModelRef } from '../models/model-ref';
import type { HistoryEntry } from '../runtime/registry/history';
import type { RegistryState } from '../runtime/registry/registry-state';
import type { ObjectStore } from '../runtime/store/object-store';
import { errorMessage } from '../runtime/core/errors';

export interface ModelRow {
  role: 'champion' | 'challenger' | 'shadow' | 'fallback';
  variant: string;
  version: string;
  /** Share of live traffic; null for models that answer none (shadows, the fallback). */
  weight: number | null;
  createdAt: string | null;
  validationTop1Hs6: number | null;
  developmentTop1Hs2: number | null;
  /** Why the manifest could not be read, when it could not. */
  problem?: string;
}

/** The manifest alone (not the ONNX): listing must stay fast and must not fail for one bad artifact. */
async function readManifest(store: ObjectStore, ref: ModelRef): Promise<ModelManifest | string> {
  const key = storeKeys.modelFile(ref.variant, ref.version, ARTIFACT_FILES.manifest);
  const object = await store.get(key);
  if (!object) return `${key} is missing`;
  try {
    const manifest: unknown = JSON.parse(Buffer.from(object.body).toString('utf8'));
    assertValidManifest(manifest);
    return manifest;
  } catch (err) {
    return errorMessage(err);
  }
}

export async function modelRows(store: ObjectStore, state: RegistryState): Promise<ModelRow[]> {
  const challengerShare = state.challengers.reduce((sum, c) => sum + c.weight, 0);
  const placed: Array<{ role: ModelRow['role']; ref: ModelRef; weight: number | null }> = [
    { role: 'champion', ref: state.champion, weight: Math.max(0, 1 - challengerShare) },
    ...state.challengers.map((ref) => ({ role: 'challenger' as const, ref, weight: ref.weight })),
    ...state.shadows.map((ref) => ({ role: 'shadow' as const, ref, weight: null })),
    ...(state.fallback ? [{ role: 'fallback' as const, ref: state.fallback, weight: null }] : []),
  ];
  return Promise.all(
    placed.map(async ({ role, ref, weight }): Promise<ModelRow> => {
      const manifest = await readManifest(store, ref);
      const base = { role, variant: ref.variant, version: ref.version, weight };
      if (typeof manifest === 'string') {
        return {
          ...base,
          createdAt: null,
          validationTop1Hs6: null,
          developmentTop1Hs2: null,
          problem: manifest,
        };
      }
      return {
        ...base,
        createdAt: manifest.createdAt,
        validationTop1Hs6: manifest.metrics.validation.top1.hs6,
        developmentTop1Hs2: manifest.metrics.development?.top1.hs2 ?? null,
      };
    }),
  );
}

const percent = (x: number | null) => (x === null ? '—' : `${(100 * x).toFixed(1)}%`);
const shortTime = (iso: string) => iso.replace('T', ' ').slice(0, 16);

export function formatModelTable(rows: ModelRow[]): string {
  const table = new Table({
    head: ['role', 'variant', 'version', 'weight', 'created', 'val top-1 hs6', 'dev top-1 hs2'],
  });
  for (const row of rows) {
    table.push([
      row.role,
      row.variant,
      row.version,
      percent(row.weight),
      row.createdAt ? shortTime(row.createdAt) : '—',
      row.problem ? { colSpan: 2, content: 'manifest unreadable' } : percent(row.validationTop1Hs6),
      ...(row.problem ? [] : [percent(row.developmentTop1Hs2)]),
    ]);
  }
  return table.toString();
}

/** Bookkeeping that says nothing to a reader of the table; `--json` has it. */
const NOT_SUMMARISED = new Set(['onnxSha256', 'createdAt', 'metrics', 'lineage']);

const scalar = (value: unknown) =>
  typeof value === 'number' ? String(Number(value.toPrecision(4))) : String(value);

/** The facts behind a decision that fit on a line; `--json` has them all. */
export function summariseDetails(entry: HistoryEntry): string {
  const d = entry.details;
  const used = new Set<string>();
  const take = (key: string) => {
    used.add(key);
    return d[key];
  };
  const parts: string[] = [];
  const reason = take('reason');
  if (typeof reason === 'string') parts.push(reason);
  const reasons = take('reasons');
  if (Array.isArray(reasons)) parts.push(reasons.map(String).join('; '));
  if (entry.type === 'registered') {
    const metrics = d.metrics as ModelManifest['metrics'] | undefined;
    const lineage = d.lineage as { parentVersion?: string | null } | undefined;
    if (metrics?.validation) parts.push(`val top-1 hs6 ${percent(metrics.validation.top1.hs6)}`);
    if (lineage) parts.push(`parent ${lineage.parentVersion ?? 'none'}`);
    const role = take('role');
    if (typeof role === 'string') parts.push(`as ${role}`);
  }
  const weight = take('weight');
  if (typeof weight === 'number' && entry.type !== 'rejected') parts.push(`weight ${percent(weight)}`);
  const from = take('from');
  const to = take('to');
  if (typeof from === 'number' && typeof to === 'number') parts.push(`${percent(from)} → ${percent(to)}`);
  const previous = take('previousChampion') as ModelRef | undefined;
  if (previous?.version) parts.push(`replaced ${previous.version}`);
  const restored = take('restored') as ModelRef | undefined;
  if (restored?.version) parts.push(`restored ${restored.version}`);
  if (typeof take('artifactError') === 'string') parts.push('artifact did not load');
  for (const [key, value] of Object.entries(d)) {
    if (used.has(key) || NOT_SUMMARISED.has(key) || typeof value === 'object') continue;
    parts.push(`${key} ${scalar(value)}`);
  }
  // The evidence nested in the decision: the test's statistics, the gate's and guardrails' scores,
  // a drift alarm's PSI per signal, named as the dashboard names them.
  const evidence = keyStats({
    stats: d.stats,
    gate: d.gate,
    guardrails: d.guardrails,
    indicators: d.indicators,
  });
  for (const [key, value] of Object.entries(evidence)) {
    parts.push(Array.isArray(value) ? `${key} [${value.map(scalar).join(', ')}]` : `${key} ${scalar(value)}`);
  }
  return parts.join(' · ');
}

export function formatHistoryTable(entries: HistoryEntry[]): string {
  const table = new Table({
    head: ['seq', 'time', 'event', 'actor', 'model', 'rev', 'details'],
    colWidths: [6, 18, 18, 16, 30, 5, 44],
    wordWrap: true,
  });
  for (const entry of entries) {
    table.push([
      String(entry.seq),
      shortTime(entry.time),
      entry.type,
      entry.actor,
      modelRefKey(entry.subject),
      String(entry.state.revision),
      summariseDetails(entry),
    ]);
  }
  return table.toString();
}
