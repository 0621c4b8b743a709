import { readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { projectFile } from '../../models/paths';
import { WORDNET_NOUN_FILES } from '../../training/lexicon/wordnet-nouns';
import type { BundleEntry } from './deterministic-zip';
import type { BundleTarget } from './targets';

/** Every file under a folder (relative to the project), placed under `into` in the bundle. */
function folderEntries(
  folder: string,
  into: string,
  keep: (path: string) => boolean = () => true,
): BundleEntry[] {
  const root = projectFile(folder);
  const entries: BundleEntry[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else {
        const inside = relative(root, path).split(sep).join('/');
        if (keep(inside)) entries.push({ path: `${into}/${inside}`, source: { file: path } });
      }
    }
  };
  walk(root);
  return entries;
}

const javascriptOnly = (path: string) => /(^|\/)package\.json$/.test(path) || /\.(js|cjs)$/.test(path);

/**
 * ONNX Runtime as the platform loads it: its JavaScript and only the native binaries of the
 * target's OS and architecture (about 45 MB for linux/x64, 25 MB for arm64, instead of 288 MB).
 * Kept outside the bundled JavaScript because it loads its binding with a computed path.
 */
function onnxRuntime(arch: string): BundleEntry[] {
  return [
    ...folderEntries(
      'node_modules/onnxruntime-node',
      'node_modules/onnxruntime-node',
      (p) =>
        p === 'package.json' ||
        (p.startsWith('dist/') && javascriptOnly(p)) ||
        p.startsWith(`bin/napi-v6/linux/${arch}/`),
    ),
    ...folderEntries(
      'node_modules/onnxruntime-common',
      'node_modules/onnxruntime-common',
      (p) => p === 'package.json' || (p.startsWith('dist/cjs/') && javascriptOnly(p)),
    ),
  ];
}

/** TensorFlow.js's wasm binaries: without them the backend silently falls back to the CPU one. */
const tfjsWasm = (): BundleEntry[] =>
  folderEntries('node_modules/@tensorflow/tfjs-backend-wasm/dist', 'tfjs-wasm', (p) =>
    /^[^/]+\.wasm$/.test(p),
  );

/** The files a bundle reads at run time, besides its JavaScript. */
export function runtimeFiles(target: BundleTarget): BundleEntry[] {
  const entries: BundleEntry[] = [
    { path: 'models/hs/hs2022.json', source: { file: projectFile('models/hs/hs2022.json') } },
    ...onnxRuntime(target.arch),
  ];
  if (target.role === 'predict') entries.push(...folderEntries('runtime/web', 'web'));
  if (target.role === 'retrain') {
    // Training reads WordNet's noun files (not its package's code) to build the index's synonyms.
    const wordnet = WORDNET_NOUN_FILES.map((path) => ({ path, source: { file: projectFile(path) } }));
    entries.push(...folderEntries('data/public', 'data/public'), ...tfjsWasm(), ...wordnet);
  }
  return entries;
}
