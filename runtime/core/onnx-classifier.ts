import * as ort from 'onnxruntime-node';
import type { VerifiedArtifact } from '../../models/artifact';
import { DescriptionEncoder, type EncodedText } from '../../models/encoder';
import {
  ChapterConfidence,
  Fuser,
  NETWORK_ONLY,
  TemperedFuser,
  isTemperedFor,
  type FusionWeights,
} from '../../models/fusion';
import type { AbstainLevel } from '../../models/manifest';
import { LexicalIndex, type LexicalHits } from '../../models/retrieval/lexical-index';
import { ONNX_INPUT_NAME, ONNX_OUTPUT_NAME, ONNX_TEMPERED_OUTPUT_NAME } from '../../models/onnx-contract';
import type { ObjectStore } from '../store/object-store';
import { loadVerifiedArtifact } from './artifact-loader';
import {
  MAX_TOP_K,
  type Classifier,
  type ModelInfo,
  type PredictOptions,
  type Prediction,
  type WordWeight,
} from './classifier';
import { ModelLoadError, errorMessage } from './errors';
import { describeLabels, type CodeDescription } from './label-descriptions';
import { loadNomenclature } from '../../models/hs/nomenclature';
import { occlusions } from './occlusion';
import { modelRefKey, type ModelRef } from '../../models/model-ref';
import { sharedSession } from './session-cache';
import { warmUpOnnxRuntime } from '../../models/onnx-session';
import { topKIndices } from './top-k';
import { readingsOfWords } from './word-readings';

export interface OnnxClassifierOptions {
  /** ONNX Runtime intra-op threads (default 1). */
  intraOpThreads?: number;
  /**
   * Rows per session.run (default ROWS_PER_RUN): bounds the output buffer (rows × classes
   * floats), also when a large batch is explained, which adds one row per distinct word.
   */
  maxRowsPerRun?: number;
}

/**
 * A batch is run in chunks of this many rows. ONNX Runtime alone runs this network at about 31 µs
 * a row in runs of 32 and 50 µs in runs of 256 (`bench/onnx-floor.ts --sizes`: 24 to 64 rows are
 * best here), whose 5.7 MB output no longer fits in the caches. The service's batch of 256 gains
 * about 1.05×; a single description is unaffected.
 */
export const ROWS_PER_RUN = 32;

/** Per input row: the description it belongs to, and for occlusion rows the word left out. */
interface RowPlan {
  text: number[];
  word: Array<string | undefined>;
}

function checkContract(artifact: VerifiedArtifact, encoder: DescriptionEncoder): string | undefined {
  const { manifest, labels } = artifact;
  const input = manifest.onnx.inputs.find((t) => t.name === ONNX_INPUT_NAME);
  const output = manifest.onnx.outputs.find((t) => t.name === ONNX_OUTPUT_NAME);
  if (!input || input.dtype !== 'int32') return `the manifest declares no int32 input "${ONNX_INPUT_NAME}"`;
  if (!output || output.dtype !== 'float32')
    return `the manifest declares no float32 output "${ONNX_OUTPUT_NAME}"`;
  if (input.shape[1] !== encoder.config.maxLength) {
    return `the model takes ${String(input.shape[1])} tokens, its encoder produces ${encoder.config.maxLength}`;
  }
  if (output.shape[1] !== labels.length) {
    return `the model has ${String(output.shape[1])} outputs for ${labels.length} labels`;
  }
  if (manifest.encoder.inputDim !== encoder.inputDim) {
    return `the encoder yields ids below ${encoder.inputDim}, the model's embedding has ${manifest.encoder.inputDim} rows`;
  }
  return undefined;
}

/**
 * What a loader does while the store reads a model's files: ONNX Runtime's one-time set-up and
 * parsing the nomenclature the labels are described from (once per process, some 50 ms here),
 * both needed before the first answer.
 */
export async function prepareToServe(): Promise<void> {
  loadNomenclature();
  await warmUpOnnxRuntime();
}

