import { KeyedLock } from './keyed-lock';

const tick = () => new Promise((resolve) => setImmediate(resolve));

/** A critical section that records its start and end, and ends when told to. */
function section(log: string[], name: string) {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  return {
    run: async () => {
      log.push(`${name}+`);
      await done;
      log.push(`${name}-`);
    },
    finish: () => finish(),
  };
}

describe('KeyedLock', () => {
  it('lets readers share a key, gives a writer the key alone, and serves them in arrival order', async () => {
    const lock = new KeyedLock();
    const log: string[] = [];
    const [r1, r2, w, r3] = [section(log, 'r1'), section(log, 'r2'), section(log, 'w'), section(log, 'r3')];
    const all = [
      lock.shared('k', r1.run),
      lock.shared('k', r2.run),
      lock.exclusive('k', w.run),
      // Arrives after the writer, so it waits for it even though other readers hold the key.
      lock.shared('k', r3.run),
    ];
    await tick();
    expect(log).toEqual(['r1+', 'r2+']);
    r1.finish();
    await tick();
    expect(log).toEqual(['r1+', 'r2+', 'r1-']);
    r2.finish();
    await tick();
    expect(log.slice(3)).toEqual(['r2-', 'w+']);
    w.finish();
    await tick();
    expect(log.slice(5)).toEqual(['w-', 'r3+']);
    r3.finish();
    await Promise.all(all);
    expect(lock.size).toBe(0);
  });

  it('never makes different keys wait for each other', async () => {
    const lock = new KeyedLock();
    const log: string[] = [];
    const a = section(log, 'a');
    const held = lock.exclusive('a', a.run);
    await lock.exclusive('b', async () => log.push('b'));
    expect(log).toEqual(['a+', 'b']);
    a.finish();
    await held;
  });

  it('releases the key when the critical section throws', async () => {
    const lock = new KeyedLock();
    await expect(
      lock.exclusive('k', async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(lock.size).toBe(0);
    await expect(lock.exclusive('k', async () => 'next')).resolves.toBe('next');
  });

  it('keeps 50 racing read-modify-writes of one key exact', async () => {
    const lock = new KeyedLock();
    let value = 0;
    await Promise.all(
      Array.from({ length: 50 }, () =>
        lock.exclusive('counter', async () => {
          const read = value;
          await tick();
          value = read + 1;
        }),
      ),
    );
    expect(value).toBe(50);
    expect(lock.size).toBe(0);
  });
});
