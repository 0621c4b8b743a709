import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

export interface ServeProcess {
  /** The URL the command printed, without a trailing slash. */
  url: string;
  child: ChildProcessWithoutNullStreams;
  /** Everything the server logged so far. */
  stderr: () => string;
}

/**
 * `hscode serve --port 0 --no-train [extra…]` from the TypeScript sources, as a user starts it;
 * resolves with the URL it prints on stdout.
 */
export function startServeProcess(home: string, extraArgs: string[] = []): Promise<ServeProcess> {
  const child = spawn(
    process.execPath,
    [
      join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'),
      join(root, 'cli', 'main.ts'),
      'serve',
      '--port',
      '0',
      '--no-train',
      ...extraArgs,
    ],
    { cwd: root, env: { ...process.env, HSCODE_HOME: home } },
  );
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const url = /^(http:\/\/\S+)\n/m.exec(stdout)?.[1];
      if (url) resolve({ url: url.replace(/\/$/, ''), child, stderr: () => stderr });
    });
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
  });
}
