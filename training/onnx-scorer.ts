import * as ort from 'onnxruntime-node';
import { openOnnxSession } from '../models/onnx-session';
import { ONNX_INPUT_NAME, ONNX_OUTPUT_NAME } from '../models/onnx-contract';
import type { DescriptionEncoder } from '../models/encoder';

const CHUNK = 256;

/**
 * Class probabilities from an exported ONNX model, the way the functions will compute them:
 * evaluation scores exactly what will be served, not the tfjs graph it came from.
 */
export class OnnxScorer {
  private constructor(
    private readonly session: ort.InferenceSession,
    private readonly encoder: DescriptionEncoder,
    readonly numClasses: number,
  ) {}

  static async load(onnx: Uint8Array, encoder: DescriptionEncoder, numClasses: number): Promise<OnnxScorer> {
    const session = await openOnnxSession(onnx, {
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      executionMode: 'sequential',
    });
    return new OnnxScorer(session, encoder, numClasses);
  }

  /** Calls `visit` with each text's probability vector, in order, a chunk at a time. */
  async forEach(
    texts: readonly string[],
    visit: (probs: Float32Array, index: number) => void,
  ): Promise<void> {
    const length = this.encoder.config.maxLength;
    for (let start = 0; start < texts.length; start += CHUNK) {
      const chunk = texts.slice(start, start + CHUNK);
      const ids = this.encoder.encodeBatch(chunk);
      const feeds = { [ONNX_INPUT_NAME]: new ort.Tensor('int32', ids, [chunk.length, length]) };
      const result = await this.session.run(feeds, [ONNX_OUTPUT_NAME]);
      const probs = result[ONNX_OUTPUT_NAME]?.data as Float32Array;
      for (let i = 0; i < chunk.length; i++) {
        visit(probs.subarray(i * this.numClasses, (i + 1) * this.numClasses), start + i);
      }
    }
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
