import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { threadId, Worker } from 'node:worker_threads';
import type * as tfType from '@tensorflow/tfjs';
import { adamUpdate, rangeOf } from './adam';
import type { WorkerReply, WorkerRequest, WorkerSetup } from './messages';
import { ShardModel, type ChunkScore, type Shard, type ShardResult } from './shard-step';
import { allocateTrainingState, type TrainingState } from './shared-state';

/**
 * Runs training steps and scores validation chunks over one training state, on this thread or
 * on worker threads. Shard gradients land in their shard's slot and are added in shard order,
 * and each weight's update depends only on its own element: the model is the same bytes
 * whatever the number of threads.
 */
export interface GradientPool {
  readonly threads: number;
  readonly state: TrainingState;
  /** Adam step `step` (from 1) on the batch cut into `shards`. */
  trainStep(shards: Shard[], batchSize: number, step: number, learningRate: number): Promise<ShardResult[]>;
  score(chunks: Shard[]): Promise<ChunkScore[]>;
  close(): Promise<void>;
}

/** The one copy of the network on the calling thread, shard after shard. */
export class InProcessPool implements GradientPool {
  readonly threads = 1;
  readonly state: TrainingState;

  constructor(
    private readonly model: ShardModel,
    shards: number,
  ) {
    this.state = allocateTrainingState(model.layout.size, shards, false);
  }

  async trainStep(
    shards: Shard[],
    batchSize: number,
    step: number,
    learningRate: number,
  ): Promise<ShardResult[]> {
    this.model.loadWeights(this.state.weights);
    const results = shards.map((shard, s) =>
      this.model.gradient(shard, batchSize, this.state.gradients[s] as Float32Array),
    );
    adamUpdate(this.state, { from: 0, to: this.state.size }, step, shards.length, learningRate);
    return results;
  }

  async score(chunks: Shard[]): Promise<ChunkScore[]> {
    this.model.loadWeights(this.state.weights);
    return chunks.map((chunk) => this.model.score(chunk));
  }

  async close(): Promise<void> {}
}

interface Pending {
  resolve: (reply: WorkerReply) => void;
  reject: (error: Error) => void;
}

/** One worker thread and the requests it has not answered yet. */
class GradientThread {
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private failure: Error | undefined;
  readonly ready: Promise<void>;

  constructor(private readonly worker: Worker) {
    let started: Pending | undefined;
    this.ready = new Promise((resolve, reject) => (started = { resolve: () => resolve(), reject }));
    worker.on('message', (reply: WorkerReply) => {
      if (reply.kind === 'ready') return started?.resolve(reply);
      if (reply.kind === 'failed' && reply.id === null) return this.fail(new Error(reply.message), started);
      if (reply.id === null) return;
      const waiting = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (reply.kind === 'failed') waiting?.reject(new Error(`training thread: ${reply.message}`));
      else waiting?.resolve(reply);
    });
    worker.on('error', (error) => this.fail(error, started));
    worker.on('exit', (code) => this.fail(new Error(`a training thread exited (code ${code})`), started));
  }

  private fail(error: Error, started: Pending | undefined): void {
    this.failure ??= error;
    started?.reject(error);
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
  }

  request<K extends WorkerRequest['kind']>(
    request: Omit<Extract<WorkerRequest, { kind: K }>, 'id'>,
  ): Promise<Extract<WorkerReply, { kind: K }>> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (reply: WorkerReply) => void, reject });
      this.worker.postMessage({ ...request, id });
    });
  }

  async terminate(): Promise<void> {
    this.worker.removeAllListeners('exit');
    await this.worker.terminate();
  }
}

/** Shards dealt round-robin to worker threads; each then updates its own range of the weights. */
export class WorkerPool implements GradientPool {
  private constructor(
    private readonly workers: GradientThread[],
    readonly state: TrainingState,
  ) {}

  get threads(): number {
    return this.workers.length;
  }

  static async start(
    threads: number,
    setup: Omit<WorkerSetup, 'state'>,
    size: number,
    shards: number,
    entry: WorkerEntry,
  ): Promise<WorkerPool> {
    const state = allocateTrainingState(size, shards, true);
    const workerData: WorkerSetup = {
      ...setup,
      state: { buffer: state.buffer as SharedArrayBuffer, size, shards },
    };
    const workers = Array.from(
      { length: threads },
      () => new GradientThread(new Worker(entry.file, { workerData })),
    );
    const pool = new WorkerPool(workers, state);
    try {
      await Promise.all(workers.map((w) => w.ready));
    } catch (error) {
      await pool.close();
      throw error;
    }
    return pool;
  }

