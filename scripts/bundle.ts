import { Command, Option } from 'commander';
import { relative } from 'node:path';
import { BUNDLE_ROLES, type BundleRole } from '../models/deployment';
import { projectFile } from '../models/paths';
import { errorMessage } from '../runtime/core/errors';
import { buildBundle } from './bundle/build-bundle';
import { ARCHES, ARCHES_OF, bundleTarget, CLOUDS, type Arch, type Cloud } from './bundle/targets';

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

const program = new Command('bundle')
  .description('Build deterministic function bundles (zip + index) for a cloud')
  .addOption(new Option('--cloud <cloud>', 'target cloud').choices([...CLOUDS]).makeOptionMandatory())
  .addOption(
    new Option('--arch <arch>', 'CPU architecture (default: every one the cloud runs)').choices([...ARCHES]),
  )
  .addOption(new Option('--role <role>', 'bundle role (default: both)').choices([...BUNDLE_ROLES]))
  .option('--out <dir>', 'output folder', projectFile('dist/bundles'))
  .addHelpText(
    'after',
    `
The predict bundle carries the api, batch and jobs functions (ONNX Runtime, no TensorFlow.js); the
retrain bundle carries the retrain function with TensorFlow.js and its wasm binaries. Each zip is
deterministic: the same sources give the same sha256 on any machine.

Examples:
  $ npm run bundle -- --cloud aws                    # aws-predict-x64, aws-predict-arm64, aws-retrain-…
  $ npm run bundle -- --cloud gcp --role predict`,
  )
  .action(async (opts: { cloud: Cloud; arch?: Arch; role?: BundleRole; out: string }) => {
    const arches = opts.arch ? [opts.arch] : ARCHES_OF[opts.cloud];
    const roles = opts.role ? [opts.role] : BUNDLE_ROLES;
    for (const role of roles) {
      for (const arch of arches) {
        const index = await buildBundle(bundleTarget(opts.cloud, role, arch), opts.out);
        process.stdout.write(
          `${relative(process.cwd(), `${opts.out}/${index.file}`)}  sha256 ${index.sha256}  ` +
            `${mb(index.zippedBytes)} zipped, ${mb(index.unzippedBytes)} unzipped\n`,
        );
      }
    }
  });

program.parseAsync().catch((err: unknown) => {
  process.stderr.write(`bundle: ${errorMessage(err)}\n`);
  process.exit(1);
});
