import { mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalObjectStore } from '../runtime/store/local-store';
import { publishArtifact, type ArtifactTarget } from './artifact-publish';

const files = {
  'model.onnx': new Uint8Array([1, 2, 3]),
  'encoder.json': '{}',
  'labels.json': '[]',
  'report.html': '<p>',
  'manifest.json': '{"version":"x"}',
};

/** A real local store that remembers the order of writes and can fail at a chosen key. */
function recordingStore(failAt?: string): ArtifactTarget & { order: string[]; root: string } {
  const store = new LocalObjectStore(mkdtempSync(join(tmpdir(), 'hscode-publish-')));
  const order: string[] = [];
  return {
    order,
    root: store.root,
    put: async (key, body) => {
      if (key === failAt) throw new Error(`disk full writing ${key}`);
      order.push(key);
      return store.put(key, body);
    },
  };
}

describe('publishArtifact', () => {
  it('writes every file under the prefix and the manifest last', async () => {
    const store = recordingStore();
    await publishArtifact(store, 'models/textcnn/textcnn-abc/', files);
    expect(store.order).toHaveLength(5);
    expect(store.order.at(-1)).toBe('models/textcnn/textcnn-abc/manifest.json');
    expect(existsSync(join(store.root, 'models/textcnn/textcnn-abc/model.onnx'))).toBe(true);
  });

  it('leaves no manifest behind when a file before it fails, so nothing can load half a model', async () => {
    const store = recordingStore('labels.json');
    await expect(publishArtifact(store, '', files)).rejects.toThrow(/disk full writing labels\.json/);
    expect(existsSync(join(store.root, 'manifest.json'))).toBe(false);
  });

  it('publishes the lexical index the manifest names before the manifest, and refuses one left out', async () => {
    const manifest = JSON.stringify({ version: 'x', lexicalIndex: { file: 'lexical-index.bin' } });
    const store = recordingStore();
    const index = new Uint8Array([9, 9]);
    await publishArtifact(store, '', { ...files, 'manifest.json': manifest, 'lexical-index.bin': index });
    expect(store.order.indexOf('lexical-index.bin')).toBeGreaterThanOrEqual(0);
    expect(store.order.at(-1)).toBe('manifest.json');
    const without = recordingStore();
    await expect(publishArtifact(without, '', { ...files, 'manifest.json': manifest })).rejects.toThrow(
      /names lexical-index\.bin, which is not among the files to publish/,
    );
    // Nor is a JSON index taken for the binary one the manifest names.
    await expect(
      publishArtifact(without, '', { ...files, 'manifest.json': manifest, 'lexical-index.json': '{}' }),
    ).rejects.toThrow(/not among the files to publish/);
    expect(without.order).toEqual([]);
  });

  it('refuses a manifest that is not JSON before writing anything', async () => {
    const store = recordingStore();
    await expect(publishArtifact(store, '', { ...files, 'manifest.json': '{"version":' })).rejects.toThrow(
      /manifest\.json that is not JSON/,
    );
    expect(store.order).toEqual([]);
  });

  it('refuses an artifact without a manifest', async () => {
    const store = recordingStore();
    const { 'manifest.json': _manifest, ...rest } = files;
    await expect(publishArtifact(store, '', rest)).rejects.toThrow(/without its manifest\.json/);
    expect(store.order).toEqual([]);
  });
});
