import { REALISTIC_SET_COLUMNS, asLabelledRows, loadRealisticSet, parseRealisticSet } from './realistic-set';

const HEADER = REALISTIC_SET_COLUMNS.join(',');

describe('parseRealisticSet', () => {
  it('reads quoted descriptions and empty notes', () => {
    const rows = parseRealisticSet(
      `${HEADER}\nrv1-0001,"frozen chicken wings, halal, 10kg carton",020714,declaration,\n` +
        `rv1-0002,bra,621210,one-word,"Brassieres are 62.12, knitted or not."\n`,
    );
    expect(rows).toEqual([
      {
        id: 'rv1-0001',
        description: 'frozen chicken wings, halal, 10kg carton',
        hs6: '020714',
        style: 'declaration',
        note: '',
      },
      {
        id: 'rv1-0002',
        description: 'bra',
        hs6: '621210',
        style: 'one-word',
        note: 'Brassieres are 62.12, knitted or not.',
      },
    ]);
  });

  it.each([
    ['a header in another order', 'id,hs6,description,style,note\nx,020714,wings,declaration,', /header is/],
    ['a missing column', 'id,description,hs6,style\nx,wings,020714,declaration', /header is/],
    [
      'an unknown style',
      `${HEADER}\nx,wings,020714,invoice,`,
      /test.csv:2 \(x\): style "invoice" is not one of declaration, one-word/,
    ],
    ['a code of four digits', `${HEADER}\nx,wings,0207,declaration,`, /hs6 "0207" is not six digits/],
    ['a code with dots', `${HEADER}\nx,wings,0207.14,declaration,`, /is not six digits/],
    ['an empty description', `${HEADER}\nx, ,020714,declaration,`, /description is empty/],
    ['an empty id', `${HEADER}\n,wings,020714,declaration,`, /id is empty/],
    [
      'a row with an extra field',
      `${HEADER}\nx,wings,020714,declaration,,extra`,
      /test.csv: not a well-formed CSV file/,
    ],
  ])('refuses %s', (_name, csv, message) => {
    expect(() => parseRealisticSet(csv, 'test.csv')).toThrow(message);
  });
});

describe('asLabelledRows', () => {
  it('gives ingestion-shaped rows tagged with their style', () => {
    const [first] = asLabelledRows(loadRealisticSet());
    expect(first).toEqual({
      text: expect.any(String),
      hs6: expect.stringMatching(/^\d{6}$/),
      source: expect.stringMatching(/^realistic-v1:/),
    });
  });
});
