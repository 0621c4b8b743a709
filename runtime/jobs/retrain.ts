import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { publishArtifact } from '../../models/artifact-publish';
import type { ModelRef } from '../../models/model-ref';
import type { ScoreSummary } from '../../models/manifest';
import { storeKeys } from '../../models/store-layout';
import { getVariant } from '../../models/variants';
import { buildDefaultCorpus } from '../../training/corpus';
import type { LabelledRow } from '../../training/dataset';
import { evaluateRows, headline } from '../../training/evaluate-artifact';
import { servedModelOf } from '../../training/served-model';
import { LabelIndex, ingestFiles } from '../../training/ingest';
import { stratifiedSplit } from '../../training/split';
import { trainModel, type TrainOptions } from '../../training/train';
import { loadVerifiedArtifact } from '../core/artifact-loader';
import { errorMessage } from '../core/errors';
import type { Registry } from '../registry/registry';
import type { ObjectStore } from '../store/object-store';
import { feedbackTrainingRows } from './feedback-rows';
import { claimContent, processIsAlive } from './content-claim';
import { DEFAULT_RETRAIN, type RetrainConfig } from './retrain-config';
import { applyGate, type GateResult } from './retrain-gate';

/**
 * Where a test makes the job die, to prove that a crash at any step leaves the registry as it
 * was (or with the decision recorded whole) and that the next run completes the work. The
 * registry's own writes are crashed between by a store that fails (see tests/retrain-job.test.ts).
 */
export const RETRAIN_STEPS = [
  'after-claim',
  'after-ingest',
  'before-export',
  'after-upload',
  'before-state-write',
  'before-claim-done',
] as const;
export type RetrainStep = (typeof RETRAIN_STEPS)[number];

export type RetrainOutcome =
  | { status: 'skipped'; reason: string }
  | { status: 'registered'; ref: ModelRef; gate: GateResult; as: 'challenger' | 'shadow' }
  | { status: 'rejected'; ref: ModelRef; gate: GateResult }
  | { status: 'no-data'; reason: string };

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

/** Where the claim on one content is kept: the same bytes never train twice, whatever their name. */
export const retrainClaimKey = (sha256: string) => `jobs/retrain/${sha256}.json`;

/** The job's temporary folders: `hscode-retrain-<pid>-…`, so a later run can tell whose they were. */
const TEMPORARY_PREFIX = 'hscode-retrain-';

/**
 * Removes temporary folders left by runs whose process is gone (killed before their `finally`
 * could): every other way out removes its own.
 */
