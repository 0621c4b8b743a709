import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { ARTIFACT_FILES } from '../../models/artifact';
import { DescriptionEncoder } from '../../models/encoder';
import type { ModelManifest, ScoreSummary } from '../../models/manifest';
import { storeKeys } from '../../models/store-layout';
import { getVariant, type VariantName } from '../../models/variants';
import { buildDefaultCorpus } from '../../training/corpus';
import type { LabelledRow } from '../../training/dataset';
import { evaluateRows, headline } from '../../training/evaluate-artifact';
import { LabelIndex, ingestFiles } from '../../training/ingest';
import { stratifiedSplit } from '../../training/split';
import { DEFAULT_SEED, trainModel, type TrainOptions } from '../../training/train';
import { loadVerifiedArtifact } from '../core/artifact-loader';
import type { ModelRef } from '../core/router';
import type { Registry } from '../registry/registry';
import { PreconditionFailedError, type ObjectStore } from '../store/object-store';
import { feedbackTrainingRows } from './feedback-rows';
import { applyGate, DEFAULT_GATE, type GateConfig, type GateResult } from './retrain-gate';

/** Where a test makes the job die, to prove that a crash leaves the registry as it was. */
export type RetrainStep = 'before-export' | 'after-upload' | 'before-state-write';

export interface RetrainConfig {
  variant: VariantName;
  gate: GateConfig;
  /** New challengers start with this share of traffic (0 = register as shadow). */
  initialWeight: number;
  /** Train on the default corpus as well as feedback and the new file. */
  withDefaultCorpus: boolean;
  seed: number;
  /** A claim older than this from a run that never finished may be taken over. */
  staleClaimMs: number;
  /** Overrides for tests and small machines (epochs, time budget). */
  training?: TrainOptions['overrides'];
}

export const DEFAULT_RETRAIN: RetrainConfig = {
  variant: 'textcnn',
  gate: DEFAULT_GATE,
  initialWeight: 0.1,
  withDefaultCorpus: true,
  seed: DEFAULT_SEED,
  staleClaimMs: 60 * 60 * 1000,
};

export type RetrainOutcome =
  | { status: 'skipped'; reason: string }
  | { status: 'registered'; ref: ModelRef; gate: GateResult; as: 'challenger' | 'shadow' }
  | { status: 'rejected'; ref: ModelRef; gate: GateResult }
  | { status: 'no-data'; reason: string };

interface Claim {
  input: string;
  sha256: string;
  status: 'started' | 'done';
  startedAt: string;
  outcome?: RetrainOutcome;
}

export interface RetrainInput {
  store: ObjectStore;
  registry: Registry;
  /** The labelled file's key, under data/incoming/. */
  key: string;
  config?: Partial<RetrainConfig>;
  log?: (line: string) => void;
  crashAt?: RetrainStep;
  now?: () => number;
  /** Epoch-by-epoch progress of the training run (the CLI's bar; the server logs its lines). */
  progress?: TrainOptions['progress'];
}

const claimKey = (sha: string) => `jobs/retrain/${sha}.json`;
const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/**
 * Claims the input by its content: the same bytes never train twice, whatever their name. A
 * claim left by a run that died is taken over once it is stale.
 */
async function claim(
  store: ObjectStore,
  key: string,
  sha: string,
  staleMs: number,
  now: number,
): Promise<string> {
  const claimed: Claim = {
    input: key,
    sha256: sha,
    status: 'started',
    startedAt: new Date(now).toISOString(),
  };
  const existing = await store.get(claimKey(sha));
  if (existing) {
    const previous = JSON.parse(Buffer.from(existing.body).toString('utf8')) as Claim;
    if (previous.status === 'done')
      throw new AlreadyProcessed(`${previous.input} had the same content and was processed`);
    if (now - Date.parse(previous.startedAt) < staleMs)
      throw new AlreadyProcessed(
        `a retrain of this content started at ${previous.startedAt} is still running`,
      );
    return (await store.put(claimKey(sha), json(claimed), { ifVersion: existing.version })).version;
  }
  return (await store.put(claimKey(sha), json(claimed), { ifVersion: null })).version;
}

class AlreadyProcessed extends Error {}

