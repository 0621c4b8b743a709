import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { unrefInterval } from './interval';

export interface IncomingWatcherOptions {
  /** The folder users drop labelled files into (`<home>/data/incoming`). */
  folder: string;
  /** The command that retrains, e.g. this CLI's `jobs retrain`, as [executable, ...args]. */
  command: [string, ...string[]];
  env?: NodeJS.ProcessEnv;
  intervalMs?: number;
  log: (line: string) => void;
}

export interface IncomingWatcher {
  /** Resolves when no retrain is running (tests, shutdown). */
  idle(): Promise<void>;
  stop(): void;
}

/**
 * Polls the incoming folder (polling works the same on every filesystem, where fs.watch does
 * not) and runs the retrain command in a child process when a file appears or changes, one run
 * at a time: training for minutes must not stall the server's event loop. The job itself claims
 * each file by content, so a file seen twice still trains once.
 */
export function watchIncoming(options: IncomingWatcherOptions): IncomingWatcher {
  const seen = new Map<string, number>();
  let running: Promise<void> | undefined;
  let pending = false;

  const changed = (): boolean => {
    if (!existsSync(options.folder)) return false;
    let any = false;
    for (const name of readdirSync(options.folder)) {
      if (name.startsWith('.')) continue;
      const mtime = statSync(join(options.folder, name)).mtimeMs;
      if (seen.get(name) !== mtime) {
        seen.set(name, mtime);
        any = true;
      }
    }
    return any;
  };

  const run = (): Promise<void> =>
    new Promise((resolve) => {
      const [executable, ...args] = options.command;
      options.log(`incoming data: retraining (${args.slice(-2).join(' ')})`);
      const child = spawn(executable, args, {
        env: options.env ?? process.env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout.on('data', (chunk: Buffer) => options.log(`retrain: ${chunk.toString().trimEnd()}`));
      child.stderr.on('data', (chunk: Buffer) => {
        // The progress bar redraws; only finished lines are worth a log line.
        for (const line of chunk.toString().split('\n'))
          if (line.trim() && !line.includes('\r')) options.log(`retrain: ${line.trim()}`);
      });
      child.on('exit', (code) => {
        options.log(`retrain finished with exit code ${code}`);
        resolve();
      });
    });

  const tick = () => {
    if (!changed() && !pending) return;
    if (running) {
      pending = true;
      return;
    }
    pending = false;
    running = run().finally(() => {
      running = undefined;
      if (pending) tick();
    });
  };

  // Files already there at start-up are processed too (their claims skip what was done before).
  const timer = unrefInterval(tick, options.intervalMs ?? 2000);
  tick();
  return {
    idle: async () => {
      while (running) await running;
    },
    stop: () => clearInterval(timer),
  };
}
