/**
 * A separate process promoting a challenger in a LocalObjectStore's registry while others try the
 * same (run with `node --import tsx`). Arguments: root, variant, version, rendezvous folder,
 * parties. Every racer reads the state, then waits at its first history append until all
 * `parties` racers have got that far (each drops a file in the rendezvous folder), so they all
 * decide on the same state. Prints one JSON line: {applied, attempts, reason, seq}.
 */
import { Registry } from '../../runtime/registry/registry';
import { LocalObjectStore } from '../../runtime/store/local-store';
import { fileBarrier } from './file-barrier';
import { RendezvousStore } from './rendezvous-store';

async function main(): Promise<void> {
  const [root, variant, version, rendezvous, parties] = process.argv.slice(2);
  if (!root || !variant || !version || !rendezvous || !parties) {
    throw new Error('usage: root variant version rendezvous-folder parties');
  }
  const store = new RendezvousStore(new LocalObjectStore(root), fileBarrier(rendezvous, Number(parties)));
  const registry = new Registry(store, { actor: `promote-job-${process.pid}` });
  const result = await registry.promote({ variant, version }, { job: process.pid });
  process.stdout.write(
    `${JSON.stringify({ applied: result.applied, attempts: result.attempts, reason: result.reason, seq: result.entry?.seq })}\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
