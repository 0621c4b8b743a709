import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { watchIncoming } from './incoming-watcher';

const until = async (probe: () => boolean, timeoutMs = 10_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

describe('the incoming-folder watcher', () => {
  it('runs the retrain again after a run that was killed, without waiting for the file to change', async () => {
    const home = mkdtempSync(join(tmpdir(), 'hscode-watcher-'));
    const folder = join(home, 'incoming');
    mkdirSync(folder);
    writeFileSync(join(folder, 'a.csv'), 'description,hs_code\n');
    const runs = join(home, 'runs.txt');
    // The first run is killed (as by kill -9 or the OOM killer), the second finishes.
    const script = `const fs=require('fs');const f=${JSON.stringify(runs)};fs.appendFileSync(f,'run\\n');if(fs.readFileSync(f,'utf8').split('\\n').length<=2)process.kill(process.pid,'SIGKILL');`;
    const lines: string[] = [];
    const watcher = watchIncoming({
      folder,
      command: [process.execPath, '-e', script],
      intervalMs: 20,
      retryAfterMs: 100,
      log: (line) => lines.push(line),
    });
    try {
      await until(() => existsSync(runs) && readFileSync(runs, 'utf8').split('\n').length === 3);
      await watcher.idle();
      expect(lines).toEqual(
        expect.arrayContaining([
          'retrain finished with signal SIGKILL',
          'retrain did not finish cleanly: running it again in 0 s',
          'retrain finished with exit code 0',
        ]),
      );
      // A clean run is not repeated.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(readFileSync(runs, 'utf8').split('\n')).toHaveLength(3);
    } finally {
      watcher.stop();
    }
  });
});
