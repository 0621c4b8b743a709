import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import type { AuditRecord } from '../../runtime/core/audit';
import { LocalAuditSink } from '../../runtime/core/local-audit-sink';
import { PredictService } from '../../runtime/core/predict-service';
import type { BatchOutputs } from '../../runtime/batch/run-batch';
import { LocalObjectStore } from '../../runtime/store/local-store';
import { auditRecordsIn } from './audit-records';
import { writeFixtureModel, type FixtureModel } from './model-fixture';

export interface BatchService {
  home: string;
  store: LocalObjectStore;
  service: PredictService;
  model: FixtureModel;
  /** Every audit record written so far (drains the service first). */
  audit(): Promise<AuditRecord[]>;
}

/** The real predict service over a store holding one fixture model, its audit trail in the store. */
export async function batchService(): Promise<BatchService> {
  const home = mkdtempSync(join(tmpdir(), 'hscode-batch-'));
  const model = await writeFixtureModel(home);
  const store = new LocalObjectStore(home);
  const service = new PredictService({
    store,
    audit: new LocalAuditSink(home),
    registry: () => ({ champion: model.ref, challengers: [], shadows: [] }),
    log: () => undefined,
  });
  await service.preload();
  return {
    home,
    store,
    service,
    model,
    audit: async () => {
      await service.drain();
      return auditRecordsIn(home);
    },
  };
}

/** Outputs kept in memory: the text of each, and which were opened at all. */
export function memoryOutputs(): {
  outputs: BatchOutputs;
  opened: Set<string>;
  text(kind: string): Promise<string>;
} {
  const texts = new Map<string, Promise<string>>();
  const opened = new Set<string>();
  const open = (kind: string) => {
    opened.add(kind);
    const stream = new PassThrough();
    const chunks: Buffer[] = [];
    texts.set(
      kind,
      new Promise((resolve, reject) => {
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        stream.on('error', reject);
      }),
    );
    return stream;
  };
  return {
    outputs: { predictions: () => open('predictions'), rejects: () => open('rejects') },
    opened,
    text: (kind) => texts.get(kind) ?? Promise.reject(new Error(`${kind} was never opened`)),
  };
}

/** A CSV's records as objects keyed by its header. */
export const csvObjects = (text: string): Record<string, string>[] =>
  parse(text, { columns: true, skip_empty_lines: true }) as Record<string, string>[];

export const bytes = (text: string): Readable => Readable.from([Buffer.from(text, 'utf8')]);
