import { buildFixtureModel } from '../tests/helpers/model-fixture';
import { assertValidManifest, InvalidManifestError, type ModelManifest } from './manifest';

describe('the manifest check (the precompiled validator of manifest.schema.json)', () => {
  let valid: ModelManifest;
  beforeAll(async () => {
    ({ manifest: valid } = await buildFixtureModel());
  });

  const edited = (edit: (m: Record<string, unknown>) => void): unknown => {
    const copy = structuredClone(valid) as unknown as Record<string, unknown>;
    edit(copy);
    return copy;
  };

  it('accepts a manifest as training writes it', () => {
    expect(() => assertValidManifest(valid)).not.toThrow();
  });

  it('names every offending field, not only the first', () => {
    const broken = edited((m) => {
      delete m.seed;
      (m.onnx as Record<string, unknown>).sha256 = 'not-a-hash';
    });
    const check = () => assertValidManifest(broken);
    expect(check).toThrow(InvalidManifestError);
    expect(check).toThrow(/must have required property 'seed'/);
    expect(check).toThrow(/\/onnx\/sha256 must match pattern/);
  });

  it('checks formats, such as the creation time', () => {
    expect(() => assertValidManifest(edited((m) => (m.createdAt = 'yesterday')))).toThrow(
      /\/createdAt must match format "date-time"/,
    );
  });

  it('refuses fields the schema does not know', () => {
    expect(() => assertValidManifest(edited((m) => (m.extra = 1)))).toThrow(
      /must NOT have additional properties/,
    );
  });
});
