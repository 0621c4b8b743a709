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
  /**
   * After a run that did not exit cleanly (killed, crashed), the command runs again after this
   * long, doubling per failure in a row up to 32 times as long: the job's claims make the rerun
   * pick up what the dead run left, and the cap keeps a file that always fails from looping hot.
   */
  retryAfterMs?: number;
  now?: () => number;
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
  const now = options.now ?? Date.now;
  const retryAfterMs = options.retryAfterMs ?? 30_000;
  let running: Promise<void> | undefined;
  let pending = false;
  let failuresInARow = 0;
  let retryAt: number | undefined;

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

  const run = (): Promise<boolean> =>
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
      child.on('exit', (code, signal) => {
        options.log(`retrain finished with ${signal ? `signal ${signal}` : `exit code ${code}`}`);
        resolve(code === 0);
      });
    });

  const tick = () => {
    const retryDue = retryAt !== undefined && now() >= retryAt;
    if (!changed() && !pending && !retryDue) return;
    if (running) {
      pending = true;
      return;
    }
    pending = false;
    retryAt = undefined;
    running = run()
      .then((clean) => {
        failuresInARow = clean ? 0 : failuresInARow + 1;
        if (!clean) {
          const delay = retryAfterMs * 2 ** Math.min(failuresInARow - 1, 5);
          retryAt = now() + delay;
          options.log(`retrain did not finish cleanly: running it again in ${Math.round(delay / 1000)} s`);
        }
      })
      .finally(() => {
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
