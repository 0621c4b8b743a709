import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { trainingCodeFingerprint } from './code-fingerprint';

function projectTree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'hscode-fingerprint-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const base = {
  'training/fit.ts': 'export const epochs = 4;',
  'training/fit.test.ts': 'test',
  'models/variants.ts': 'export const dim = 48;',
  'models/manifest.schema.json': '{}',
  'package-lock.json': '{"lockfileVersion":3}',
  'runtime/server.ts': 'serve();',
  'README.md': '# hscode',
};

describe('trainingCodeFingerprint', () => {
  const fingerprint = trainingCodeFingerprint(projectTree(base));

  it('is a sha256 of the training code', () => {
    expect(fingerprint).toMatch(/^training-code-sha256:[0-9a-f]{64}$/);
  });

  it('ignores what training does not depend on: docs, the runtime, tests', () => {
    const edited = {
      ...base,
      'README.md': '# hscode, edited',
      'runtime/server.ts': 'serveFaster();',
      'training/fit.test.ts': 'another test',
      'training/new.test.ts': 'new test',
    };
    expect(trainingCodeFingerprint(projectTree(edited))).toBe(fingerprint);
  });

  it.each([
    ['a training file', { 'training/fit.ts': 'export const epochs = 5;' }],
    ['the model contract', { 'models/manifest.schema.json': '{"title":"x"}' }],
    ['the locked dependencies', { 'package-lock.json': '{"lockfileVersion":2}' }],
    ['a new training file', { 'training/model/build.ts': 'build();' }],
  ])('changes with %s', (_, change) => {
    expect(trainingCodeFingerprint(projectTree({ ...base, ...change }))).not.toBe(fingerprint);
  });
});
