interface KeyState {
  readers: number;
  writing: boolean;
  queue: { exclusive: boolean; grant: () => void }[];
}

/**
 * Per-key readers–writer lock, first come first served: readers of a key share it, a writer has
 * it alone, and different keys never wait for each other. Keys nobody holds or waits for are
 * forgotten, so the map stays as small as the traffic.
 */
export class KeyedLock {
  private readonly states = new Map<string, KeyState>();

  shared<T>(key: string, critical: () => Promise<T>): Promise<T> {
    return this.hold(key, false, critical);
  }

  exclusive<T>(key: string, critical: () => Promise<T>): Promise<T> {
    return this.hold(key, true, critical);
  }

  /** How many keys are held or waited for now. */
  get size(): number {
    return this.states.size;
  }

  private async hold<T>(key: string, exclusive: boolean, critical: () => Promise<T>): Promise<T> {
    let state = this.states.get(key);
    if (!state) this.states.set(key, (state = { readers: 0, writing: false, queue: [] }));
    const free = state.queue.length === 0 && !state.writing && (!exclusive || state.readers === 0);
    if (free) {
      if (exclusive) state.writing = true;
      else state.readers++;
    } else {
      // The grant takes the lock on the waiter's behalf (see pump), so no one can slip in between.
      await new Promise<void>((grant) => state.queue.push({ exclusive, grant }));
    }
    try {
      return await critical();
    } finally {
      if (exclusive) state.writing = false;
      else state.readers--;
      this.pump(key, state);
    }
  }

  private pump(key: string, state: KeyState): void {
    for (let next = state.queue[0]; next; next = state.queue[0]) {
      if (state.writing || (next.exclusive && state.readers > 0)) break;
      state.queue.shift();
      if (next.exclusive) state.writing = true;
      else state.readers++;
      next.grant();
    }
    if (!state.writing && state.readers === 0 && state.queue.length === 0) this.states.delete(key);
  }
}
