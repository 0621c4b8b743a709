import { gcpLabels, gcpLabelValue, NAME_RULES, physicalName, type NameKind } from './naming';

test.each(Object.keys(NAME_RULES) as NameKind[])(
  '%s names obey their length and character rules, even from long odd input',
  (kind) => {
    const rule = NAME_RULES[kind];
    const parts = ['HS_code', 'Stack.With.Dots and spaces', 'x'.repeat(80)];
    for (const uniqueIn of [undefined, 'sub/rg']) {
      const name = physicalName(kind, parts, uniqueIn);
      expect(name.length).toBeLessThanOrEqual(rule.maxLength);
      expect(name.length).toBeGreaterThanOrEqual(rule.minLength);
      expect(name.replace(rule.invalid, '')).toBe(name);
      if (rule.lowercase) expect(name).toBe(name.toLowerCase());
      if (rule.startsWithLetter) expect(name).toMatch(/^[a-zA-Z]/);
    }
  },
);

test('a unique suffix keeps truncated names apart and is stable', () => {
  const long = 'a'.repeat(40);
  const a = physicalName('azureStorageAccount', ['hs', `${long}1`], 'sub/rg');
  const b = physicalName('azureStorageAccount', ['hs', `${long}2`], 'sub/rg');
  expect(a).not.toBe(b);
  expect(physicalName('azureStorageAccount', ['hs', `${long}1`], 'sub/rg')).toBe(a);
  expect(physicalName('azureStorageAccount', ['hs', `${long}1`], 'other/rg')).not.toBe(a);
});

test('names that start with a digit get a leading letter where the cloud needs one', () => {
  expect(physicalName('gcpFunction', ['9lives'])).toBe('h-9lives');
  expect(physicalName('azureStorageAccount', ['9lives'])).toBe('9lives');
});

test('a name too short for its rule is refused, not padded', () => {
  expect(() => physicalName('gcpServiceAccount', ['ab'])).toThrow(/shorter than 6 characters/);
});

test('GCP labels keep the keys, clean the values and cut the model sha256 to 32 characters', () => {
  expect(gcpLabelValue('Team ML/EU')).toBe('team-ml-eu');
  expect(gcpLabelValue('x'.repeat(70))).toHaveLength(63);
  expect(gcpLabels({ owner: 'Team ML', 'model-sha256': 'f'.repeat(64) })).toEqual({
    owner: 'team-ml',
    'model-sha256': 'f'.repeat(32),
  });
});
