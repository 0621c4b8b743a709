import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NEW_MODEL_WEIGHT } from '../models/deployment';
import { loadModelArtifact } from './model-artifact';
import { pendingKey, type PendingRegistration } from '../models/pending-registration';
import { createInOrder, objectOptions, registrySeed, storeObjects, type StoreObject } from './publication';
import { writeArtifact } from './test-fixtures';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hscode-artifact-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test('an artifact whose file does not match its manifest is never published', () => {
  writeArtifact(dir, 'bigru');
  writeFileSync(join(dir, 'labels.json'), '["010121"]');
  expect(() => loadModelArtifact(dir, 'bigru')).toThrow(/labels\.json has sha256 .*refusing to load it/);
});

test('an artifact of another variant than the config names is refused, saying which', () => {
  writeArtifact(dir, 'dnn');
  expect(() => loadModelArtifact(dir, 'textcnn')).toThrow(
    /holds a "dnn" model but model.variant is "textcnn"/,
  );
});

test('the retrieval index the model is served with is verified and published with it', () => {
  writeArtifact(dir, 'textcnn');
  expect(loadModelArtifact(dir, 'textcnn').files.find((f) => f.file === 'lexical-index.bin')).toMatchObject({
    path: join(dir, 'lexical-index.bin'),
    contentType: 'application/octet-stream',
  });
  const index = readFileSync(join(dir, 'lexical-index.bin'));
  index[index.length - 1] = (index[index.length - 1] as number) ^ 1;
  writeFileSync(join(dir, 'lexical-index.bin'), index);
  expect(() => loadModelArtifact(dir, 'textcnn')).toThrow(
    /lexical-index\.bin has sha256 .*refusing to load it/,
  );
  rmSync(join(dir, 'lexical-index.bin'));
  expect(() => loadModelArtifact(dir, 'textcnn')).toThrow(/lexical-index\.bin is missing/);
});

test('a manifest naming a lexical index outside the artifact format is refused before anything is read', () => {
  writeArtifact(dir, 'textcnn');
  const path = join(dir, 'manifest.json');
  const manifest = JSON.parse(readFileSync(path, 'utf8')) as { lexicalIndex: { file: string } };
  manifest.lexicalIndex.file = '../../.ssh/id_rsa';
  writeFileSync(path, JSON.stringify(manifest));
  expect(() => loadModelArtifact(dir, 'textcnn')).toThrow(
    /names the lexical index "\.\.\/\.\.\/\.ssh\/id_rsa", not one of lexical-index\.bin, lexical-index\.json/,
  );
});

test('objects are created in list order, each after the ones it names, which must come first', () => {
  const object = (name: string, after?: string[]): StoreObject => ({
    name,
    key: name,
    source: { text: '' },
    contentType: 'text/plain',
    metadata: {},
    lifecycle: 'content-addressed',
    ...(after && { after }),
  });
  const created: Array<[string, string[]]> = [];
  createInOrder([object('a'), object('b'), object('m', ['a', 'b'])], (o, after: string[]) => {
    created.push([o.name, after]);
    return o.name;
  });
  expect(created).toEqual([
    ['a', []],
    ['b', []],
    ['m', ['a', 'b']],
  ]);
  expect(() => createInOrder([object('m', ['a']), object('a')], (o) => o.name)).toThrow(
    /store object m must follow a, which is not before it/,
  );
});

test('a manifest that is not an object is refused by the manifest check, not by a TypeError', () => {
  writeArtifact(dir, 'textcnn');
  for (const text of ['null', '{"lexicalIndex":null}', '[]']) {
    writeFileSync(join(dir, 'manifest.json'), text);
    expect(() => loadModelArtifact(dir, 'textcnn')).toThrow(/manifest/);
    expect(() => loadModelArtifact(dir, 'textcnn')).not.toThrow(/Cannot read properties/);
  }
});

test('a folder without the artifact files says what it should be', () => {
  expect(() => loadModelArtifact(dir, 'textcnn')).toThrow(
    /manifest\.json is missing: point model\.artifact at a folder "hscode train" wrote/,
  );
});

