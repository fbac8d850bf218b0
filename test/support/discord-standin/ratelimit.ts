// Fixed-window rate limits as Discord describes them: a global per-bot limit (50 requests
// per second) and per-route buckets keyed by the route's major parameter (a channel id).
// https://discord.com/developers/docs/topics/rate-limits

export interface Window {
  limit: number;
  windowMs: number;
}

interface State {
  resetAt: number;
  used: number;
}

export type Verdict =
  | { ok: true; limit: number; remaining: number; resetAt: number }
  | { ok: false; retryAfterMs: number; limit: number; resetAt: number };

export class FixedWindow {
  private readonly states = new Map<string, State>();
  constructor(readonly window: Window) {}

  /** Count one request against `key`'s window. */
  take(key: string, now: number): Verdict {
    let s = this.states.get(key);
    if (!s || now >= s.resetAt) {
      s = { resetAt: now + this.window.windowMs, used: 0 };
      this.states.set(key, s);
    }
    if (s.used >= this.window.limit) {
      return { ok: false, retryAfterMs: s.resetAt - now, limit: this.window.limit, resetAt: s.resetAt };
    }
    s.used++;
    return { ok: true, limit: this.window.limit, remaining: this.window.limit - s.used, resetAt: s.resetAt };
  }
}
