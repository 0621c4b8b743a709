import { Command, InvalidArgumentError, Option } from 'commander';
import { copyFileSync, mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { hscodeHome, storeKeys } from '../../models/store-layout';
import { VARIANTS, type VariantName } from '../../models/variants';
import { DEFAULT_RETRAIN } from '../../runtime/jobs/retrain-config';
import { parseBytes, parseDays, RETENTION_ENV, retentionFromEnv } from '../../runtime/jobs/retention-config';
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

const sizeText = (bytes: number | null) => (bytes === null ? 'none' : String(bytes));

function retentionCommand(): Command {
  // The defaults shown are the ones in effect: DEFAULT_RETENTION with the environment's overrides.
  const defaults = retentionFromEnv(process.env);
  return new Command('retention')
    .description('Delete audit records and feedback past their retention, keeping what is still needed')
    .option(
      '--audit-days <n>',
      'days of audit records kept, today included',
      (v) => parseDays(v, '--audit-days'),
      defaults.audit.days,
    )
    .addOption(
      new Option('--audit-bytes <size>', 'most audit bytes kept (500MB, 20GiB, none)')
        .argParser((v) => parseBytes(v, '--audit-bytes'))
        .default(defaults.audit.bytes, sizeText(defaults.audit.bytes)),
    )
    .option(
      '--feedback-days <n>',
      'days of feedback kept, today included',
      (v) => parseDays(v, '--feedback-days'),
      defaults.feedback.days,
    )
    .addOption(
      new Option('--feedback-bytes <size>', 'most feedback bytes kept (500MB, 20GiB, none)')
        .argParser((v) => parseBytes(v, '--feedback-bytes'))
        .default(defaults.feedback.bytes, sizeText(defaults.feedback.bytes)),
    )
    .option('--dry-run', 'say what would be deleted, delete nothing')
    .option('--json', 'print the report as JSON')
    .addHelpText(
      'after',
      `
Days count whole UTC days, today included; past a byte cap the oldest days go first. Never
deleted, whatever the limits: today's records; audit records and feedback since the start of an
open experiment (a challenger in the registry), which the promote job compares the arms on; and
feedback carrying description text that no finished retrain has consumed yet, or any of it while
a labelled file waits under data/incoming/. When those alone exceed a cap, the report says by
how much and why. 'hscode serve' and the clouds' scheduled functions apply the same limits every
hour. Defaults (set them in the environment): ${RETENTION_ENV.auditDays}=${defaults.audit.days},
${RETENTION_ENV.auditBytes}=${sizeText(defaults.audit.bytes)}, ${RETENTION_ENV.feedbackDays}=${defaults.feedback.days}, ${RETENTION_ENV.feedbackBytes}=${sizeText(defaults.feedback.bytes)}.

Examples:
  $ hscode jobs retention --dry-run
  $ hscode jobs retention --audit-days 14 --audit-bytes 20GiB`,
    )
    .action(
      async (opts: {
        auditDays: number;
        auditBytes: number | null;
        feedbackDays: number;
        feedbackBytes: number | null;
        dryRun?: boolean;
        json?: boolean;
      }) => {
        const [{ LocalObjectStore }, { runRetention }] = await Promise.all([
          import('../../runtime/store/local-store'),
          import('../../runtime/jobs/retention'),
        ]);
        const report = await runRetention({
          store: new LocalObjectStore(hscodeHome()),
          config: {
            audit: { days: opts.auditDays, bytes: opts.auditBytes },
            feedback: { days: opts.feedbackDays, bytes: opts.feedbackBytes },
          },
          dryRun: opts.dryRun ?? false,
        });
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
          return;
        }
        for (const kind of ['audit', 'feedback'] as const) {
          const outcome = report[kind];
          process.stdout.write(
            `${kind}: ${report.dryRun ? 'would delete' : 'deleted'} ${outcome.deleted.length} object(s), ${outcome.deletedBytes} bytes` +
              (outcome.keptForNeeds > 0
                ? `; kept ${outcome.keptForNeeds} past the limits for ${outcome.reason}`
                : '') +
              (outcome.overCapBytes > 0 ? `; ${outcome.overCapBytes} bytes over the cap` : '') +
              '\n',
          );
        }
      },
    );
}

export function jobsCommand(): Command {
  return new Command('jobs')
    .description('Run the MLOps jobs by hand (the server runs them on its own)')
    .addCommand(retrainCommand())
    .addCommand(promoteCommand())
    .addCommand(retentionCommand());
}
