import { Command, InvalidArgumentError, Option } from 'commander';
import { copyFileSync, mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { hscodeHome, storeKeys } from '../../models/store-layout';
import { VARIANTS, type VariantName } from '../../models/variants';
import { DEFAULT_RETRAIN } from '../../runtime/jobs/retrain-config';
import { SEQUENTIAL_TEST_DEFAULTS } from '../../runtime/stats/sequential-test';

const fraction = (value: string) => {
  const n = Number(value);
  if (!(n >= 0 && n <= 1)) throw new InvalidArgumentError('expected a number from 0 to 1');
  return n;
};

function retrainCommand(): Command {
  return new Command('retrain')
    .description(
      'Retrain on labelled files under data/incoming/ and register the candidate if it passes the gate',
    )
    .argument(
      '[files...]',
      'copy these files into data/incoming/ first (default: process what is already there)',
    )
    .addOption(
      new Option('--variant <name>', 'architecture to train')
        .choices(Object.keys(VARIANTS))
        .default(DEFAULT_RETRAIN.variant),
    )
    .option(
      '--weight <share>',
      'initial traffic share of a new challenger (0 = shadow)',
      fraction,
      DEFAULT_RETRAIN.initialWeight,
    )
    .option(
      '--max-drop <fraction>',
      'largest subheading top-1 drop against the champion the gate accepts',
      fraction,
      DEFAULT_RETRAIN.gate.maxDrop,
    )
    .option(
      '--floor <fraction>',
      'lowest subheading top-1 the gate accepts',
      fraction,
      DEFAULT_RETRAIN.gate.floor,
    )
    .option('--epochs <n>', "override the variant's epoch count", (v) => Number(v))
    .option('--without-default-corpus', 'train on feedback and the new files only')
    .addHelpText(
      'after',
      `
Each file is claimed by the sha256 of its content, so the same data never trains twice; rejected
rows are kept under data/rejects/. The candidate and the champion are scored on the same
held-out rows; the decision and its numbers land in the registry history.

Examples:
  $ hscode jobs retrain declarations-2026-11.csv
  $ hscode jobs retrain --weight 0 --floor 0.4      # candidates start as shadows`,
    )
    .action(async (files: string[], opts) => {
      const home = hscodeHome();
      const log = (line: string) => process.stderr.write(`${line}\n`);
      const incoming = join(home, storeKeys.incomingData);
      mkdirSync(incoming, { recursive: true });
      for (const file of files) copyFileSync(file, join(incoming, basename(file)));
      // Loaded here: training pulls in TensorFlow.js, which other commands do not need.
      const [{ LocalObjectStore }, { Registry }, { retrainFromIncoming }, { trainingProgressBar }] =
        await Promise.all([
          import('../../runtime/store/local-store'),
          import('../../runtime/registry/registry'),
          import('../../runtime/jobs/retrain'),
          import('../progress-bar'),
        ]);
      const store = new LocalObjectStore(home);
      const registry = new Registry(store, { actor: 'retrain-job' });
      const keys = files.length
        ? files.map((f) => `${storeKeys.incomingData}${basename(f)}`)
        : await store.list(storeKeys.incomingData);
      if (keys.length === 0) log(`nothing under ${incoming}: drop a labelled CSV there or pass files`);
      for (const key of keys) {
        const outcome = await retrainFromIncoming({
          store,
          registry,
          key,
          log,
          progress: trainingProgressBar(),
          config: {
            variant: opts.variant as VariantName,
            initialWeight: opts.weight,
            gate: { maxDrop: opts.maxDrop, floor: opts.floor },
            withDefaultCorpus: !opts.withoutDefaultCorpus,
            ...(opts.epochs ? { training: { epochs: opts.epochs } } : {}),
          },
        });
        process.stdout.write(`${key}: ${JSON.stringify(outcome)}\n`);
      }
    });
}

function promoteCommand(): Command {
  return new Command('promote')
    .description('Decide each challenger: ramp its traffic, promote it, roll it back or keep collecting')
    .option('--json', 'print the evaluations as JSON')
    .addHelpText(
      'after',
      `
Feedback is joined with the predictions it rates, per arm; an always-valid sequential test
(mSPRT, alpha ${SEQUENTIAL_TEST_DEFAULTS.alpha}, at least ${SEQUENTIAL_TEST_DEFAULTS.minSamplesPerArm} feedback events per arm) and latency guardrails decide, so
running this as often as you like does not inflate false promotions. Decisions and their
numbers land in the registry history ("hscode models history").

Example:
  $ hscode jobs promote`,
    )
    .action(async (opts: { json?: boolean }) => {
      const [{ LocalObjectStore }, { Registry }, { runPromoteJob }, { LocalAuditTrail }] = await Promise.all([
        import('../../runtime/store/local-store'),
        import('../../runtime/registry/registry'),
        import('../../runtime/jobs/promote'),
        import('../../runtime/jobs/local-audit-trail'),
      ]);
      const home = hscodeHome();
      const store = new LocalObjectStore(home);
      const evaluations = await runPromoteJob({
        store,
        registry: new Registry(store, { actor: 'promote-job' }),
        audit: new LocalAuditTrail(home),
      });
      if (opts.json) process.stdout.write(`${JSON.stringify(evaluations, null, 2)}\n`);
      else if (evaluations.length === 0) process.stdout.write('no challenger to decide on\n');
      else {
        for (const e of evaluations) {
          process.stdout.write(
            `${e.challenger.version}: ${e.action}${e.applied ? '' : ' (no change)'} — ${e.reason}\n`,
          );
        }
      }
    });
}

export function jobsCommand(): Command {
  return new Command('jobs')
    .description('Run the MLOps jobs by hand (the server runs them on its own)')
    .addCommand(retrainCommand())
    .addCommand(promoteCommand());
}
