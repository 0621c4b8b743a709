/** HSCODE_DEBUG=1 turns on stack traces and full paths in the server's log. */
export const debugLogging = (): boolean => Boolean(process.env.HSCODE_DEBUG);

// An absolute POSIX or Windows path of at least three segments: what a stack frame or a file error
// carries. API routes ("/v1/predict") have two and stay readable.
const MACHINE_PATH = /(?:[A-Za-z]:\\|\/)(?:[^\s'"()<>:\\/]+[\\/]){2,}([^\s'"()<>:\\/]+)/g;

/**
 * An error as one log line: its message, with machine paths cut to their file name (".../name"),
 * so the log of a running server carries neither stack traces nor where things live on disk.
 * With debug logging on, the whole stack.
 */
export function loggableError(err: unknown, debug = debugLogging()): string {
  if (debug) return err instanceof Error ? (err.stack ?? err.message) : String(err);
  const message =
    err instanceof Error ? `${err.name === 'Error' ? '' : `${err.name}: `}${err.message}` : String(err);
  return message.split('\n', 1)[0]!.replace(MACHINE_PATH, '.../$1');
}
