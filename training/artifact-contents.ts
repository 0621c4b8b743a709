import { ARTIFACT_FILES } from '../models/artifact';
import type { EncoderConfig } from '../models/encoder';
import type { ModelManifest } from '../models/manifest';
import { onnxIoSpec } from '../models/onnx-contract';
import { BM25_TOKENIZER_VERSION } from '../models/retrieval/bm25-tokenizer';
import type { LexicalIndex } from '../models/retrieval/lexical-index';
import { sha256 } from './hashing';

export interface ArtifactContents {
  /** `<variant>-<first 12 hex of the ONNX sha256>`: the version is the model's content. */
  version: string;
  encoderJson: string;
  labelsJson: string;
  lexicalIndexBytes?: Uint8Array;
  /** The manifest's description of the files it vouches for. */
  files: Pick<ModelManifest, 'encoder' | 'labels' | 'onnx' | 'lexicalIndex'>;
}

/**
 * The serialised encoder and label list, the content-addressed version and the manifest
 * sections that pin each file by sha256: what every writer of an artifact (training, test
 * fixtures) must agree on byte for byte.
 */
export function artifactContents(input: {
  variant: string;
  onnx: Uint8Array;
  encoderConfig: EncoderConfig;
  /** Embedding rows the model was built with (the encoder's inputDim). */
  inputDim: number;
  labels: readonly string[];
  lexicalIndex?: LexicalIndex;
  /** The ONNX file computes `tempered_probabilities` too (exported with the fitted fusion). */
  temperedOutput?: boolean;
}): ArtifactContents {
  const { onnx, encoderConfig, labels, lexicalIndex } = input;
  const lexicalIndexBytes = lexicalIndex?.toBytes();
  const onnxSha = sha256(onnx);
  const encoderJson = JSON.stringify(encoderConfig);
  const labelsJson = JSON.stringify(labels);
  return {
    version: `${input.variant}-${onnxSha.slice(0, 12)}`,
    encoderJson,
    labelsJson,
    ...(lexicalIndexBytes !== undefined && { lexicalIndexBytes }),
    files: {
      encoder: {
        file: ARTIFACT_FILES.encoder,
        sha256: sha256(encoderJson),
        type: encoderConfig.type,
        normaliserVersion: encoderConfig.normaliserVersion,
        maxLength: encoderConfig.maxLength,
        vocabularySize: encoderConfig.vocabulary.length,
        vocabularySha256: sha256(JSON.stringify(encoderConfig.vocabulary)),
        inputDim: input.inputDim,
      },
      labels: { file: ARTIFACT_FILES.labels, sha256: sha256(labelsJson), count: labels.length },
      onnx: {
        file: ARTIFACT_FILES.onnx,
        sha256: onnxSha,
        bytes: onnx.byteLength,
        ...onnxIoSpec(encoderConfig.maxLength, labels.length, input.temperedOutput ?? false),
      },
      ...(lexicalIndex &&
        lexicalIndexBytes !== undefined && {
          lexicalIndex: {
            file: ARTIFACT_FILES.lexicalIndex,
            sha256: sha256(lexicalIndexBytes),
            bytes: lexicalIndexBytes.byteLength,
            tokenizerVersion: BM25_TOKENIZER_VERSION,
            documents: lexicalIndex.documents,
          },
        }),
    },
  };
}
