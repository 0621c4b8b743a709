import type { Readable } from 'node:stream';
import { bestColumn, ID_COLUMNS, TEXT_COLUMNS } from '../../models/data-files/columns';
import { fieldText, lineBatches, parseJsonObjectLine } from '../../models/data-files/json-lines';
import { rejectItem, type BatchItem } from './batch-items';
import type { InputColumns } from './read-descriptions';

const EXAMPLE = '{"description": …}';

/**
 * The descriptions of a JSONL input: one object a line, its description under any name training
 * files accept ("description", "text" …). The first object decides whether there is an id
 * column: later objects without one get an empty id.
 */
export async function* readJsonlDescriptions(
  input: Readable,
  onColumns: (columns: InputColumns) => void,
): AsyncGenerator<BatchItem[]> {
  let line = 0;
  let idKey: string | undefined;
  let announced = false;
  const keysOf = new Map<string, { text?: string; id?: string }>();
  for await (const lines of lineBatches(input)) {
    const items: BatchItem[] = [];
    for (const rawLine of lines) {
      line++;
      const text = line === 1 ? rawLine.replace(/^\uFEFF/, '') : rawLine;
      if (text.trim() === '') continue;
      const parsed = parseJsonObjectLine(text, EXAMPLE);
      if (typeof parsed === 'string') {
        items.push(
          rejectItem(line, parsed.includes('not an object') ? 'not-an-object' : 'malformed-json', text),
        );
        continue;
      }
      const keys = Object.keys(parsed);
      const signature = keys.join('\u0000');
      let chosen = keysOf.get(signature);
      if (!chosen) {
        chosen = { text: bestColumn(keys, TEXT_COLUMNS), id: bestColumn(keys, ID_COLUMNS) };
        keysOf.set(signature, chosen);
      }
      if (!announced) {
        announced = true;
        idKey = chosen.id === undefined ? undefined : chosen.id;
        onColumns({
          ...(chosen.text === undefined ? {} : { description: chosen.text }),
          ...(idKey === undefined ? {} : { id: idKey }),
        });
      }
      const description = chosen.text === undefined ? undefined : fieldText(parsed[chosen.text]);
      if (description === undefined) {
        items.push(rejectItem(line, 'no-description', text));
        continue;
      }
      items.push({
        kind: 'row',
        line,
        description,
        ...(idKey === undefined ? {} : { id: fieldText(parsed[chosen.id ?? idKey]) ?? '' }),
        raw: () => text,
      });
    }
    if (items.length > 0) yield items;
  }
}