/** Validates the incoming file with the ingestion rules; rejects are kept in the store. */
async function ingestIncoming(
  store: ObjectStore,
  key: string,
  body: Uint8Array,
  index: LabelIndex,
  sha: string,
) {
  const folder = mkdtempSync(join(tmpdir(), 'hscode-incoming-'));
  try {
    const path = join(folder, basename(key));
    writeFileSync(path, body);
    const rejectsPath = `${path}.rejects.jsonl`;
    const { rows, report } = await ingestFiles([path], {
      collect: true,
      index,
      rejectsPath,
      onFileError: 'report',
    });
    if (existsSync(rejectsPath)) {
      await store.put(
        `data/rejects/${sha.slice(0, 12)}-${basename(key)}.rejects.jsonl`,
        readFileSync(rejectsPath),
      );
    }
    return { rows, report };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

async function scoreOn(
  store: ObjectStore,
  ref: ModelRef,
  rows: readonly LabelledRow[],
): Promise<ScoreSummary> {
  const artifact = await loadVerifiedArtifact(store, ref);
  const encoder = new DescriptionEncoder(artifact.encoder);
  const { model } = await evaluateRows(artifact.onnx, encoder, artifact.labels, rows, 0.9);
  return headline(model);
}

/** Uploads an artifact folder with the manifest last: a model is loadable only once complete. */
async function upload(store: ObjectStore, dir: string, manifest: ModelManifest): Promise<void> {
  const files = [ARTIFACT_FILES.onnx, ARTIFACT_FILES.encoder, ARTIFACT_FILES.labels, ARTIFACT_FILES.report];
  for (const file of files) {
    const path = join(dir, file);
    if (existsSync(path))
      await store.put(storeKeys.modelFile(manifest.variant, manifest.version, file), readFileSync(path));
  }
  await store.put(
    storeKeys.modelFile(manifest.variant, manifest.version, ARTIFACT_FILES.manifest),
    readFileSync(join(dir, ARTIFACT_FILES.manifest)),
  );
}

/**
 * One labelled file landed under data/incoming/: validate it, merge it with the base corpus and
 * the feedback that carries text, train the configured variant, score candidate and champion on
 * the same held-out rows, and register the candidate (challenger or shadow) or record why not.
 * Nothing the registry names changes until the last step, which is one conditional write.
 */
export async function retrainFromIncoming(input: RetrainInput): Promise<RetrainOutcome> {
  const config = { ...DEFAULT_RETRAIN, ...input.config };
  const { store, registry } = input;
  const log = input.log ?? (() => undefined);
  const now = input.now ?? Date.now;
  const crash = (step: RetrainStep) => {
    if (input.crashAt === step) throw new Error(`injected crash ${step}`);
  };

  const object = await store.get(input.key);
  if (!object) return { status: 'skipped', reason: `${input.key} is no longer in the store` };
  const sha = createHash('sha256').update(object.body).digest('hex');
  const startedAt = new Date(now()).toISOString();
  let claimVersion: string;
  try {
    claimVersion = await claim(store, input.key, sha, config.staleClaimMs, now());
  } catch (err) {
    if (err instanceof AlreadyProcessed || err instanceof PreconditionFailedError) {
      return {
        status: 'skipped',
        reason: err instanceof AlreadyProcessed ? err.message : 'another job claimed this file first',
      };
    }
    throw err;
  }

  // Marks the claim done, so this content is never trained again.
  const finish = async (outcome: RetrainOutcome) => {
    const done: Claim = { input: input.key, sha256: sha, status: 'done', startedAt, outcome };
    await store.put(claimKey(sha), json(done), { ifVersion: claimVersion });
  };

  const index = new LabelIndex();
  const rows: LabelledRow[] = [];
  const sources: string[] = [];
  if (config.withDefaultCorpus) {
    const corpus = buildDefaultCorpus();
    rows.push(...corpus.rows);
    index.addRows(corpus.rows, 'default-corpus');
    sources.push('default-corpus');
  }
  // The file before the feedback: a file the schedule or a drift alarm queued *is* feedback, and
  // read second it would be rejected row by row as a repeat of what was just added.
  const incoming = await ingestIncoming(store, input.key, object.body, index, sha);
  log(
    `${input.key}: ${incoming.report.total.accepted} rows accepted, ${incoming.report.total.rejected} rejected`,
  );
  if (incoming.rows.length === 0) {
    const outcome: RetrainOutcome = {
      status: 'no-data',
      reason: `${input.key} has no usable rows (see data/rejects/)`,
    };
    await finish(outcome);
    return outcome;
  }
  rows.push(...incoming.rows);
  sources.push(`${basename(input.key)}@${sha.slice(0, 12)}`);
  const feedback = await feedbackTrainingRows(store);
  // Feedback that repeats or contradicts a label already present is left out: a correction of
  // the corpus needs a person to fix the corpus, not a silent override.
  const freshFeedback = feedback.rows.filter(
    (row, i) => index.add(row.text, row.hs6, { source: 'feedback', line: i + 1 }).status === 'new',
  );
  rows.push(...freshFeedback);
  if (freshFeedback.length) sources.push(`feedback(${freshFeedback.length})`);

  const champion: ModelRef | undefined = (await registry.read()).champion;
  crash('before-export');
  const staging = mkdtempSync(join(tmpdir(), 'hscode-retrain-'));
  try {
    const { dir, manifest } = await trainModel({
      variant: config.variant,
      rows,
      sources,
      home: staging,
      outDir: join(staging, 'artifact'),
      seed: config.seed,
      overrides: config.training,
      parentVersion: champion?.version ?? null,
      log,
      progress: input.progress,
    });
    const ref = { variant: manifest.variant, version: manifest.version };
    await upload(store, dir, manifest);
    crash('after-upload');

    // The same held-out rows for both: the split hashes each text, so it depends only on the data.
    const params = { ...getVariant(config.variant).training, ...config.training };
    const { validation } = stratifiedSplit(rows, params.validationFraction, config.seed);
    const candidateScore = await scoreOn(store, ref, validation);
    const championScore = champion ? await scoreOn(store, champion, validation) : null;
    const gate = applyGate(candidateScore, championScore, config.gate);
    const details = {
      input: input.key,
      inputSha256: sha,
      heldOutRows: validation.length,
      candidate: candidateScore,
      champion: championScore,
      championRef: champion ?? null,
      gate,
    };
    crash('before-state-write');

    let outcome: RetrainOutcome;
    if (gate.passed) {
      const as = config.initialWeight > 0 ? 'challenger' : 'shadow';
      await registry.register(ref, as, config.initialWeight, details);
      outcome = { status: 'registered', ref, gate, as };
    } else {
      await registry.reject(ref, gate.reasons, details);
      outcome = { status: 'rejected', ref, gate };
    }
    await finish(outcome);
    log(
      `${input.key}: candidate ${ref.version} ${outcome.status} (${gate.reasons.join('; ') || 'gate passed'})`,
    );
    return outcome;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
