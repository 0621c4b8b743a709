import { Readable } from 'node:stream';
import { delimitedRowBatches, type DelimitedRow } from './delimited-rows';

async function rowsOf(input: Readable): Promise<DelimitedRow[]> {
  const rows: DelimitedRow[] = [];
  for await (const batch of delimitedRowBatches(input, ',')) rows.push(...batch);
  return rows;
}

describe('delimitedRowBatches', () => {
  // The parser meets the unclosed quote at the end of the input, before the reader has taken the
  // rows above it: their lines must not be counted from where the parser had got to.
  it.each([
    ['in one chunk', () => Readable.from([Buffer.from('a,b\n1,2\n\n"multi\nline",3\n"open,4\n5,6\n')])],
    [
      'byte by byte',
      () =>
        Readable.from(
          [...Buffer.from('a,b\n1,2\n\n"multi\nline",3\n"open,4\n5,6\n')].map((b) => Buffer.from([b])),
        ),
    ],
  ])(
    'numbers rows and an unclosed quote by the line they start on, however the input arrives (%s)',
    async (_, input) => {
      const rows = await rowsOf(input());
      expect(
        rows.map((row) => ('problem' in row ? [row.line, 'problem'] : [row.line, ...row.values])),
      ).toEqual([
        [1, 'a', 'b'],
        [2, '1', '2'],
        [4, 'multi\nline', '3'],
        [6, 'problem'],
      ]);
    },
  );
});
