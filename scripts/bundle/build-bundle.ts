import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { trainingCodeFingerprint } from '../../training/code-fingerprint';
import { codeVersion } from '../../training/code-version';
import { OPTIONAL_FUNCTION_ENV } from '../../models/deployment';
import { projectFile } from '../../models/paths';
import { bundleJavaScript } from './bundle-javascript';
import { writeDeterministicZip, type BundleEntry } from './deterministic-zip';
import { runtimeFiles } from './runtime-files';
import { bundleName, type BundleTarget } from './targets';

/** What the bundler prints and writes beside each zip; the Pulumi program reads it. */
export interface BundleIndex {
  cloud: string;
  role: string;
  arch: string;
  file: string;
  sha256: string;
  zippedBytes: number;
  unzippedBytes: number;
  handlers: Record<string, string>;
}

const FRAMEWORK = '@google-cloud/functions-framework';
const GRADIENT_WORKER_ENTRY = 'training/parallel/gradient-worker.ts';
const GRADIENT_WORKER_FILE = 'gradient-worker.js';

/** The exact version our package.json pins (the one the tests run under). */
function pinnedVersion(name: string): string {
  const manifest = JSON.parse(readFileSync(projectFile('package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
    devDependencies: Record<string, string>;
  };
  const version = manifest.dependencies[name] ?? manifest.devDependencies[name];
  if (!version) throw new Error(`package.json does not pin ${name}, which the bundle needs`);
  return version;
}

const json = (value: unknown) => Buffer.from(`${JSON.stringify(value, null, 2)}\n`);

/** The platform files each cloud expects at the root of a function package. */
function platformFiles(target: BundleTarget): BundleEntry[] {
  const packageJson = {
    name: `hscode-${bundleName(target)}`,
    private: true,
    // The functions find shipped data relative to the folder holding package.json.
    main: 'index.js',
    engines: { node: '>=20' },
    // Cloud Functions' build installs the framework that calls our exports; naming the exact
    // version the tests ran under keeps it from picking whatever is newest on deployment day.
    ...(target.cloud === 'gcp' && { dependencies: { [FRAMEWORK]: pinnedVersion(FRAMEWORK) } }),
  };
  const files: BundleEntry[] = [{ path: 'package.json', source: { bytes: json(packageJson) } }];
  if (target.cloud === 'azure') {
    const host = {
      version: '2.0',
      extensionBundle: { id: 'Microsoft.Azure.Functions.ExtensionBundle', version: '[4.*, 5.0.0)' },
      // The API's paths are the same as everywhere else: no "/api" prefix.
      extensions: { http: { routePrefix: '' } },
    };
    files.push({ path: 'host.json', source: { bytes: json(host) } });
  }
  return files;
}

/**
 * One function bundle: the entry module bundled with esbuild, the runtime files it reads, and its
 * platform's files, as a deterministic zip plus its index in `outDir`.
 */
export async function buildBundle(target: BundleTarget, outDir: string): Promise<BundleIndex> {
  const defines: Record<string, string> = {
    [`process.env.${OPTIONAL_FUNCTION_ENV.codeVersion}`]: codeVersion(),
  };
  // A retrained model names the training code it came from; a bundle has no sources to hash.
  if (target.role === 'retrain')
    defines['process.env.HSCODE_TRAINING_FINGERPRINT'] = trainingCodeFingerprint();
  const javascript = await bundleJavaScript(target, defines);
  // Training threads run their own script, found beside the entry; without it training uses one.
  const trainingThreads: BundleEntry[] =
    target.role === 'retrain'
      ? [
          {
            path: GRADIENT_WORKER_FILE,
            source: { bytes: await bundleJavaScript(target, defines, GRADIENT_WORKER_ENTRY) },
          },
        ]
      : [];
  const name = bundleName(target);
  mkdirSync(outDir, { recursive: true });
  const written = await writeDeterministicZip(join(outDir, `${name}.zip`), [
    { path: 'index.js', source: { bytes: javascript } },
    ...trainingThreads,
    ...platformFiles(target),
    ...runtimeFiles(target),
  ]);
  const index: BundleIndex = {
    cloud: target.cloud,
    role: target.role,
    arch: target.arch,
    file: `${name}.zip`,
    ...written,
    handlers: target.handlers,
  };
  writeFileSync(join(outDir, `${name}.json`), json(index));
  return index;
}
