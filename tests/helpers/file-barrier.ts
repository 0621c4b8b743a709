import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A barrier between processes: each caller drops a file named after its pid in `folder`, then
 * waits until `parties` files are there. Racers spawned together reach their race seconds apart
 * on a busy machine (starting `node --import tsx` alone takes a second or more), so only a
 * rendezvous, not a start time on the clock, makes sure they really race.
 */
export function fileBarrier(folder: string, parties: number, timeoutMs = 20_000): () => Promise<void> {
  return async () => {
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, String(process.pid)), '');
    const deadline = Date.now() + timeoutMs;
    while (readdirSync(folder).length < parties) {
      if (Date.now() > deadline) {
        throw new Error(`only ${readdirSync(folder).length} of ${parties} racers arrived`);
      }
      await sleep(2);
    }
  };
}
