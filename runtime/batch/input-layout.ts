import {
  DATA_FILE_EXTENSIONS,
  firstLineOf,
  formatOfName,
  layoutOf,
  type FileLayout,
} from '../../models/data-files/layout';
import { BatchInputError } from './batch-input-error';

/** How many first bytes decide the layout. */
export const SNIFF_BYTES = 64 * 1024;

const SAVE_AS = 'save it as CSV (UTF-8), TSV or JSONL';

/**
 * The layout of a batch input from its name and first bytes: the extension decides when it names
 * a format (.csv, .tsv, .jsonl …), else the first line does (a JSON object, or a header with
 * commas, semicolons or tabs). Anything that is not UTF-8 text in one of those layouts is refused
 * with a sentence saying what to do.
 */
export function batchInputLayout(name: string, head: Buffer): FileLayout {
  if (head.length === 0)
    throw new BatchInputError('empty', 'the file is empty: it needs at least one description');
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) {
    throw new BatchInputError(
      'not-text',
      `the file is UTF-16 text (a spreadsheet's "Unicode text"): ${SAVE_AS}`,
    );
  }
  if (head.includes(0)) {
    throw new BatchInputError(
      'not-text',
      `the file is not text (it holds NUL bytes: a workbook such as .xlsx, or an archive?): ${SAVE_AS}`,
    );
  }
  const firstLine = firstLineOf(head.toString('utf8'));
  const named = formatOfName(name);
  if (named && named !== 'jsonl' && firstLine.trimStart().startsWith('{')) {
    throw new BatchInputError(
      'unknown-format',
      `the name says ${named.toUpperCase()} but the first line is a JSON object: rename it to .jsonl`,
    );
  }
  const layout = layoutOf(name, firstLine);
  if (layout === 'json-array') {
    throw new BatchInputError(
      'unknown-format',
      'this looks like a JSON array; write one JSON object per line (JSONL), e.g. {"description": "cotton t-shirt"}',
    );
  }
  if (layout === 'unknown') {
    throw new BatchInputError(
      'unknown-format',
      `unknown format: the name does not end in ${DATA_FILE_EXTENSIONS.join(', ')} and the first line is ` +
        'neither a JSON object nor a header with commas, semicolons or tabs: rename a one-column file to .csv, ' +
        `or ${SAVE_AS}`,
    );
  }
  return layout;
}