/** What the network's probabilities are fused with, and how (see models/fusion.ts). */
interface Retrieval {
  index: LexicalIndex;
  fuser: Pick<Fuser, 'fuse'>;
}

/**
 * A model whose graph computes the network's tempered share of the fused score is asked for it
 * (models/onnx-contract.ts), so fusion only touches the labels retrieval hit; otherwise for the
 * probabilities, fused over every label in JavaScript. The weight fixed in the graph is checked
 * against the manifest's on one row first: a file exported for another weight is served the
 * JavaScript way rather than with the wrong weight.
 */
async function networkOutputOf(
  session: ort.InferenceSession,
  fusion: FusionWeights | undefined,
  sequenceLength: number,
): Promise<string> {
  if (fusion === undefined || !session.outputNames.includes(ONNX_TEMPERED_OUTPUT_NAME))
    return ONNX_OUTPUT_NAME;
  const result = await session.run(
    { [ONNX_INPUT_NAME]: new ort.Tensor('int32', new Int32Array(sequenceLength), [1, sequenceLength]) },
    [ONNX_OUTPUT_NAME, ONNX_TEMPERED_OUTPUT_NAME],
  );
  const probabilities = result[ONNX_OUTPUT_NAME]?.data;
  const tempered = result[ONNX_TEMPERED_OUTPUT_NAME]?.data;
  const matches =
    probabilities instanceof Float32Array &&
    tempered instanceof Float32Array &&
    isTemperedFor(probabilities, tempered, fusion.network);
  return matches ? ONNX_TEMPERED_OUTPUT_NAME : ONNX_OUTPUT_NAME;
}

/**
 * Serves one verified artifact: the ONNX network through ONNX Runtime, fused with the lexical
 * index when the artifact ships one; see `occlusion.ts` for explanations.
 */
export class OnnxClassifier implements Classifier {
  private readonly sequenceLength: number;
  private readonly numClasses: number;
  private readonly maxRowsPerRun: number;
  /**
   * Where the network's share of the fused score is computed: in the ONNX graph (its tempered
   * output), over every label in JavaScript (a model without that output), or not at all (no
   * lexical index).
   */
  readonly fusion: 'graph' | 'javascript' | 'none';
  /** Set when the review flag reads the top candidate's chapter mass (abstain level hs2). */
  private readonly chapterConfidence: ChapterConfidence | undefined;
  /**
   * One buffer for every call's fused scores, as the fusers keep one for their own work: a row's
   * are read synchronously in `score`'s visit, before any other row's (of this call or another)
   * are written, so no call allocates 22 KB for them.
   */
  private readonly fused: Float32Array;

  private constructor(
    readonly info: ModelInfo,
    private readonly session: ort.InferenceSession,
    /** The ONNX output the network is read from (see networkOutputOf). */
    private readonly outputName: string,
    private readonly encoder: DescriptionEncoder,
    private readonly codes: readonly CodeDescription[],
    private readonly retrieval: Retrieval | undefined,
    options: OnnxClassifierOptions,
  ) {
    this.sequenceLength = encoder.config.maxLength;
    this.numClasses = codes.length;
    this.fused = new Float32Array(this.numClasses);
    this.maxRowsPerRun = Math.max(1, options.maxRowsPerRun ?? ROWS_PER_RUN);
    this.fusion = !retrieval ? 'none' : outputName === ONNX_TEMPERED_OUTPUT_NAME ? 'graph' : 'javascript';
    const level: AbstainLevel = info.manifest.abstain.level ?? 'hs6';
    this.chapterConfidence = level === 'hs2' ? new ChapterConfidence(codes.map((c) => c.hs6)) : undefined;
  }

  /** Reads, verifies and opens `models/<variant>/<version>/`; refuses anything that fails a check. */
  static async load(
    store: ObjectStore,
    ref: ModelRef,
    options: OnnxClassifierOptions = {},
  ): Promise<OnnxClassifier> {
    const artifact = await loadVerifiedArtifact(store, ref, { whileReading: prepareToServe });
    return OnnxClassifier.fromArtifact(artifact, options);
  }

