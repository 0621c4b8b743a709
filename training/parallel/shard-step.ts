import type * as tfType from '@tensorflow/tfjs';
import {
  readWeights,
  trainableVariables,
  writeWeights,
  weightLayoutOf,
  type WeightLayout,
} from './weight-layout';

type Tf = typeof tfType;

/** The name every catalogue variant gives its softmax output layer (the ONNX exporter reads it too). */
const OUTPUT_LAYER = 'probabilities';

/** Encoded rows: `rows` sequences of token ids, one class index each. */
export interface Shard {
  x: Int32Array;
  y: Int32Array;
}

export interface ShardResult {
  /** This shard's share of the batch's mean loss. */
  loss: number;
  correct: number;
}

export interface ChunkScore {
  lossSum: number;
  hits: number;
}

/**
 * One copy of the network that computes gradients of shards and scores of chunks at whatever
 * weights it is given. Every thread holds one; given the same weights and rows, each computes the
 * same bytes, so which thread does a shard never changes the model.
 */
export class ShardModel {
  readonly layout: WeightLayout;
  private readonly features: tfType.LayersModel;
  private readonly kernel: tfType.Variable;
  private readonly bias: tfType.Variable;
  private readonly variables: tfType.Variable[];

  constructor(
    private readonly tf: Tf,
    private readonly model: tfType.LayersModel,
  ) {
    this.layout = weightLayoutOf(model);
    this.variables = trainableVariables(model);
    const output = model.getLayer(OUTPUT_LAYER);
    this.features = tf.model({
      inputs: model.inputs,
      outputs: output.input as tfType.SymbolicTensor,
    });
    const [kernel, bias] = output.trainableWeights.map((w) => w.read() as tfType.Variable);
    if (!kernel || !bias) throw new Error(`the "${OUTPUT_LAYER}" layer needs a kernel and a bias`);
    [this.kernel, this.bias] = [kernel, bias];
  }

  get sequenceLength(): number {
    return this.model.inputs[0]?.shape[1] as number;
  }

  get numClasses(): number {
    return this.bias.shape[0] as number;
  }

  readWeights(into: Float32Array): void {
    readWeights(this.model, this.layout, into);
  }

  loadWeights(weights: Float32Array): void {
    writeWeights(this.tf, this.model, this.layout, weights);
  }

  /**
   * Gradient of the batch's mean cross-entropy restricted to this shard's rows. The loss is taken
   * on the logits (softmax and log fused, as the exported softmax layer would compute them), which
   * skips the clipped-probability gradient tfjs's compiled loss pays for over every class.
   * d(batch mean loss)/d(weights) over this shard's rows is written to `into`, laid out like
   * the weights.
   */
  gradient(shard: Shard, batchSize: number, into: Float32Array): ShardResult {
    const { tf } = this;
    const rows = shard.y.length;
    let predicted: tfType.Tensor | undefined;
    const { value, grads } = tf.variableGrads(() => {
      const x = tf.tensor2d(shard.x, [rows, this.sequenceLength], 'int32');
      const features = this.features.apply(x) as tfType.Tensor2D;
      const logits = tf.add(tf.matMul(features, this.kernel), this.bias) as tfType.Tensor2D;
      predicted = tf.keep(tf.argMax(logits, 1));
      const targets = tf.oneHot(tf.tensor1d(shard.y, 'int32'), this.numClasses).toFloat() as tfType.Tensor2D;
      return this.crossEntropy(logits, targets, batchSize);
    }, this.variables);
    this.variables.forEach((variable, i) => {
      const grad = grads[variable.name];
      if (!grad) throw new Error(`no gradient for ${variable.name}`);
      into.set(grad.dataSync() as Float32Array, this.layout.slots[i]?.offset);
    });
    const labels = (predicted as tfType.Tensor).dataSync();
    let correct = 0;
    for (let i = 0; i < rows; i++) if (labels[i] === shard.y[i]) correct++;
    const loss = value.dataSync()[0] as number;
    tf.dispose([value, predicted as tfType.Tensor, ...Object.values(grads)]);
    return { loss, correct };
  }

  /**
   * Σ −log softmax(logits)[label] / batchSize, with the gradient (softmax − target) / batchSize
   * from the one softmax the forward pass computed: tfjs's own softmax cross-entropy takes two
   * exponentials per class in scalar wasm, the softmax kernel one vectorised pass.
   */
  private crossEntropy(logits: tfType.Tensor2D, targets: tfType.Tensor2D, batchSize: number): tfType.Scalar {
    const { tf } = this;
    const loss = tf.customGrad((...args: unknown[]) => {
      const [z, save] = args as [tfType.Tensor2D, tfType.GradSaveFunc];
      const probabilities = tf.softmax(z) as tfType.Tensor2D;
      // Saved, not captured: tensors of the forward pass are released before the backward one.
      save([probabilities, targets]);
      const picked = tf.sum(tf.mul(targets, probabilities), 1);
      const value = tf.div(tf.neg(tf.sum(tf.log(tf.add(picked, 1e-30)))), batchSize) as tfType.Scalar;
      return {
        value,
        gradFunc: (dy, [p, target]) => [
          tf.mul(dy, tf.div(tf.sub(p as tfType.Tensor, target as tfType.Tensor), batchSize)),
        ],
      };
    });
    return loss(logits) as tfType.Scalar;
  }

  /** Summed cross-entropy and top-1 hits of a chunk, from the served softmax probabilities. */
  score(chunk: Shard): ChunkScore {
    const { tf } = this;
    const rows = chunk.y.length;
    const x = tf.tensor2d(chunk.x, [rows, this.sequenceLength], 'int32');
    const probsTensor = this.model.predict(x) as tfType.Tensor2D;
    // Scored in JS: the wasm backend's batched Gather reads out of bounds, and a few thousand
    // rows of probabilities are cheap to walk.
    const probs = probsTensor.dataSync();
    tf.dispose([x, probsTensor]);
    const classes = probs.length / Math.max(1, rows);
    let lossSum = 0;
    let hits = 0;
    for (let row = 0; row < rows; row++) {
      const offset = row * classes;
      const label = chunk.y[row] as number;
      lossSum -= Math.log((probs[offset + label] as number) + 1e-7);
      let best = 0;
      for (let c = 1; c < classes; c++)
        if ((probs[offset + c] as number) > (probs[offset + best] as number)) best = c;
      if (best === label) hits++;
    }
    return { lossSum, hits };
  }
}
