import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registrySeed } from '../infra/publication';
import { ensureChampion, parseRegistryState } from '../runtime/registry/registry-state';
import { LocalObjectStore } from '../runtime/store/local-store';

/** The deployment writes the registry's first state itself: it must be the runtime's, byte for byte. */
test('the registry seed the deployment writes is what the runtime writes for an empty registry', async () => {
  const home = mkdtempSync(join(tmpdir(), 'hscode-seed-'));
  try {
    const ref = { variant: 'textcnn', version: 'textcnn-0123456789ab' };
    await ensureChampion(new LocalObjectStore(home), ref);
    const seed = registrySeed({ ...ref, sha256: 'e'.repeat(64) });
    const text = (seed.source as { text: string }).text;
    expect(text).toBe(readFileSync(join(home, seed.key), 'utf8'));
    expect(parseRegistryState(text).champion).toEqual(ref);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});