  static async fromArtifact(
    artifact: VerifiedArtifact,
    options: OnnxClassifierOptions = {},
  ): Promise<OnnxClassifier> {
    const { manifest } = artifact;
    const name = modelRefKey(manifest);
    let index: LexicalIndex | undefined;
    if (artifact.lexicalIndex !== undefined) {
      try {
        index = LexicalIndex.fromBytes(artifact.lexicalIndex, artifact.labels.length);
      } catch (err) {
        throw new ModelLoadError(
          name,
          `its lexical index: ${err instanceof Error ? err.message : String(err)}`,
        );
      }
    }
    let encoder: DescriptionEncoder;
    try {
      // The network reads unknown words through the index's synonyms, as retrieval does.
      encoder = new DescriptionEncoder(artifact.encoder, index?.synonymOf);
    } catch (err) {
      throw new ModelLoadError(name, errorMessage(err));
    }
    const broken = checkContract(artifact, encoder);
    if (broken) throw new ModelLoadError(name, broken);
    const { described, unknown } = describeLabels(artifact.labels);
    if (unknown.length > 0) {
      throw new ModelLoadError(
        name,
        `${unknown.length} of its labels are not HS 2022 subheadings (${unknown.slice(0, 3).join(', ')}…)`,
      );
    }
    const length = encoder.config.maxLength;
    const session = await sharedSession(
      manifest.onnx.sha256,
      artifact.onnx,
      { intraOpThreads: options.intraOpThreads ?? 1 },
      // The first run allocates ONNX Runtime's buffers and plans; no request should pay for it.
      async (created) => {
        await created.run({
          [ONNX_INPUT_NAME]: new ort.Tensor('int32', new Int32Array(length), [1, length]),
        });
      },
    );
    if (!session.inputNames.includes(ONNX_INPUT_NAME) || !session.outputNames.includes(ONNX_OUTPUT_NAME)) {
      throw new ModelLoadError(
        name,
        `the ONNX graph has inputs [${session.inputNames.join(', ')}] and outputs [${session.outputNames.join(', ')}], expected ${ONNX_INPUT_NAME} → ${ONNX_OUTPUT_NAME}`,
      );
    }
    // A model without a lexical index serves its network alone, whatever its manifest says.
    const fusion = index && (manifest.fusion ?? NETWORK_ONLY);
    const outputName = await networkOutputOf(session, fusion, length);
    const labelCount = artifact.labels.length;
    const fuser =
      fusion &&
      (outputName === ONNX_TEMPERED_OUTPUT_NAME
        ? new TemperedFuser(labelCount, fusion)
        : new Fuser(labelCount, fusion));
    const retrieval: Retrieval | undefined = index && fuser ? { index, fuser } : undefined;
    const info: ModelInfo = {
      variant: manifest.variant,
      version: manifest.version,
      modelSha256: manifest.onnx.sha256,
      hsEdition: manifest.hsEdition,
      createdAt: manifest.createdAt,
      labels: artifact.labels.length,
      abstainThreshold: manifest.abstain.threshold,
      parentVersion: manifest.parentVersion,
      manifest,
    };
    return new OnnxClassifier(info, session, outputName, encoder, described, retrieval, options);
  }

