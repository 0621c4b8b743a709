/**
 * Copies a local store, rewriting every model's lexical index in the current stored format (and
 * its manifest's sha256 and size to match): to measure what a model trained by this build loads
 * like, from a model trained before, without training again. The scores do not change (the
 * format holds the same numbers); the copy's manifests name the new bytes.
 *
 *   npx tsx bench/repack-lexical-index.ts --from DIR --to DIR
 */
import { createHash } from 'node:crypto';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ARTIFACT_FILES } from '../models/artifact';
import type { ModelManifest } from '../models/manifest';
import { LexicalIndex } from '../models/retrieval/lexical-index';

const { values } = parseArgs({ options: { from: { type: 'string' }, to: { type: 'string' } } });
if (!values.from || !values.to) throw new Error('pass --from DIR --to DIR');
cpSync(values.from, values.to, { recursive: true });
const models = join(values.to, 'models');
for (const variant of readdirSync(models)) {
  for (const version of readdirSync(join(models, variant))) {
    const dir = join(models, variant, version);
    const manifestFile = join(dir, 'manifest.json');
    if (!existsSync(manifestFile)) continue;
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as ModelManifest;
    if (!manifest.lexicalIndex) continue;
    const file = join(dir, manifest.lexicalIndex.file);
    const bytes = LexicalIndex.fromBytes(readFileSync(file), manifest.labels.count).toBytes();
    rmSync(file);
    writeFileSync(join(dir, ARTIFACT_FILES.lexicalIndex), bytes);
    manifest.lexicalIndex.file = ARTIFACT_FILES.lexicalIndex;
    manifest.lexicalIndex.sha256 = createHash('sha256').update(bytes).digest('hex');
    manifest.lexicalIndex.bytes = bytes.length;
    writeFileSync(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
    console.log(
      `${variant}/${version}: lexical index ${bytes.length} bytes, sha256 ${manifest.lexicalIndex.sha256}`,
    );
  }
}
