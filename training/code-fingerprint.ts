import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { projectRoot } from '../models/paths';
import { codeVersion } from './code-version';

/** What decides the bytes training writes: its code, the model contract, and the locked dependencies. */
const FINGERPRINTED = { folders: ['training', 'models'], files: ['package-lock.json'] };
const SOURCE = /\.(ts|json)$/;
const TEST = /\.test\.ts$/;

function sourceFiles(root: string, folder: string): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (SOURCE.test(entry.name) && !TEST.test(entry.name)) files.push(path);
    }
  };
  if (existsSync(join(root, folder))) walk(join(root, folder));
  return files;
}

/**
 * A sha256 of the code that determines a trained model's bytes, written into the ONNX file as its
 * producer version. Unlike the git commit (kept in the manifest for lineage), it stays the same
 * across commits that change nothing training depends on, such as documentation, the runtime or
 * tests, so the same data, seed and code give the same model sha256 whichever commit trained it.
 * It hashes the TypeScript sources, also when the compiled dist/ tree is what runs: `npm start`
 * builds first, and after editing sources `npm run build` keeps the two in step. Where the sources
 * are absent (a deployed bundle), the bundler wrote the fingerprint of the sources it was built
 * from into the code; without that either, it falls back to codeVersion().
 */
export function trainingCodeFingerprint(root = projectRoot()): string {
  const files = FINGERPRINTED.folders.flatMap((folder) => sourceFiles(root, folder));
  if (!files.some((file) => file.endsWith('.ts')))
    return process.env.HSCODE_TRAINING_FINGERPRINT ?? codeVersion();
  files.push(...FINGERPRINTED.files.map((file) => join(root, file)).filter((file) => existsSync(file)));
  const digest = createHash('sha256');
  for (const file of files.map((f) => relative(root, f).split(sep).join('/')).sort()) {
    const content = createHash('sha256')
      .update(readFileSync(join(root, file)))
      .digest('hex');
    digest.update(`${file}\0${content}\n`);
  }
  return `training-code-sha256:${digest.digest('hex')}`;
}
