import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { LocalObjectStore } from '../store/local-store';
import type { StoredObject } from '../store/object-store';
import { writeFixtureModel, type FixtureModel } from '../../tests/helpers/model-fixture';
import { loadVerifiedArtifact } from './artifact-loader';

/** A local store that logs when each read starts and ends. */
class LoggingStore extends LocalObjectStore {
  readonly log: string[] = [];

  override async get(key: string): Promise<StoredObject | undefined> {
    this.log.push(`ask ${basename(key)}`);
    const found = await super.get(key);
    this.log.push(`got ${basename(key)}`);
    return found;
  }
}

describe('loadVerifiedArtifact', () => {
  let root: string;
  let model: FixtureModel;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'hscode-loader-'));
    model = await writeFixtureModel(root, { seed: 5, shrink: true });
  });

  it('does the work given to do while reading once the model files are asked for, before any arrives', async () => {
    const store = new LoggingStore(root);
    await loadVerifiedArtifact(store, model.ref, {
      whileReading: async () => {
        store.log.push('while reading');
      },
    });
    const at = (entry: string) => store.log.indexOf(entry);
    expect(at('got manifest.json')).toBeLessThan(at('ask model.onnx'));
    expect(at('while reading')).toBeGreaterThan(at('ask labels.json'));
    expect(at('while reading')).toBeLessThan(at('got model.onnx'));
  });

  it('fails the load with the error of work that throws at once, leaving no read unawaited', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      // A store that fails every model file: those reads reject while the work throws.
      const store = new LoggingStore(root);
      const failing = Object.assign(store, {
        get: async (key: string) => {
          if (!key.endsWith('manifest.json')) throw new Error(`cannot read ${key}`);
          return LoggingStore.prototype.get.call(store, key);
        },
      });
      await expect(
        loadVerifiedArtifact(failing, model.ref, {
          whileReading: () => {
            throw new Error('warm-up failed');
          },
        }),
      ).rejects.toThrow(/warm-up failed|cannot read/);
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('waits for that work before it returns', async () => {
    let done = false;
    const artifact = await loadVerifiedArtifact(new LocalObjectStore(root), model.ref, {
      whileReading: () => new Promise<void>((resolve) => setTimeout(() => resolve(void (done = true)), 50)),
    });
    expect(done).toBe(true);
    expect(artifact.manifest.version).toBe(model.ref.version);
  });
});
