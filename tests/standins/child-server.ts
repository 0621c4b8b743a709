import { spawn, type ChildProcess } from 'node:child_process';

export interface ChildServer {
  port: number;
  /** Everything the server printed so far, for failure messages. */
  output(): string;
  close(): Promise<void>;
}

export interface ChildServerOptions {
  /** The server's own command-line script (e.g. a package's bin file) and its arguments. */
  script: string;
  args: string[];
  /** Node options for the child alone, e.g. `--openssl-legacy-provider`. */
  nodeOptions?: string[];
  /** Matches the line the server prints once it listens; group 1 is the port. */
  ready: RegExp;
  cwd?: string;
  timeoutMs?: number;
}

/**
 * A server package's own CLI in a child Node process, resolved once it prints that it listens.
 * The child exits when its stdin closes, so a test process that dies never leaves it behind.
 */
export function startChildServer(options: ChildServerOptions): Promise<ChildServer> {
  const guard = `process.stdin.on('end', () => process.exit(0)).resume(); require(${JSON.stringify(options.script)});`;
  // With -e, argv[1] is the first argument; the server's CLI parser expects its script name there.
  const child = spawn(
    process.execPath,
    [...(options.nodeOptions ?? []), '-e', guard, options.script, ...options.args],
    { cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => fail(new Error(`no "listening" line within ${options.timeoutMs ?? 20_000} ms`)),
      options.timeoutMs ?? 20_000,
    );
    const fail = (err: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${options.script} did not start: ${err.message}\n${output}`));
    };
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = options.ready.exec(output);
      if (!match) return;
      clearTimeout(timer);
      resolve({ port: Number(match[1]), output: () => output, close: () => stop(child) });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('error', fail);
    child.once('exit', (code) => fail(new Error(`exited with ${code}`)));
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.once('exit', () => resolve());
    child.stdin!.end();
    child.kill('SIGTERM');
  });
}
