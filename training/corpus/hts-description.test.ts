import { cleanHtsDescription, isAdministrative, isBareOther } from './hts-description';

describe('cleanHtsDescription', () => {
  it.each([
    ['Live horses, asses, mules and hinnies:', 'Live horses, asses, mules and hinnies'],
    ['Of camels and other camelids (<i>Camelidae</i>)', 'Of camels and other camelids (Camelidae)'],
    [
      'Multiple (folded) or cabled yarn, of combed fibers (con.):',
      'Multiple (folded) or cabled yarn, of combed fibers',
    ],
    ["Men's (347)", "Men's"],
    ['Other (229):', 'Other'],
    [
      'Granular, whether or not filled (see statistical note 1 to this chapter)',
      'Granular, whether or not filled',
    ],
    ['FD&amp;C red 40', 'FD&C red 40'],
    ['Goldfish( <i>Carassius auratus</i>)', 'Goldfish(Carassius auratus)'],
  ])('%j → %j', (raw, clean) => expect(cleanHtsDescription(raw)).toBe(clean));

  it('keeps numbers that are part of the goods', () => {
    expect(cleanHtsDescription('Weighing 90 kg or more each')).toBe('Weighing 90 kg or more each');
    expect(cleanHtsDescription('Valued over $1.59/liter:')).toBe('Valued over $1.59/liter');
  });
});

describe('segment kinds', () => {
  it('recognises a bare "Other" and quota conditions', () => {
    expect(isBareOther('Other')).toBe(true);
    expect(isBareOther('Other fruit')).toBe(false);
    expect(
      isAdministrative(
        'Described in additional U.S. note 3 to this chapter and entered pursuant to its provisions',
      ),
    ).toBe(true);
    expect(
      isAdministrative('If entered during the period from June 5 to October 15, inclusive, in any year'),
    ).toBe(true);
    expect(isAdministrative('Dairy products described in additional U.S. note 1 to chapter 4')).toBe(false);
  });
});
