import type { Readable } from 'node:stream';
import { bestColumn, ID_COLUMNS, TEXT_COLUMNS } from '../../models/data-files/columns';
import { delimitedRowBatches } from '../../models/data-files/delimited-rows';
import { BatchInputError } from './batch-input-error';
import { rejectItem, type BatchItem } from './batch-items';
import type { InputColumns } from './read-descriptions';

/** The record as it would be written back: fields joined by the delimiter, quoted where needed. */
function rawRecord(values: readonly string[], delimiter: string): string {
  return values
    .map((value) =>
      value.includes(delimiter) || /["\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value,
    )
    .join(delimiter);
}

/** Fields past the header's count that are all empty (spreadsheets pad rows with them) do not count. */
function fieldCount(values: readonly string[], expected: number): number {
  let count = values.length;
  while (count > expected && values[count - 1] === '') count--;
  return count;
}

/**
 * The descriptions of a CSV or TSV input. The first non-blank record is the header when it names
 * a description column (the names training files accept: description, text, product_description
 * …); a file of one column without such a header is all descriptions, its first line included.
 * An id column (id, sku, reference …) is carried through when there is one.
 */
export async function* readDelimitedDescriptions(
  input: Readable,
  delimiter: string,
  onColumns: (columns: InputColumns) => void,
): AsyncGenerator<BatchItem[]> {
  let width = 0;
  let textIndex = -1;
  let idIndex = -1;
  for await (const rows of delimitedRowBatches(input, delimiter)) {
    const items: BatchItem[] = [];
    for (const row of rows) {
      if ('problem' in row) {
        items.push(rejectItem(row.line, 'malformed-record', row.problem));
        continue;
      }
      const { line, values } = row;
      if (textIndex < 0) {
        const text = bestColumn(values, TEXT_COLUMNS);
        if (text === undefined && values.length > 1) {
          throw new BatchInputError(
            'no-description-column',
            `no description column: the header has ${values.map((v) => JSON.stringify(v)).join(', ')}; ` +
              `name the column of descriptions one of ${TEXT_COLUMNS.join(', ')} (case does not matter), ` +
              'or give a file of one column',
          );
        }
        width = values.length;
        if (text === undefined) {
          textIndex = 0;
          onColumns({});
        } else {
          textIndex = values.indexOf(text);
          const id = bestColumn(values, ID_COLUMNS);
          idIndex = id === undefined ? -1 : values.indexOf(id);
          onColumns({ description: text, ...(id === undefined ? {} : { id }) });
          continue;
        }
      }
      const raw = () => rawRecord(values, delimiter);
      if (fieldCount(values, width) !== width) {
        items.push(rejectItem(line, 'wrong-column-count', raw()));
        continue;
      }
      items.push({
        kind: 'row',
        line,
        description: values[textIndex] as string,
        ...(idIndex < 0 ? {} : { id: values[idIndex] ?? '' }),
        raw,
      });
    }
    if (items.length > 0) yield items;
  }
}
