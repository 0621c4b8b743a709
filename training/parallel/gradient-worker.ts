/**
 * Entry of one data-parallel training thread: builds its copy of the network, then computes
 * shard gradients into the shared state, updates its range of the weights, and scores chunks.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { buildModel } from '../model/build';
import { loadTensorflow } from '../tf/load';
import { adamUpdate } from './adam';
import type { WorkerReply, WorkerRequest, WorkerSetup } from './messages';
import { ShardModel } from './shard-step';
import { trainingStateOver } from './shared-state';

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('gradient-worker runs as a worker thread');
  const setup = workerData as WorkerSetup;
  const { tf } = await loadTensorflow({ prefer: setup.backend });
  // The seed does not matter: the shared weights replace the initial ones before every request.
  const model = new ShardModel(tf, buildModel(tf, setup.variant, setup.shape, 0));
  const state = trainingStateOver(setup.state.buffer, setup.state.size, setup.state.shards);
  const answer = (request: WorkerRequest): WorkerReply => {
    switch (request.kind) {
      case 'gradients':
        model.loadWeights(state.weights);
        return {
          kind: 'gradients',
          id: request.id,
          results: request.shards.map((shard) =>
            model.gradient(shard, request.batchSize, state.gradients[shard.slot] as Float32Array),
          ),
        };
      case 'update':
        adamUpdate(state, request.range, request.step, request.shardCount, request.learningRate);
        return { kind: 'update', id: request.id };
      case 'score':
        model.loadWeights(state.weights);
        return { kind: 'score', id: request.id, results: request.chunks.map((c) => model.score(c)) };
    }
  };
  port.on('message', (request: WorkerRequest) => {
    let reply: WorkerReply;
    try {
      reply = answer(request);
    } catch (error) {
      reply = { kind: 'failed', id: request.id, message: messageOf(error) };
    }
    port.postMessage(reply);
  });
  port.postMessage({ kind: 'ready' } satisfies WorkerReply);
}

main().catch((error: unknown) => {
  parentPort?.postMessage({ kind: 'failed', id: null, message: messageOf(error) } satisfies WorkerReply);
});
