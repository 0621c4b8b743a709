/**
 * A separate process racing others on one LocalObjectStore key (run with `node --import tsx`).
 * Arguments: root, key, mode ("create" | "increment"), count, rendezvous folder, parties: every
 * racer waits in the rendezvous folder until all `parties` have started, so they write at the
 * same moment however long each took to start. Prints one JSON line with what happened.
 */
import { LocalObjectStore } from '../../runtime/store/local-store';
import { PreconditionFailedError } from '../../runtime/store/object-store';
import { fileBarrier } from './file-barrier';

async function createOnce(store: LocalObjectStore, key: string): Promise<unknown> {
  try {
    await store.put(key, JSON.stringify({ writer: process.pid }), { ifVersion: null });
    return { won: true };
  } catch (err) {
    if (err instanceof PreconditionFailedError) return { won: false };
    throw err;
  }
}

/** Read-modify-write with retry: only correct if every conditional put is a true compare-and-swap. */
async function increment(store: LocalObjectStore, key: string, count: number): Promise<unknown> {
  let conflicts = 0;
  for (let done = 0; done < count;) {
    const current = await store.get(key);
    const value = current ? (JSON.parse(Buffer.from(current.body).toString('utf8')) as { n: number }).n : 0;
    try {
      await store.put(key, JSON.stringify({ n: value + 1 }), { ifVersion: current?.version ?? null });
      done++;
    } catch (err) {
      if (!(err instanceof PreconditionFailedError)) throw err;
      conflicts++;
    }
  }
  return { conflicts };
}

async function main(): Promise<void> {
  const [root, key, mode, count, rendezvous, parties] = process.argv.slice(2);
  if (!root || !key || !mode || !count || !rendezvous || !parties) {
    throw new Error('usage: root key mode count rendezvous-folder parties');
  }
  const store = new LocalObjectStore(root);
  await fileBarrier(rendezvous, Number(parties))();
  const result =
    mode === 'create' ? await createOnce(store, key) : await increment(store, key, Number(count));
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
