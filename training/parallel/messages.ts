import type { Variant } from '../../models/variants';
import type { ModelShape } from '../model/build';
import type { ChunkScore, Shard, ShardResult } from './shard-step';

/** Everything a gradient worker needs to build its copy of the network and see the shared state. */
export interface WorkerSetup {
  variant: Variant;
  shape: ModelShape;
  backend: 'wasm' | 'cpu';
  state: { buffer: SharedArrayBuffer; size: number; shards: number };
}

export type WorkerRequest =
  | { kind: 'gradients'; id: number; shards: Array<Shard & { slot: number }>; batchSize: number }
  | {
      kind: 'update';
      id: number;
      range: { from: number; to: number };
      step: number;
      shardCount: number;
      learningRate: number;
    }
  | { kind: 'score'; id: number; chunks: Shard[] };

export type WorkerReply =
  | { kind: 'ready' }
  | { kind: 'gradients'; id: number; results: ShardResult[] }
  | { kind: 'update'; id: number }
  | { kind: 'score'; id: number; results: ChunkScore[] }
  | { kind: 'failed'; id: number | null; message: string };
