/** Wakes waiters whenever the fake's state changes, so tests wait for events instead of sleeping. */
export class ChangeSignal {
  private readonly listeners = new Set<{ check: () => void; fail: (error: Error) => void }>();

  notify(): void {
    for (const listener of [...this.listeners]) listener.check();
  }

  /** Resolves with the first non-undefined value of `probe`, checked now and after every change. */
  waitFor<T>(probe: () => T | undefined, timeoutMs: number, describe: () => string): Promise<T> {
    const found = probe();
    if (found !== undefined) return Promise.resolve(found);
    return new Promise<T>((resolve, reject) => {
      const listener = {
        check: () => {
          const value = probe();
          if (value === undefined) return;
          finish();
          resolve(value);
        },
        fail: (error: Error) => {
          finish();
          reject(error);
        },
      };
      const timer = setTimeout(() => listener.fail(new Error(`Timed out after ${timeoutMs} ms: ${describe()}`)), timeoutMs);
      const finish = () => {
        clearTimeout(timer);
        this.listeners.delete(listener);
      };
      this.listeners.add(listener);
    });
  }

  /** Rejects every pending waiter (the fake is closing). */
  failAll(error: Error): void {
    for (const listener of [...this.listeners]) listener.fail(error);
  }
}
