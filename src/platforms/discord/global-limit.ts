// Discord's global limit (50 requests per second per bot), kept so that latency jitter
// cannot cause a 429. discord.js starts its one-second window when it *sends* the first
// request; Discord starts counting when that request *arrives*, so a stall between the two
// (GC, a busy event loop, the network) lets the next burst land inside Discord's old window
// and a whole burst is refused, costing a second. Here a window starts when the first
// request's *response* comes back, which is never before Discord saw it: the next window
// then cannot overlap Discord's, whatever the latency, at the cost of one round trip per
// window instead of discord.js's fixed 50 ms offset.

export interface GlobalLimiter {
  /** Wait for a slot; call the returned function when the response (or failure) arrives. */
  acquire(): Promise<() => void>;
}

export function createGlobalLimiter(opts: {
  perSecond: number;
  windowMs?: number;
  marginMs?: number;
}): GlobalLimiter {
  const limit = Math.max(1, opts.perSecond);
  const windowMs = opts.windowMs ?? 1_000;
  const margin = opts.marginMs ?? 5;
  let used = 0;
  /** Response time of the window's first request; null while it is still in flight. */
  let anchor: number | null = null;
  let open = false;
  let anchorSet: Promise<void> = Promise.resolve();
  let resolveAnchor: () => void = () => {};
  let chain: Promise<unknown> = Promise.resolve();

  function startWindow(): () => void {
    open = true;
    used = 1;
    anchor = null;
    anchorSet = new Promise<void>((r) => (resolveAnchor = r));
    let done = false;
    return () => {
      if (done) return;
      done = true;
      anchor = Date.now();
      resolveAnchor();
    };
  }

  async function take(): Promise<() => void> {
    for (;;) {
      if (open && anchor !== null && Date.now() >= anchor + windowMs + margin) open = false;
      if (!open) return startWindow();
      if (used < limit) {
        used++;
        return () => {};
      }
      await anchorSet;
      const wait = anchor! + windowMs + margin - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
  }

  return {
    acquire() {
      // One waiter at a time decides, so slots go out in arrival order.
      const next = chain.then(take);
      chain = next.catch(() => undefined);
      return next;
    },
  };
}
