import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readWholeFile } from './read-whole-file';

describe('readWholeFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hscode-read-whole-'));

  it.each([0, 1, 512 * 1024 + 7, 11 * 1024 * 1024])('returns every byte of a %i-byte file', async (size) => {
    const path = join(dir, `file-${size}`);
    const bytes = randomBytes(size);
    writeFileSync(path, bytes);
    expect((await readWholeFile(path)).equals(bytes)).toBe(true);
  });

  it('fails as readFile does for a missing file or a folder', async () => {
    await expect(readWholeFile(join(dir, 'missing'))).rejects.toMatchObject({ code: 'ENOENT' });
    mkdirSync(join(dir, 'folder'));
    await expect(readWholeFile(join(dir, 'folder'))).rejects.toMatchObject({ code: 'EISDIR' });
  });
});
