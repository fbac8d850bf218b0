// How many requests run at once: at most `perHost` to one host and `global` in total, so
// many feeds on one site (the IETF has a dozen) never hammer it. Waiters are served in
// arrival order, skipping those whose host is still busy.

export interface FetchLimiterOptions {
  perHost?: number;
  global?: number;
}

export interface FetchLimiter {
  /** Wait for a slot for `host`; call the returned function once to give it back. */
  acquire(host: string): Promise<() => void>;
  /** Run `fn` holding a slot for `host`. */
  run<T>(host: string, fn: () => Promise<T>): Promise<T>;
  /** Requests running now, overall and per host (for tests and logs). */
  active(host?: string): number;
  /** Requests waiting for a slot. */
  waiting(): number;
}

export function createFetchLimiter(opts: FetchLimiterOptions = {}): FetchLimiter {
  const perHost = Math.max(1, opts.perHost ?? 2);
  const global = Math.max(1, opts.global ?? 16);
  const byHost = new Map<string, number>();
  let total = 0;
  const queue: { host: string; grant: () => void }[] = [];

  const canRun = (host: string): boolean => total < global && (byHost.get(host) ?? 0) < perHost;
  const take = (host: string): (() => void) => {
    total++;
    byHost.set(host, (byHost.get(host) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      total--;
      const left = (byHost.get(host) ?? 1) - 1;
      if (left > 0) byHost.set(host, left);
      else byHost.delete(host);
      pump();
    };
  };
  const pump = (): void => {
    for (let i = 0; i < queue.length && total < global;) {
      const waiter = queue[i];
      if (waiter && canRun(waiter.host)) {
        queue.splice(i, 1);
        waiter.grant();
      } else i++;
    }
  };

  const acquire = (rawHost: string): Promise<() => void> => {
    const host = rawHost.toLowerCase();
    if (canRun(host) && queue.length === 0) return Promise.resolve(take(host));
    return new Promise((resolve) => {
      queue.push({ host, grant: () => resolve(take(host)) });
      pump();
    });
  };

  return {
    acquire,
    async run(host, fn) {
      const release = await acquire(host);
      try {
        return await fn();
      } finally {
        release();
      }
    },
    active: (host) => (host === undefined ? total : (byHost.get(host.toLowerCase()) ?? 0)),
    waiting: () => queue.length,
  };
}
