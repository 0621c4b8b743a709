import { isErrno } from '../store/errno';
import { loggableError } from '../http/loggable-error';
import { NoLocalModelError } from './local-service';

/**
 * The log of a server that is starting: lines are held until it listens. If it never does, the
 * model pool's lines (which end in "retry in 60 s", true for a running server) are replaced by one
 * sentence saying why and what to do, since the process exits and nothing is retried.
 */
export function heldStartupLog(log: (line: string) => void): {
  log: (line: string) => void;
  held: () => readonly string[];
  release: () => void;
} {
  let held: string[] | undefined = [];
  return {
    log: (line) => (held ? held.push(line) : log(line)),
    held: () => held ?? [],
    release: () => {
      for (const line of held ?? []) log(line);
      held = undefined;
    },
  };
}

// The pool's failure line: "model <name> (champion) was not loaded: <reason>; <consequence> (retry in N s)".
const CHAMPION_FAILURE = /^model (\S+) \(champion\) was not loaded: (.*?); [^;]*\(retry in \d+ s\)$/;

/** One paragraph for a start that failed: what went wrong, that nothing is served, what to do. */
export function startupFailure(err: unknown, home: string, held: readonly string[]): string {
  const champion = held.map((line) => CHAMPION_FAILURE.exec(line)).find(Boolean);
  if (champion) {
    return [
      `hscode serve could not start: the champion ${champion[1]} cannot be loaded (${champion[2]}).`,
      'Nothing is being served and the server has stopped.',
      'To serve again: "hscode models verify" names what is wrong with the store;',
      '"hscode models rollback" makes the previous champion serve, or "hscode train" makes a new one; then start "hscode serve" again.',
    ].join('\n');
  }
  if (err instanceof NoLocalModelError) return `hscode serve could not start: ${err.message}`;
  if (isErrno(err, 'EADDRINUSE')) {
    return 'hscode serve could not start: that port is already in use by another program: stop it, or choose another port with --port (or PORT).';
  }
  if (isErrno(err, 'EACCES')) {
    return 'hscode serve could not start: this user may not listen on that port (below 1024 needs privileges): choose another with --port.';
  }
  return [
    `hscode serve could not start: ${loggableError(err)}`,
    ...held.map((line) => `  ${line.replace(/\s*\(retry in \d+ s\)$/, '')}`),
    `Nothing is being served. Check the store in ${home} ("hscode models verify"), or run with HSCODE_DEBUG=1 for the full error.`,
  ].join('\n');
}
