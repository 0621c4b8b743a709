import { Command, InvalidArgumentError, Option } from 'commander';
import { relative } from 'node:path';
import { hscodeHome } from '../../models/store-layout';
import { DEFAULT_VARIANT, VARIANTS } from '../../models/variants';
import { DEFAULT_SEED } from '../../training/defaults';
import { trainingProgressBar } from '../progress-bar';

const wholeNumber = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number ≥ 0');
  return n;
};

const positiveNumber = (value: string) => {
  const n = wholeNumber(value);
  if (n < 1) throw new InvalidArgumentError('expected a whole number ≥ 1');
  return n;
};

export function trainCommand(): Command {
  return new Command('train')
    .description('Train a model and write its artifact (ONNX + manifest + report)')
    .addOption(
      new Option('--variant <name>', 'architecture from the catalogue')
        .choices(Object.keys(VARIANTS))
        .default(DEFAULT_VARIANT),
    )
    .option('--data <files...>', 'labelled CSV/TSV/JSONL files (default: the shipped default corpus)')
    .option('--with-default-corpus', 'train on the default corpus plus --data files')
    .option(
      '--dev <file>',
      'development set scored into the manifest (default with the default corpus: the shipped 78 cases)',
    )
    .option(
      '--out <dir>',
      'write the artifact to this folder (default: $HSCODE_HOME/models/<variant>/<version>/)',
    )
    .option(
      '--seed <n>',
      'seed for split, initialisation, shuffling and augmentation',
      wholeNumber,
      DEFAULT_SEED,
    )
    .option('--epochs <n>', 'override the catalogue’s epoch count', wholeNumber)
    .option(
      '--time-budget <seconds>',
      'opt-in: stop starting new epochs after this many seconds (the model then depends on the machine; the manifest records stoppedBy: time-budget)',
      wholeNumber,
    )
    .addOption(
      new Option('--backend <name>', 'tensorflow backend').choices(['auto', 'wasm', 'cpu']).default('auto'),
    )
    .option(
      '--threads <n>',
      'threads to compute gradients on (default: one per core, up to the catalogue’s gradient shards; the model does not depend on it)',
      positiveNumber,
    )
    .option('--if-missing', 'do nothing when $HSCODE_HOME already has a model of this variant')
    .option('--quiet', 'no progress bar')
    .addHelpText(
      'after',
      `
Examples:
  $ hscode train                                   # default Text-CNN on the default corpus, into ./var
  $ hscode train --variant bigru --epochs 4
  $ hscode train --data declarations.csv --with-default-corpus --out ./my-model

The artifact folder holds model.onnx, manifest.json, encoder.json, labels.json and report.html.
Same data + same seed + same code = the same model.onnx sha256.`,
    )
    .action(async (opts) => {
      // Loaded on use, so that other commands (a server's cold start above all) do not pay for them.
      const [{ hasLocalModel }, { loadTrainingData, loadDevelopmentSet }] = await Promise.all([
        import('../model-location'),
        import('../training-data'),
      ]);
      const home = hscodeHome();
      if (opts.ifMissing && !opts.out && hasLocalModel(home, opts.variant)) {
        process.stderr.write(
          `a ${opts.variant} model is already in ${home}: not training (drop --if-missing to retrain)\n`,
        );
        return;
      }
      const data = await loadTrainingData({
        files: opts.data,
        withDefaultCorpus: Boolean(opts.withDefaultCorpus),
      });
      const development = await loadDevelopmentSet(opts.dev, !opts.data || Boolean(opts.withDefaultCorpus));
      const log = (line: string) => process.stderr.write(`${line}\n`);
      const started = Date.now();
      // Loaded here so that commands which never train do not pay for TensorFlow.js at start-up.
      const [{ trainModel }, { publishLocalModel, publishModelFolder }] = await Promise.all([
        import('../../training/train'),
        import('../../runtime/local/local-models'),
      ]);
      const trained = await trainModel({
        variant: opts.variant,
        rows: data.rows,
        sources: data.sources,
        seed: opts.seed,
        overrides: {
          ...(opts.epochs !== undefined && { epochs: opts.epochs }),
          ...(opts.timeBudget !== undefined && { timeBudgetSeconds: opts.timeBudget }),
        },
        development,
        backend: opts.backend,
        threads: opts.threads,
        progress: opts.quiet ? undefined : trainingProgressBar(),
        log,
      });
      const dir = opts.out
        ? await publishModelFolder(opts.out, trained.files)
        : await publishLocalModel(home, trained);
      const { manifest } = trained;
      const v = manifest.metrics.validation;
      const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
      process.stdout.write(
        [
          `model    ${manifest.version} (${manifest.training.stoppedBy} after epoch ${manifest.training.history.length}, best ${manifest.training.bestEpoch})`,
          `held-out top-1 chapter ${pct(v.top1.hs2)}  heading ${pct(v.top1.hs4)}  subheading ${pct(v.top1.hs6)} | top-5 subheading ${pct(v.top5.hs6)}`,
          `onnx     sha256 ${manifest.onnx.sha256}`,
          `folder   ${relative(process.cwd(), dir) || '.'}`,
          `report   ${relative(process.cwd(), dir)}/report.html`,
          `time     ${((Date.now() - started) / 1000).toFixed(1)} s end to end`,
          '',
        ].join('\n'),
      );
    });
}