test('the objects: model files by version, the seed, a challenger request and one shadow request per shadow', () => {
  const manifest = writeArtifact(dir, 'bigru');
  const artifact = loadModelArtifact(dir, 'bigru');
  const model = { variant: 'bigru', version: manifest.version, sha256: manifest.onnx.sha256 };
  const config = {
    variant: 'bigru' as const,
    weight: 0.25,
    shadows: [{ variant: 'dnn' as const, version: 'dnn-0123456789ab' }],
  };
  const objects = storeObjects(model, config, artifact, 'pulumi:hscode-mlops/dev');
  expect(objects.map((o) => [o.key, o.lifecycle])).toEqual([
    [`models/bigru/${manifest.version}/model.onnx`, 'content-addressed'],
    [`models/bigru/${manifest.version}/encoder.json`, 'content-addressed'],
    [`models/bigru/${manifest.version}/labels.json`, 'content-addressed'],
    [`models/bigru/${manifest.version}/lexical-index.bin`, 'content-addressed'],
    [`models/bigru/${manifest.version}/manifest.json`, 'content-addressed'],
    ['registry/state.json', 'create-only'],
    [pendingKey('bigru', manifest.version), 'create-only'],
    [pendingKey('dnn', 'dnn-0123456789ab'), 'create-only'],
  ]);
  const body = (key: string) =>
    JSON.parse((objects.find((o) => o.key === key)?.source as { text: string }).text) as PendingRegistration;
  expect(body(pendingKey('bigru', manifest.version))).toEqual({
    schemaVersion: 1,
    kind: 'pending-registration',
    variant: 'bigru',
    version: manifest.version,
    modelSha256: manifest.onnx.sha256,
    as: 'challenger',
    weight: 0.25,
    requestedBy: 'pulumi:hscode-mlops/dev',
  });
  expect(body(pendingKey('dnn', 'dnn-0123456789ab'))).toMatchObject({
    variant: 'dnn',
    as: 'shadow',
    weight: 0,
    modelSha256: null,
  });
  // The manifest after its model's files, the registry and requests after the manifest.
  const named = (key: string) => objects.find((o) => o.key.endsWith(key)) as StoreObject;
  const files = ['model.onnx', 'encoder.json', 'labels.json', 'lexical-index.bin'].map(
    (f) => named(`/${f}`).name,
  );
  expect(named('/manifest.json').after).toEqual(files);
  for (const key of [
    'registry/state.json',
    pendingKey('bigru', manifest.version),
    pendingKey('dnn', 'dnn-0123456789ab'),
  ]) {
    expect(named(key).after).toEqual([named('/manifest.json').name]);
  }
  // Names are unique in the stack, so each object is its own resource.
  expect(new Set(objects.map((o) => o.name)).size).toBe(objects.length);
});

test('a weight of 0 registers the deployed model as a shadow; no artifact publishes no model files', () => {
  const model = { variant: 'dnn', version: 'dnn-1', sha256: 'c'.repeat(64) };
  const objects = storeObjects(model, { variant: 'dnn', weight: 0, shadows: [] }, undefined, 'x');
  expect(objects.map((o) => o.key)).toEqual(['registry/state.json', pendingKey('dnn', 'dnn-1')]);
  // No model files to wait for: nothing names one.
  expect(objects.every((o) => o.after === undefined)).toBe(true);
  expect(JSON.parse((objects[1]?.source as { text: string }).text)).toMatchObject({
    as: 'shadow',
    weight: 0,
  });
  expect(NEW_MODEL_WEIGHT).toBeGreaterThan(0);
});

test('create-only objects ignore every content change and survive destroy; content-addressed ones survive too', () => {
  expect(objectOptions('create-only', ['source', 'metadata'])).toEqual({
    retainOnDelete: true,
    ignoreChanges: ['source', 'metadata'],
  });
  expect(objectOptions('content-addressed', ['source'])).toEqual({ retainOnDelete: true });
  expect(registrySeed({ variant: 'a', version: 'a-1', sha256: 'd'.repeat(64) }).lifecycle).toBe(
    'create-only',
  );
});
