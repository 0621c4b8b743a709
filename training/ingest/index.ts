export type { ColumnChoice } from './columns';
export { CODE_COLUMNS, TEXT_COLUMNS, chooseColumns, normaliseColumnName } from './columns';
export { checkCode, type CodeCheck } from './code-check';
export { IngestFileError, type FileProblem } from './file-error';
export { detectFormat, type FileLayout } from './detect-format';
export { formatIngestReport } from './format-report';
export { defaultRejectsPath, ingestFiles, type IngestOptions } from './ingest-files';
export { LabelIndex, type LabelCheck } from './label-index';
export { readLabelledFile, type FileLayoutInfo, type ReadLabelledFileOptions } from './read-labelled-file';
export type { FileReport, IngestReport, IngestTally } from './report';
export {
  DEFAULT_MAX_TEXT_LENGTH,
  RowValidator,
  type RowValidatorOptions,
  type RowVerdict,
} from './row-validator';
export { cleanText, dedupeKey } from './text';
export {
  REJECT_REASONS,
  type LabelConflict,
  type LabelOrigin,
  type LabelledFileFormat,
  type RawRecord,
  type RejectReason,
  type Rejection,
} from './types';
