import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registrySeed } from '../infra/publication';
import { ensureChampion } from '../runtime/registry/ensure-champion';
import { readHistory } from '../runtime/registry/history';
import { Registry } from '../runtime/registry/registry';
import { parseRegistryState, serialiseState } from '../runtime/registry/registry-state';
import { verifyRegistry } from '../runtime/registry/verify';
import { LocalObjectStore } from '../runtime/store/local-store';

const ref = { variant: 'textcnn', version: 'textcnn-0123456789ab' };

/**
 * The deployment writes the registry's first state itself, as a seed with no history: it must be
 * the runtime's seed byte for byte, and the runtime's first decision must anchor it as seq 1.
 */
describe('the registry seed the deployment writes', () => {
  let home: string;
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'hscode-seed-'));
  });
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  it('is the seed the runtime writes for an empty registry', async () => {
    const seed = registrySeed({ ...ref, sha256: 'e'.repeat(64) });
    const text = (seed.source as { text: string }).text;
    expect(text).toBe(serialiseState(parseRegistryState(text)));
    const anchored = await ensureChampion(new LocalObjectStore(home), ref);
    expect(serialiseState(anchored.state)).toBe(text);
  });

  it('is anchored by the first registry decision as the history’s first entry', async () => {
    const store = new LocalObjectStore(home);
    const seed = registrySeed({ ...ref, sha256: 'e'.repeat(64) });
    await store.put(seed.key, (seed.source as { text: string }).text);
    // No model files in this store: verify checks the chain first, then names the artifact.
    expect(await verifyRegistry(store)).toMatchObject({ ok: false, broken: { kind: 'artifact', ref } });
    await new Registry(store, { actor: 'scheduled-jobs' }).ensureAnchored();
    const [genesis] = await readHistory(store);
    expect(genesis).toMatchObject({ seq: 1, type: 'registered', subject: ref, actor: 'scheduled-jobs' });
    expect(genesis?.state).toEqual(parseRegistryState((seed.source as { text: string }).text));
    // The seed names a model this store does not hold: verify says so, not the chain.
    expect(await verifyRegistry(store)).toMatchObject({ ok: false, broken: { kind: 'artifact', ref } });
  });
});
