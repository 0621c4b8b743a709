/**
 * What the jobs and the dashboard ask of the audit window beyond counts: the running aggregates
 * are kept only for what was asked, and asking for more rebuilds them once (see AuditTrail).
 */
export interface AuditNeeds {
  /** Times at which traffic is split (experiment starts, weight changes): latencies since each. */
  cuts?: readonly string[];
  /** Bin counts of the drift baselines the window's confidences are compared with. */
  confidenceBins?: readonly number[];
  /** How many of each model's newest served predictions the drift check compares. */
  newest?: number;
  /** Prediction ids of feedback that arrived without its prediction, to be found in the trail. */
  predictionIds?: Iterable<string>;
}

/** The needs in a canonical form: sorted, without duplicates. */
export interface AuditSpec {
  cuts: string[];
  confidenceBins: number[];
  newest: number;
  predictionIds: Set<string>;
}

export const emptySpec = (): AuditSpec => ({
  cuts: [],
  confidenceBins: [],
  newest: 0,
  predictionIds: new Set(),
});

/** `spec` widened to cover `needs`, or undefined when it covers them already. */
export function widenSpec(spec: AuditSpec, needs: AuditNeeds): AuditSpec | undefined {
  const cuts = new Set(spec.cuts);
  const bins = new Set(spec.confidenceBins);
  const ids = new Set(spec.predictionIds);
  let wider = false;
  for (const cut of needs.cuts ?? []) if (cut !== '' && !cuts.has(cut)) wider = cuts.add(cut) !== undefined;
  for (const k of needs.confidenceBins ?? []) if (!bins.has(k)) wider = bins.add(k) !== undefined;
  for (const id of needs.predictionIds ?? []) if (!ids.has(id)) wider = ids.add(id) !== undefined;
  const newest = Math.max(spec.newest, needs.newest ?? 0);
  if (!wider && newest === spec.newest) return undefined;
  return {
    cuts: [...cuts].sort(),
    confidenceBins: [...bins].sort((a, b) => a - b),
    newest,
    predictionIds: ids,
  };
}

/** Which stretch between cuts a time falls in: the number of cuts at or before it. */
export function segmentOf(cuts: readonly string[], time: string): number {
  let low = 0;
  let high = cuts.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if ((cuts[mid] as string) <= time) low = mid + 1;
    else high = mid;
  }
  return low;
}
