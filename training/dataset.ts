/** One labelled description, after ingestion: text as given (trimmed), code normalised to HS6. */
export interface LabelledRow {
  text: string;
  hs6: string;
  /** Where the row came from (file name or corpus part), kept for reports and lineage. */
  source?: string;
}
