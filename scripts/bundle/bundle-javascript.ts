import { build } from 'esbuild';
import { projectRoot } from '../../models/paths';
import type { BundleTarget } from './targets';

const IMPORT_META_URL = '__bundleImportMetaUrl';

/**
 * The entry module and everything it imports as one CommonJS file. Deterministic: paths in the
 * output are relative to the project root, and the only build-time values are the ones passed in.
 */
export async function bundleJavaScript(
  target: BundleTarget,
  defines: Record<string, string>,
  entry: string = target.entry,
): Promise<Uint8Array> {
  const result = await build({
    entryPoints: [entry],
    absWorkingDir: projectRoot(),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    write: false,
    outfile: 'index.js',
    // onnxruntime-node is shipped beside the bundle (runtime-files.ts); tfjs-node is an optional
    // accelerator that cannot be in a function; esbuild only builds the training threads' script
    // when run from sources, and a bundle ships that script built; the rest the platform provides.
    external: ['onnxruntime-node', '@tensorflow/tfjs-node', 'esbuild', ...target.platformProvided],
    define: {
      ...Object.fromEntries(Object.entries(defines).map(([name, value]) => [name, JSON.stringify(value)])),
      // ES-module builds of some dependencies (chosen for `import` statements) read import.meta.url,
      // which CommonJS output lacks: it becomes the bundle file's own URL.
      'import.meta.url': IMPORT_META_URL,
    },
    banner: { js: `const ${IMPORT_META_URL} = require('node:url').pathToFileURL(__filename).href;` },
    legalComments: 'eof',
    logLevel: 'error',
  });
  const [output] = result.outputFiles;
  if (!output) throw new Error(`esbuild wrote nothing for ${entry}`);
  return output.contents;
}