export function sweepTemporaryFolders(
  folder = tmpdir(),
  isAlive: (pid: number) => boolean = processIsAlive,
): string[] {
  const removed: string[] = [];
  for (const name of readdirSync(folder)) {
    const match = new RegExp(`^${TEMPORARY_PREFIX}(\\d+)-`).exec(name);
    if (!match || isAlive(Number(match[1]))) continue;
    rmSync(join(folder, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

/** Validates the incoming file with the ingestion rules; rejects are kept in the store. */
async function ingestIncoming(
  store: ObjectStore,
  key: string,
  body: Uint8Array,
  index: LabelIndex,
  sha: string,
) {
  const folder = mkdtempSync(join(tmpdir(), `${TEMPORARY_PREFIX}${process.pid}-`));
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
  // What each model serves (the network fused with its retrieval index) is what is compared.
  const { model } = await evaluateRows(servedModelOf(artifact), rows, {
    targetPrecision: artifact.manifest.abstain.targetPrecision,
  });
  return headline(model);
}

/** Everything the candidate trains on, and where it came from. */
interface TrainingSet {
  rows: LabelledRow[];
  sources: string[];
  /** Rows the incoming file itself contributed. */
  incomingRows: number;
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
  const swept = sweepTemporaryFolders();
  if (swept.length) log(`removed ${swept.length} temporary folder(s) of retrain runs that were killed`);
  const sha = createHash('sha256').update(object.body).digest('hex');
  const claim = await claimContent<RetrainOutcome>(store, {
    claimKey: retrainClaimKey(sha),
    input: { key: input.key, sha256: sha },
    staleMs: config.staleClaimMs,
    heartbeatMs: config.heartbeatMs,
    now,
  });
  if (!claim.claimed) return { status: 'skipped', reason: claim.reason };
  if (claim.tookOver) log(`${input.key}: took over its claim: ${claim.tookOver}`);
  try {
    crash('after-claim');
    const data = await gatherTrainingSet(store, input.key, object.body, sha, config, log);
    crash('after-ingest');
    if (data.incomingRows === 0) {
      const outcome: RetrainOutcome = {
        status: 'no-data',
        reason: `${input.key} has no usable rows (see data/rejects/)`,
      };
      await claim.finish(outcome);
      return outcome;
    }

    const champion = (await registry.read()).champion;
    crash('before-export');
    let ref = await reusable(store, claim.publishedBefore, log);
    if (!ref) {
      ref = await trainAndPublish(store, data, config, champion, input, log);
      await claim.published(ref);
    }
    crash('after-upload');
    const details = await gateAgainstChampion(store, ref, champion, data.rows, config, input.key, sha);
    crash('before-state-write');
    const outcome = await recordDecision(registry, ref, details, config);
    crash('before-claim-done');
    await claim.finish(outcome);
    log(
      `${input.key}: candidate ${ref.version} ${outcome.status} (${details.gate.reasons.join('; ') || 'gate passed'})`,
    );
    return outcome;
  } catch (err) {
    await claim.fail(err);
    throw err;
  } finally {
    claim.stop();
  }
}

/**
 * The default corpus, then the incoming file (validated; rejects kept in the store), then the
 * feedback that carries text and neither repeats nor contradicts a label already present.
 */
async function gatherTrainingSet(
  store: ObjectStore,
  key: string,
  body: Uint8Array,
  sha: string,
  config: RetrainConfig,
  log: (line: string) => void,
): Promise<TrainingSet> {
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
  const incoming = await ingestIncoming(store, key, body, index, sha);
  log(`${key}: ${incoming.report.total.accepted} rows accepted, ${incoming.report.total.rejected} rejected`);
  if (incoming.rows.length === 0) return { rows, sources, incomingRows: 0 };
  rows.push(...incoming.rows);
  sources.push(`${basename(key)}@${sha.slice(0, 12)}`);
  const feedback = await feedbackTrainingRows(store);
  // A correction of the corpus needs a person to fix the corpus, not a silent override.
  const freshFeedback = feedback.rows.filter(
    (row, i) => index.add(row.text, row.hs6, { source: 'feedback', line: i + 1 }).status === 'new',
  );
  rows.push(...freshFeedback);
  if (freshFeedback.length) sources.push(`feedback(${freshFeedback.length})`);
  return { rows, sources, incomingRows: incoming.rows.length };
}

/**
 * The candidate a run that died had already trained and published for this content, when its
 * files are all there and verify: the same data and seed would train the same bytes again, so
 * scoring it is all that is left to do.
 */
async function reusable(
  store: ObjectStore,
  candidate: ModelRef | undefined,
  log: (line: string) => void,
): Promise<ModelRef | undefined> {
  if (!candidate) return undefined;
  try {
    await loadVerifiedArtifact(store, candidate);
  } catch (err) {
    log(`not reusing ${candidate.version} from the run that stopped: ${errorMessage(err)}`);
    return undefined;
  }
  log(`reusing ${candidate.version}, which the run that stopped had already trained and published`);
  return { variant: candidate.variant, version: candidate.version };
}

/** Trains the candidate and publishes it into the store (manifest last); returns its reference. */
async function trainAndPublish(
  store: ObjectStore,
  data: TrainingSet,
  config: RetrainConfig,
  champion: ModelRef | undefined,
  input: RetrainInput,
  log: (line: string) => void,
): Promise<ModelRef> {
  const { manifest, files } = await trainModel({
    variant: config.variant,
    rows: data.rows,
    sources: data.sources,
    seed: config.seed,
    overrides: config.training,
    parentVersion: champion?.version ?? null,
    log,
    progress: input.progress,
  });
  await publishArtifact(store, storeKeys.modelPrefix(manifest.variant, manifest.version), files);
  return { variant: manifest.variant, version: manifest.version };
}

/** Candidate and champion scored on the same held-out rows, and the gate's verdict. */
async function gateAgainstChampion(
  store: ObjectStore,
  ref: ModelRef,
  champion: ModelRef | undefined,
  rows: readonly LabelledRow[],
  config: RetrainConfig,
  key: string,
  sha: string,
) {
  // The split hashes each text, so it depends only on the data: both see the same rows.
  const params = { ...getVariant(config.variant).training, ...config.training };
  const { validation } = stratifiedSplit(rows, params.validationFraction, config.seed);
  const candidateScore = await scoreOn(store, ref, validation);
  const championScore = champion ? await scoreOn(store, champion, validation) : null;
  return {
    input: key,
    inputSha256: sha,
    heldOutRows: validation.length,
    candidate: candidateScore,
    champion: championScore,
    championRef: champion ?? null,
    gate: applyGate(candidateScore, championScore, config.gate),
  };
}

/** The one conditional registry write: a challenger (or shadow), or a recorded rejection. */
async function recordDecision(
  registry: Registry,
  ref: ModelRef,
  details: Awaited<ReturnType<typeof gateAgainstChampion>>,
  config: RetrainConfig,
): Promise<RetrainOutcome> {
  const { gate } = details;
  if (!gate.passed) {
    await registry.reject(ref, gate.reasons, details);
    return { status: 'rejected', ref, gate };
  }
  const as = config.initialWeight > 0 ? 'challenger' : 'shadow';
  await registry.register(ref, as, config.initialWeight, details);
  return { status: 'registered', ref, gate, as };
}
