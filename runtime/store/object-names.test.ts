import { ObjectNames } from './object-names';
import { InvalidKeyError } from './object-store';

describe('ObjectNames', () => {
  it('puts keys under the prefix, with or without a trailing slash, and none without a prefix', () => {
    expect(new ObjectNames('deploy/prod').nameOf('registry/state.json')).toBe(
      'deploy/prod/registry/state.json',
    );
    expect(new ObjectNames('deploy/prod/').nameOf('k')).toBe('deploy/prod/k');
    expect(new ObjectNames().nameOf('k')).toBe('k');
    expect(new ObjectNames('deploy').listPrefixOf('')).toBe('deploy/');
    expect(new ObjectNames('deploy').listPrefixOf('models/text')).toBe('deploy/models/text');
  });

  it.each(['/abs', 'a//b', '../up', '.hidden', 'a/./b'])('refuses the prefix %j', (prefix) => {
    expect(() => new ObjectNames(prefix)).toThrow(InvalidKeyError);
  });

  it('allows a name of exactly 1,024 bytes of UTF-8 and refuses one byte more, prefix included', () => {
    const names = new ObjectNames('p');
    // "p/" is 2 bytes; "é" is 2 bytes of UTF-8 but 1 character, which the key rule alone would allow.
    expect(names.nameOf('é'.repeat(511))).toHaveLength(513);
    expect(() => names.nameOf(`${'é'.repeat(511)}x`)).toThrow(
      /1025 bytes of UTF-8; object stores allow 1024/,
    );
    expect(() => new ObjectNames().nameOf('é'.repeat(513))).toThrow(InvalidKeyError);
  });

  it('maps listed names back to keys, leaving out names no key maps to', () => {
    const names = new ObjectNames('p');
    expect(names.keysOf(['p/b', 'p/a/x', 'p/a//double', 'p/.lock', 'p/', 'other/k', 'pp/k'])).toEqual([
      'a/x',
      'b',
    ]);
  });
});
