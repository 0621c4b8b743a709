import { ARTIFACT_FILES, declaredLexicalIndex } from './artifact';

const manifestWith = (lexicalIndex: unknown): Uint8Array =>
  Buffer.from(JSON.stringify({ variant: 'textcnn', lexicalIndex }));

describe('declaredLexicalIndex', () => {
  it.each([ARTIFACT_FILES.lexicalIndex, ARTIFACT_FILES.jsonLexicalIndex])('names %s', (file) => {
    expect(declaredLexicalIndex(manifestWith({ file, sha256: 'a'.repeat(64) }))).toEqual({ file });
  });

  it('finds nothing in a manifest without an index, or one verifyArtifact will refuse anyway', () => {
    expect(declaredLexicalIndex(Buffer.from('{"variant":"textcnn"}'))).toBeUndefined();
    expect(declaredLexicalIndex(manifestWith(null))).toBeUndefined();
    expect(declaredLexicalIndex(manifestWith('lexical-index.bin'))).toBeUndefined();
    expect(declaredLexicalIndex(Buffer.from('null'))).toBeUndefined();
    expect(
      declaredLexicalIndex(Buffer.from('{"lexicalIndex": {"file": "lexical-index.bin"')),
    ).toBeUndefined();
  });

  it.each([
    ['a path out of the folder', '../../registry/state.json'],
    ['another file of the artifact', ARTIFACT_FILES.onnx],
    ['an absolute path', '/etc/passwd'],
    ['a name with a folder', `sub/${ARTIFACT_FILES.lexicalIndex}`],
    ['a number', 3],
    ['no name', undefined],
  ])('refuses %s, quoting it', (_case, file) => {
    const declared = declaredLexicalIndex(manifestWith({ file }));
    expect(declared).toEqual({
      refusal: expect.stringContaining('not one of lexical-index.bin, lexical-index.json'),
    });
    expect(declared && 'refusal' in declared && declared.refusal).toContain(String(JSON.stringify(file)));
  });
});
