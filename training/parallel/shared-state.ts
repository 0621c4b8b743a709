/**
 * The training state every thread sees: the weights, Adam's two moments and one gradient slot per
 * shard, laid out in one SharedArrayBuffer (or a plain one on a single thread) so nothing large is
 * copied between threads.
 */
export interface TrainingState {
  buffer: SharedArrayBuffer | ArrayBuffer;
  size: number;
  shards: number;
  weights: Float32Array;
  firstMoment: Float32Array;
  secondMoment: Float32Array;
  gradients: Float32Array[];
}

export function allocateTrainingState(size: number, shards: number, shared: boolean): TrainingState {
  const bytes = size * (3 + shards) * Float32Array.BYTES_PER_ELEMENT;
  return trainingStateOver(shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes), size, shards);
}

/** Views over a buffer made by `allocateTrainingState` (e.g. one another thread sent). */
export function trainingStateOver(
  buffer: SharedArrayBuffer | ArrayBuffer,
  size: number,
  shards: number,
): TrainingState {
  const view = (i: number) => new Float32Array(buffer, i * size * Float32Array.BYTES_PER_ELEMENT, size);
  return {
    buffer,
    size,
    shards,
    weights: view(0),
    firstMoment: view(1),
    secondMoment: view(2),
    gradients: Array.from({ length: shards }, (_, s) => view(3 + s)),
  };
}
