// A shutdown on our own clock: every wait is a named step raced against what is left of one
// deadline, so no remote side (a gateway that never answers the close handshake, a frozen
// database, a feed that trickles) can hold the process. A step that runs out is abandoned,
// not awaited: the process exits right after, which also drops its sockets.

export interface ShutdownBudget {
  /** Milliseconds left before the deadline (never negative). */
  remaining(): number;
  /** Steps started and not settled yet, by name (logged when the deadline passes). */
  pending(): string[];
  /**
   * Run `work` as the step `name`, waiting at most `capMs` (default: what is left, minus
   * `reserveMs`). Resolves 'done', 'failed' (it threw; logged by the caller's `onError`) or
   * 'timeout' (abandoned; it stays in pending()).
   */
  step(
    name: string,
    work: () => Promise<unknown>,
    opts?: { capMs?: number; reserveMs?: number; onError?: (err: unknown) => void },
  ): Promise<'done' | 'failed' | 'timeout'>;
}

export function shutdownBudget(deadlineMs: number, clock: () => number = Date.now): ShutdownBudget {
  const end = clock() + deadlineMs;
  const open = new Set<string>();
  const remaining = (): number => Math.max(0, end - clock());
  return {
    remaining,
    pending: () => [...open],
    async step(name, work, opts = {}) {
      const wait = Math.max(0, Math.min(opts.capMs ?? Infinity, remaining() - (opts.reserveMs ?? 0)));
      open.add(name);
      let timer: NodeJS.Timeout | undefined;
      const outcome = await Promise.race([
        Promise.resolve()
          .then(work)
          .then(
            () => 'done' as const,
            (err: unknown) => {
              opts.onError?.(err);
              return 'failed' as const;
            },
          ),
        new Promise<'timeout'>((resolve) => {
          timer = setTimeout(() => resolve('timeout'), wait);
        }),
      ]);
      clearTimeout(timer);
      if (outcome !== 'timeout') open.delete(name);
      return outcome;
    },
  };
}

/**
 * `work`, or `onAbort` as soon as `signal` aborts, whichever comes first: for waits on calls
 * that take no signal. The listener is removed when `work` settles, so a long-lived signal
 * does not collect one per call.
 */
export function raceAbort<T, A>(work: Promise<T>, signal: AbortSignal, onAbort: A): Promise<T | A> {
  if (signal.aborted) return Promise.resolve(onAbort);
  let listener: (() => void) | undefined;
  const aborted = new Promise<A>((resolve) => {
    listener = () => resolve(onAbort);
    signal.addEventListener('abort', listener, { once: true });
  });
  return Promise.race([work, aborted]).finally(() => signal.removeEventListener('abort', listener!));
}
