import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { storeKeys } from '../../models/store-layout';
import { LocalObjectStore } from '../store/local-store';
import {
  cachedRoutingState,
  InvalidRegistryStateError,
  parseRegistryState,
  readRegistryState,
  serialiseState,
} from './registry-state';
import { ensureChampion } from './ensure-champion';

const freshStore = () => new LocalObjectStore(mkdtempSync(join(tmpdir(), 'hscode-registry-')));
const a = { variant: 'textcnn', version: 'textcnn-aaaaaaaaaaaa' };
const b = { variant: 'textcnn', version: 'textcnn-bbbbbbbbbbbb' };

describe('registry state', () => {
  it('registers the first champion and leaves an existing one alone', async () => {
    const store = freshStore();
    const first = await ensureChampion(store, a);
    expect(first.state).toMatchObject({
      champion: a,
      challengers: [],
      shadows: [],
      revision: 1,
      fallback: null,
    });
    const second = await ensureChampion(store, b);
    expect(second.state.champion).toEqual(a);
    expect((await readRegistryState(store))?.version).toBe(first.version);
  });

  it('lets exactly one of two racing registrations create the state', async () => {
    const store = freshStore();
    const results = await Promise.all([ensureChampion(store, a), ensureChampion(store, b)]);
    const stored = await readRegistryState(store);
    expect(results[0].state.champion).toEqual(stored?.state.champion);
    expect(results[1].state.champion).toEqual(stored?.state.champion);
  });

  it.each([
    ['not JSON', '{'],
    [
      'no champion',
      JSON.stringify({ schemaVersion: 1, revision: 1, challengers: [], shadows: [], fallback: null }),
    ],
    [
      'weights above 1',
      serialiseState({
        schemaVersion: 1,
        revision: 2,
        champion: a,
        challengers: [
          { ...b, weight: 0.8 },
          { variant: 'dnn', version: 'dnn-1', weight: 0.3 },
        ],
        shadows: [],
        fallback: null,
      }),
    ],
  ])('refuses a state with %s', (_, body) => {
    expect(() => parseRegistryState(body)).toThrow(InvalidRegistryStateError);
  });

  it('re-reads the state after its time to live and keeps the last good one when a read fails', async () => {
    const store = freshStore();
    await ensureChampion(store, a);
    let clock = 0;
    const routing = cachedRoutingState(store, 1000, () => clock);
    expect((await routing()).champion).toEqual(a);

    const promoted = { ...(await readRegistryState(store))!.state, champion: b, fallback: a, revision: 2 };
    writeFileSync(join(store.root, storeKeys.registryState), serialiseState(promoted));
    expect((await routing()).champion).toEqual(a);
    clock = 1500;
    expect((await routing()).champion).toEqual(b);

    writeFileSync(join(store.root, storeKeys.registryState), '{ broken');
    clock = 3000;
    await expect(routing()).rejects.toThrow(InvalidRegistryStateError);
    expect((await routing()).champion).toEqual(b);
  });
});
