import type { AuditRecord, PredictionLookup } from './audit';

/**
 * The last served predictions of this process, so feedback that follows soon after a prediction
 * (the common case) finds its model without reading the audit trail. Bounded: the oldest entry
 * goes when the capacity is reached (a Map iterates in insertion order).
 */
export class RecentPredictions implements PredictionLookup {
  private readonly entries = new Map<string, AuditRecord>();

  constructor(private readonly capacity = 50_000) {}

  remember(record: AuditRecord): void {
    this.entries.delete(record.predictionId);
    this.entries.set(record.predictionId, record);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }

  async findPrediction(predictionId: string): Promise<AuditRecord | undefined> {
    return this.entries.get(predictionId);
  }

  get size(): number {
    return this.entries.size;
  }
}

/** Asks each lookup in turn (memory first, then the audit trail) and returns the first answer. */
export function firstFound(...lookups: PredictionLookup[]): PredictionLookup {
  return {
    async findPrediction(predictionId) {
      for (const lookup of lookups) {
        const found = await lookup.findPrediction(predictionId);
        if (found) return found;
      }
      return undefined;
    },
  };
}
