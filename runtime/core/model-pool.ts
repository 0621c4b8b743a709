import type { Classifier } from './classifier';
import { ModelUnavailableError, errorMessage } from './errors';
import { modelRefKey, type ModelRef } from '../../models/model-ref';
import type { Arm } from './router';

/** Why a model is loaded: to answer (as champion or challenger) or to score in the shadows. */
export type ServingRole = Arm | 'shadow';

export interface ModelPoolOptions {
  load: (ref: ModelRef) => Promise<Classifier>;
  log: (line: string) => void;
  /** A model that failed to load is tried again after this long (it may have been republished). */
  retryFailedAfterMs?: number;
  now?: () => number;
}

interface Entry {
  loading: Promise<Classifier>;
  failedAt?: number;
}

/**
 * The models this process serves, each loaded once and shared by every request. Failures are
 * remembered (and logged once per attempt) rather than retried on every request; a champion that
 * fails keeps the previous good champion in service, a challenger that fails sends its traffic to
 * the champion, a shadow that fails is skipped.
 */
export class ModelPool {
  private readonly entries = new Map<string, Entry>();
  private lastGoodChampion: Classifier | undefined;
  private readonly retryFailedAfterMs: number;
  private readonly now: () => number;

  constructor(private readonly options: ModelPoolOptions) {
    this.retryFailedAfterMs = options.retryFailedAfterMs ?? 60_000;
    this.now = options.now ?? Date.now;
  }

  /** The champion, or the last good one if it cannot be loaded; throws only when neither exists. */
  async champion(ref: ModelRef): Promise<Classifier> {
    try {
      const champion = await this.load(ref, 'champion');
      this.lastGoodChampion = champion;
      return champion;
    } catch (err) {
      if (this.lastGoodChampion) return this.lastGoodChampion;
      throw new ModelUnavailableError(
        `the champion ${modelRefKey(ref)} cannot be loaded (${errorMessage(err)}) and no earlier champion is in service`,
      );
    }
  }

  /** The model a request was routed to, or the champion when a challenger cannot be loaded. */
  async serving(ref: ModelRef & { arm: Arm }, champion: ModelRef): Promise<Classifier> {
    if (ref.arm === 'champion') return this.champion(ref);
    try {
      return await this.load(ref, 'challenger');
    } catch {
      return this.champion(champion);
    }
  }

  /** A shadow model, or undefined when it cannot be loaded. */
  async shadow(ref: ModelRef): Promise<Classifier | undefined> {
    return this.load(ref, 'shadow').catch(() => undefined);
  }

  /** Every model loaded so far, successfully. */
  async loaded(): Promise<Classifier[]> {
    const settled = await Promise.allSettled([...this.entries.values()].map((e) => e.loading));
    return settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  }

  private load(ref: ModelRef, role: ServingRole): Promise<Classifier> {
    const name = modelRefKey(ref);
    const existing = this.entries.get(name);
    if (
      existing &&
      (existing.failedAt === undefined || this.now() - existing.failedAt < this.retryFailedAfterMs)
    ) {
      return existing.loading;
    }
    const entry: Entry = { loading: this.options.load(ref) };
    this.entries.set(name, entry);
    entry.loading.catch((err: unknown) => {
      entry.failedAt = this.now();
      this.options.log(this.failureLine(name, role, err));
    });
    return entry.loading;
  }

  private failureLine(name: string, role: ServingRole, err: unknown): string {
    const consequence =
      role === 'champion'
        ? this.lastGoodChampion
          ? `still serving the last good champion ${modelRefKey(this.lastGoodChampion.info)}`
          : 'no earlier champion is in service: predictions fail until it is fixed'
        : role === 'challenger'
          ? 'its traffic goes to the champion'
          : 'it is skipped';
    return `model ${name} (${role}) was not loaded: ${errorMessage(err)}; ${consequence} (retry in ${Math.round(this.retryFailedAfterMs / 1000)} s)`;
  }
}
