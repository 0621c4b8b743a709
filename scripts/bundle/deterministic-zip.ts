import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { ZipFile } from 'yazl';

/** One file of a bundle: where it comes from, where it goes in the zip, and whether it runs. */
export interface BundleEntry {
  /** Path inside the zip, with forward slashes. */
  path: string;
  source: { file: string } | { bytes: Uint8Array };
  executable?: boolean;
}

// Local-time fields, because zip's DOS timestamps are local time: 1980-01-01 00:00 reads the same
// in every time zone, and the extended (UTC) timestamp field is left out.
const FIXED_TIME = new Date(1980, 0, 1, 0, 0, 0);

/**
 * Writes a zip whose bytes depend only on the entries: sorted paths, one fixed timestamp, modes
 * 0644/0755, and the same deflate level, so a rebuild on any machine gives the same sha256.
 * Returns the zip's sha256 and sizes.
 */
export async function writeDeterministicZip(
  target: string,
  entries: readonly BundleEntry[],
): Promise<{ sha256: string; zippedBytes: number; unzippedBytes: number }> {
  const sorted = [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const duplicate = sorted.find((entry, i) => i > 0 && sorted[i - 1]?.path === entry.path);
  if (duplicate) throw new Error(`the bundle lists ${duplicate.path} twice`);
  const zip = new ZipFile();
  let unzippedBytes = 0;
  for (const entry of sorted) {
    const bytes =
      'file' in entry.source ? await readFile(entry.source.file) : Buffer.from(entry.source.bytes);
    unzippedBytes += bytes.byteLength;
    zip.addBuffer(bytes, entry.path, {
      mtime: FIXED_TIME,
      mode: entry.executable ? 0o100755 : 0o100644,
      compress: true,
      compressionLevel: 9,
      forceDosTimestamp: true,
    });
  }
  zip.end();
  await pipeline(zip.outputStream, createWriteStream(target));
  const written = await readFile(target);
  return {
    sha256: createHash('sha256').update(written).digest('hex'),
    zippedBytes: written.byteLength,
    unzippedBytes,
  };
}
