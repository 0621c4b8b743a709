import { createHash } from 'node:crypto';
import { modelRefKey } from './model-ref';
import type { EncoderConfig } from './encoder';
import { assertValidManifest, type ModelManifest } from './manifest';

/** File names inside an artifact folder (`models/<variant>/<version>/` in a store). */
export const ARTIFACT_FILES = {
  manifest: 'manifest.json',
  onnx: 'model.onnx',
  encoder: 'encoder.json',
  labels: 'labels.json',
  /** The lexical index in its binary format (3), what training writes. */
  lexicalIndex: 'lexical-index.bin',
  /** The same index as JSON (formats 1 and 2): what models trained before format 3 ship. */
  jsonLexicalIndex: 'lexical-index.json',
  report: 'report.html',
} as const;

/** The names a manifest may give its lexical index (the loader reads no other file). */
export const LEXICAL_INDEX_FILES: readonly string[] = [
  ARTIFACT_FILES.lexicalIndex,
  ARTIFACT_FILES.jsonLexicalIndex,
];

/**
 * What a manifest not yet verified says about its lexical index, read first to know which file to
 * fetch with it: nothing (no index declared, or a manifest that is not JSON or not an object:
 * verifyArtifact then says what is wrong), a file name the format has, or the sentence refusing any
 * other name (a manifest must not make a reader fetch `../../registry/state.json`).
 */
export type DeclaredLexicalIndex = { file: string } | { refusal: string } | undefined;

export function declaredLexicalIndex(manifest: Uint8Array): DeclaredLexicalIndex {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(manifest).toString('utf8'));
  } catch {
    return undefined;
  }
  const index = (parsed as { lexicalIndex?: unknown } | null)?.lexicalIndex;
  if (typeof index !== 'object' || index === null) return undefined;
  const file = (index as { file?: unknown }).file;
  if (typeof file === 'string' && LEXICAL_INDEX_FILES.includes(file)) return { file };
  return {
    refusal: `names the lexical index ${JSON.stringify(file)}, not one of ${LEXICAL_INDEX_FILES.join(', ')}`,
  };
}

export interface ArtifactBytes {
  manifest: Uint8Array;
  onnx: Uint8Array;
  encoder: Uint8Array;
  labels: Uint8Array;
  /** Required when the manifest declares a lexical index, ignored otherwise. */
  lexicalIndex?: Uint8Array;
}

export interface VerifiedArtifact {
  manifest: ModelManifest;
  onnx: Uint8Array;
  encoder: EncoderConfig;
  labels: string[];
  /** The lexical index's stored bytes, when the model serves one (LexicalIndex.fromBytes reads them). */
  lexicalIndex?: Uint8Array;
}

export class ArtifactIntegrityError extends Error {}

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

/**
 * Checks every file against the sha256 its manifest promises and parses them. A model is
 * never served from bytes that did not pass this.
 */
export function verifyArtifact(bytes: ArtifactBytes): VerifiedArtifact {
  const manifest: unknown = JSON.parse(Buffer.from(bytes.manifest).toString('utf8'));
  assertValidManifest(manifest);
  const checks: Array<[string, Uint8Array, string]> = [
    [manifest.onnx.file, bytes.onnx, manifest.onnx.sha256],
    [manifest.encoder.file, bytes.encoder, manifest.encoder.sha256],
    [manifest.labels.file, bytes.labels, manifest.labels.sha256],
  ];
  if (manifest.lexicalIndex) {
    if (!bytes.lexicalIndex) {
      throw new ArtifactIntegrityError(
        `${manifest.variant}/${manifest.version}: the manifest declares ${manifest.lexicalIndex.file} but it was not found: publish the whole artifact folder`,
      );
    }
    checks.push([manifest.lexicalIndex.file, bytes.lexicalIndex, manifest.lexicalIndex.sha256]);
  }
  for (const [file, data, expected] of checks) {
    const actual = sha256(data);
    if (actual !== expected) {
      throw new ArtifactIntegrityError(
        `${modelRefKey(manifest)}: ${file} has sha256 ${actual.slice(0, 12)}…, the manifest expects ${expected.slice(0, 12)}…: the file is corrupt or was replaced; refusing to load it`,
      );
    }
  }
  const encoder = JSON.parse(Buffer.from(bytes.encoder).toString('utf8')) as EncoderConfig;
  const labels = JSON.parse(Buffer.from(bytes.labels).toString('utf8')) as string[];
  if (labels.length !== manifest.labels.count) {
    throw new ArtifactIntegrityError(
      `${manifest.version}: labels.json has ${labels.length} labels, the manifest says ${manifest.labels.count}`,
    );
  }
  return {
    manifest,
    onnx: bytes.onnx,
    encoder,
    labels,
    ...(manifest.lexicalIndex && {
      lexicalIndex: bytes.lexicalIndex as Uint8Array,
    }),
  };
}