  /** Items dealt round-robin, answered by each thread in its order, put back in item order. */
  private async dealt<T, R>(
    items: T[],
    ask: (thread: GradientThread, mine: T[]) => Promise<R[]>,
  ): Promise<R[]> {
    const count = this.workers.length;
    const answers = await Promise.all(
      this.workers.map((thread, t) =>
        ask(
          thread,
          items.filter((_, i) => i % count === t),
        ),
      ),
    );
    return items.map((_, i) => answers[i % count]?.[Math.floor(i / count)] as R);
  }

  async trainStep(
    shards: Shard[],
    batchSize: number,
    step: number,
    learningRate: number,
  ): Promise<ShardResult[]> {
    const slotted = shards.map((shard, slot) => ({ ...shard, slot }));
    const results = await this.dealt(slotted, async (thread, mine) =>
      mine.length
        ? (await thread.request<'gradients'>({ kind: 'gradients', shards: mine, batchSize })).results
        : [],
    );
    await Promise.all(
      this.workers.map((thread, t) =>
        thread.request<'update'>({
          kind: 'update',
          range: rangeOf(t, this.workers.length, this.state.size),
          step,
          shardCount: shards.length,
          learningRate,
        }),
      ),
    );
    return results;
  }

  async score(chunks: Shard[]): Promise<ChunkScore[]> {
    return this.dealt(chunks, async (thread, mine) =>
      mine.length ? (await thread.request<'score'>({ kind: 'score', chunks: mine })).results : [],
    );
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

export interface WorkerEntry {
  file: string;
}

let sourceBuild: Promise<WorkerEntry | undefined> | undefined;

/**
 * The worker script beside this module when it is compiled JavaScript. Run from TypeScript
 * sources (tests, bench), the script is bundled with esbuild, once per process, into
 * node_modules/.cache, where the project's packages still resolve; it lands there by rename, so
 * another process starting a worker at the same moment reads a whole file, never a half-written
 * one. A single-file function bundle has neither and trains on its one thread instead, to the
 * same bytes.
 */
export function workerEntry(): Promise<WorkerEntry | undefined> {
  const compiled = path.join(__dirname, 'gradient-worker.js');
  if (existsSync(compiled)) return Promise.resolve({ file: compiled });
  const source = path.join(__dirname, 'gradient-worker.ts');
  if (!existsSync(source)) return Promise.resolve(undefined);
  sourceBuild ??= bundleFromSource(source);
  return sourceBuild;
}

async function bundleFromSource(source: string): Promise<WorkerEntry | undefined> {
  try {
    const esbuild = await import('esbuild');
    const folder = path.join(__dirname, '..', '..', 'node_modules', '.cache', 'hscode');
    const file = path.join(folder, 'gradient-worker.js');
    const result = await esbuild.build({
      entryPoints: [source],
      outfile: file,
      write: false,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      packages: 'external',
      logLevel: 'silent',
    });
    const [output] = result.outputFiles;
    if (!output) return undefined;
    mkdirSync(folder, { recursive: true });
    const partial = `${file}.${process.pid}.${threadId}.tmp`;
    writeFileSync(partial, output.contents);
    renameSync(partial, file);
    return { file };
  } catch {
    return undefined;
  }
}

/** Threads to train on: as asked, else one per core, never more than there are shards. */
export function trainingThreads(requested: number | undefined, shards: number): number {
  const wanted = requested ?? availableParallelism();
  return Math.max(1, Math.min(Math.floor(wanted), shards));
}

/** The pool for this run: worker threads when more than one is wanted and possible, else this thread. */
export async function startGradientPool(
  tf: typeof tfType,
  model: tfType.LayersModel,
  threads: number,
  shards: number,
  setup: Omit<WorkerSetup, 'state'>,
): Promise<{ pool: GradientPool; local: ShardModel }> {
  const local = new ShardModel(tf, model);
  const entry = threads > 1 ? await workerEntry() : undefined;
  const pool = entry
    ? await WorkerPool.start(threads, setup, local.layout.size, shards, entry)
    : new InProcessPool(local, shards);
  local.readWeights(pool.state.weights);
  return { pool, local };
}
