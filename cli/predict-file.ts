import { open } from 'node:fs/promises';
import { resolve } from 'node:path';
import { runBatchTo } from '../runtime/batch/batch-destination';
import type { BatchSummary } from '../runtime/batch/batch-summary';
import { fileDestination } from '../runtime/batch/file-destination';
import type { BatchPredictor } from '../runtime/batch/run-batch';

export interface PredictFileOptions {
  file: string;
  /** Default: the input's name with `.predictions.csv` for its extension. */
  out?: string;
  topK: number;
  key?: string;
}

/** `products.csv` → `products.predictions.csv`. */
export const defaultOutput = (file: string): string => `${file.replace(/\.[^./\\]*$/, '')}.predictions.csv`;

/** The input opened now, so a missing or unreadable file is said in one sentence before any work. */
async function openInput(file: string) {
  try {
    const handle = await open(file, 'r');
    if (!(await handle.stat()).isFile()) {
      await handle.close();
      throw new Error(`${file} is not a file`);
    }
    // The handle's own stream closes the handle: a stream over its bare fd would close the fd, and
    // the handle, garbage-collected later, would close it again and crash the process (EBADF).
    return handle.createReadStream({ highWaterMark: 1024 * 1024 });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new Error(`${file}: no such file: check the path`, { cause: err });
    if (code === 'EACCES' || code === 'EPERM')
      throw new Error(`${file}: permission denied: make it readable`, { cause: err });
    throw err;
  }
}

/** Predicts a file of descriptions into a CSV beside it (or at `out`), with its rejects and summary. */
export async function predictFile(
  service: BatchPredictor,
  options: PredictFileOptions,
): Promise<BatchSummary> {
  const out = options.out ?? defaultOutput(options.file);
  if (resolve(out) === resolve(options.file)) {
    throw new Error(`the output ${out} would replace the input: choose another --out`);
  }
  const input = await openInput(options.file);
  return runBatchTo(fileDestination(out), {
    input,
    name: options.file,
    service,
    topK: options.topK,
    ...(options.key === undefined ? {} : { key: options.key }),
  });
}

const count = (n: number) => n.toLocaleString('en');
const clip = (text: string, chars: number) => (text.length > chars ? `${text.slice(0, chars - 1)}…` : text);

/** The summary as a few lines for a terminal. */
export function formatBatchSummary(summary: BatchSummary): string {
  const lines = [`${summary.input}${summary.format ? ` (${summary.format.toUpperCase()})` : ''}`];
  if (summary.error) {
    lines.push(`  not read: ${summary.error.message}`);
  } else {
    const { read, predicted, rejected, needsReview } = summary.rows;
    const reasons = Object.entries(summary.rejectedByReason).map(([reason, n]) => `${reason} ${count(n)}`);
    lines.push(
      `  rows read      ${count(read)}`,
      `  predicted      ${count(predicted)} (${count(needsReview)} need review)`,
      `  rejected       ${count(rejected)}${reasons.length ? ` (${reasons.join(', ')})` : ''}`,
      ...summary.models.map(
        (m, i) =>
          `  ${i === 0 ? 'model' : '     '}          ${m.variant}/${m.version}: ${count(m.rows)} rows`,
      ),
      ...summary.topChapters
        .slice(0, 5)
        .map(
          (c, i) =>
            `  ${i === 0 ? 'top chapters' : '            '}   ${c.chapter} ${clip(c.description, 60)}: ${count(c.rows)}`,
        ),
    );
  }
  const outputs = summary.outputs;
  if (outputs)
    lines.push(`wrote ${[outputs.predictions, outputs.rejects, outputs.summary].filter(Boolean).join(', ')}`);
  return `${lines.join('\n')}\n`;
}