  async predict(texts: readonly string[], options: PredictOptions): Promise<Prediction[]> {
    const { topK, explain } = options;
    if (!Number.isInteger(topK) || topK < 1 || topK > MAX_TOP_K) {
      throw new RangeError(`topK must be an integer from 1 to ${MAX_TOP_K}, got ${topK}`);
    }
    const encoded = texts.map((text) => this.encoder.encode(text));
    // Occlusion rows reuse their description's retrieval scores: the explanation weighs the
    // words through the network, with the lexical evidence held fixed.
    const lexical = this.retrieval ? texts.map((text) => this.retrieval?.index.hits(text)) : [];
    const plan: RowPlan = { text: encoded.map((_, i) => i), word: encoded.map(() => undefined) };
    const rows: Int32Array[] = encoded.map((e) => e.ids);
    if (explain) {
      encoded.forEach((e, i) => {
        for (const occluded of occlusions(this.encoder, e)) {
          plan.text.push(i);
          plan.word.push(occluded.word);
          rows.push(occluded.ids);
        }
      });
    }

    const predictions: Prediction[] = new Array(texts.length);
    const topOf = new Int32Array(texts.length);
    const topProbability = new Float32Array(texts.length);
    const explanations: Array<Array<Omit<WordWeight, 'spans'>>> = explain ? encoded.map(() => []) : [];
    // Descriptions come first, so every occlusion row is read after its description's top code is known.
    const fused = this.fused;
    await this.score(rows, (network, row) => {
      const i = plan.text[row] as number;
      const word = plan.word[row];
      const probabilities = this.retrieval
        ? this.retrieval.fuser.fuse(network, lexical[i] as LexicalHits, fused)
        : network;
      if (word === undefined) {
        const best = topKIndices(probabilities, topK);
        predictions[i] = this.toPrediction(best, probabilities, encoded[i] as EncodedText);
        topOf[i] = best[0] as number;
        topProbability[i] = probabilities[best[0] as number] as number;
      } else {
        const without = probabilities[topOf[i] as number] as number;
        explanations[i]?.push({ word, weight: (topProbability[i] as number) - without });
      }
    });
    if (explain) {
      predictions.forEach((prediction, i) => {
        const text = texts[i] as string;
        const spans = this.encoder.wordSpans(text);
        const readAs = this.retrieval ? readingsOfWords(text, spans, this.retrieval.index) : new Map();
        prediction.explanation = (explanations[i] ?? [])
          .map((w) => {
            const reading = readAs.get(w.word);
            return { ...w, spans: spans.get(w.word) ?? [], ...(reading ? { readAs: reading } : {}) };
          })
          .sort((a, b) => b.weight - a.weight);
      });
    }
    return predictions;
  }

  private toPrediction(
    best: readonly number[],
    probabilities: Float32Array,
    encoded: EncodedText,
  ): Prediction {
    const candidates = best.map((index) => {
      const code = this.codes[index] as CodeDescription;
      return {
        hs6: code.hs6,
        hs4: code.hs4,
        hs2: code.hs2,
        probability: probabilities[index] as number,
        description: code.description,
        headingDescription: code.headingDescription,
        chapterDescription: code.chapterDescription,
      };
    });
    const confidence = this.chapterConfidence
      ? this.chapterConfidence.of(probabilities, best[0])
      : (candidates[0]?.probability ?? 0);
    return {
      candidates,
      needsReview: confidence < this.info.abstainThreshold,
      words: encoded.words.length,
      unknownWords: encoded.unknownWords,
    };
  }

  /** Runs the rows in chunks and hands each row's probability vector to `visit`, in row order. */
  private async score(
    rows: readonly Int32Array[],
    visit: (probabilities: Float32Array, row: number) => void,
  ) {
    const length = this.sequenceLength;
    const classes = this.numClasses;
    for (let start = 0; start < rows.length; start += this.maxRowsPerRun) {
      const count = Math.min(this.maxRowsPerRun, rows.length - start);
      // A single description is fed its own ids: no copy on the hot path.
      let ids = rows[start] as Int32Array;
      if (count > 1) {
        ids = new Int32Array(count * length);
        for (let r = 0; r < count; r++) ids.set(rows[start + r] as Int32Array, r * length);
      }
      const name = this.outputName;
      const result = await this.session.run(
        { [ONNX_INPUT_NAME]: new ort.Tensor('int32', ids, [count, length]) },
        [name],
      );
      const output = result[name];
      if (!output || !(output.data instanceof Float32Array) || output.data.length !== count * classes) {
        throw new Error(
          `${this.info.version}: the model returned no [${count}, ${classes}] float32 "${name}"`,
        );
      }
      for (let r = 0; r < count; r++) visit(output.data.subarray(r * classes, (r + 1) * classes), start + r);
      output.dispose();
    }
  }
}
