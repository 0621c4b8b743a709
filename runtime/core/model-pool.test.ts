import type { Classifier, ModelInfo } from './classifier';
import { ModelUnavailableError } from './errors';
import { ModelPool } from './model-pool';

/** Stands in for a loaded model: the pool only ever reads `info`. */
const loaded = (version: string): Classifier => ({
  info: { variant: 'textcnn', version } as ModelInfo,
  predict: async () => [],
});

describe('ModelPool', () => {
  it('loads a model once however many requests ask for it at the same time', async () => {
    let loads = 0;
    const pool = new ModelPool({
      load: async (ref) => {
        loads++;
        return loaded(ref.version);
      },
      log: () => undefined,
    });
    const ref = { variant: 'textcnn', version: 'v1' };
    const all = await Promise.all(Array.from({ length: 10 }, () => pool.champion(ref)));
    expect(loads).toBe(1);
    expect(new Set(all).size).toBe(1);
  });

  it('remembers a failure, then tries again once the retry interval has passed', async () => {
    let clock = 0;
    let published = false;
    const lines: string[] = [];
    const pool = new ModelPool({
      load: async (ref) => {
        if (!published) throw new Error('not in the store');
        return loaded(ref.version);
      },
      log: (line) => lines.push(line),
      retryFailedAfterMs: 1000,
      now: () => clock,
    });
    const ref = { variant: 'textcnn', version: 'v2' };
    await expect(pool.champion(ref)).rejects.toThrow(ModelUnavailableError);
    published = true;
    clock = 999;
    await expect(pool.champion(ref)).rejects.toThrow(/cannot be loaded \(not in the store\)/);
    clock = 1000;
    expect((await pool.champion(ref)).info.version).toBe('v2');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/no earlier champion is in service.*retry in 1 s/);
  });

  it('skips a shadow that cannot be loaded', async () => {
    const pool = new ModelPool({
      load: async () => {
        throw new Error('corrupt');
      },
      log: () => undefined,
    });
    expect(await pool.shadow({ variant: 'dnn', version: 'x' })).toBeUndefined();
  });
});
