import { mkdirSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { TRIGGER_PREFIXES } from '../../models/deployment';
import { errorMessage } from '../core/errors';
import type { BatchPredictor } from '../batch/run-batch';
import { runBatchForObject } from '../batch/store-batch';
import type { LocalObjectStore } from '../store/local-store';
import { unrefInterval } from './interval';

export interface BatchWatcherOptions {
  /** The local store: inputs are read from `<root>/batch/in/`, outputs written to `<root>/batch/out/`. */
  store: LocalObjectStore;
  service: BatchPredictor;
  /** How often the folder is looked at; a file is read once unchanged over one whole interval. */
  intervalMs?: number;
  log: (line: string) => void;
}

export interface BatchWatcher {
  /** Resolves when no batch is running (tests, shutdown). */
  idle(): Promise<void>;
  stop(): void;
}

/** Size and modification time: a file still being written changes one or the other. */
async function signatureOf(path: string): Promise<string | undefined> {
  try {
    const { size, mtimeMs } = await stat(path);
    return `${size}:${mtimeMs}`;
  } catch {
    return undefined;
  }
}

/**
 * The embedded default's batch trigger, in process: polls `batch/in/` (polling behaves the same on
 * every file system, where fs.watch does not) and predicts each file once its size and
 * modification time have not changed over a whole interval, so a file still being copied in is
 * not read half. One file at a time; runBatchForObject claims each by content, so a file saved
 * again unchanged, or seen again after a restart, is not predicted twice. Dot-files (partial
 * uploads, editors' temporaries) are never keys, so never read.
 */
export function watchBatchFolder(options: BatchWatcherOptions): BatchWatcher {
  const { store, log } = options;
  // There from the start, so people find where to drop files.
  mkdirSync(join(store.root, ...TRIGGER_PREFIXES.batch.split('/')), { recursive: true });
  let lastSeen = new Map<string, string>();
  const handled = new Map<string, string>();
  let running: Promise<void> | undefined;

  const scan = async () => {
    const seen = new Map<string, string>();
    const ready: string[] = [];
    for (const key of await store.list(TRIGGER_PREFIXES.batch)) {
      const signature = await signatureOf(join(store.root, ...key.split('/')));
      if (signature === undefined) continue;
      seen.set(key, signature);
      if (lastSeen.get(key) === signature && handled.get(key) !== signature) ready.push(key);
    }
    lastSeen = seen;
    for (const key of handled.keys()) if (!seen.has(key)) handled.delete(key);
    for (const key of ready) {
      try {
        const result = await runBatchForObject({ store, key, service: options.service, log });
        if (result.status === 'skipped') log(`batch ${key}: skipped: ${result.reason}`);
      } catch (err) {
        log(`batch ${key} failed: ${errorMessage(err)}; save the file again to retry`);
      }
      handled.set(key, seen.get(key) as string);
    }
  };

  const tick = () => {
    if (running) return;
    running = scan()
      .catch((err: unknown) => log(`batch folder: ${errorMessage(err)}`))
      .finally(() => (running = undefined));
  };
  const timer = unrefInterval(tick, options.intervalMs ?? 1000);
  tick();
  return {
    idle: async () => {
      while (running) await running;
    },
    stop: () => clearInterval(timer),
  };
}
