// When to look at a feed again: never sooner than the poll interval or what the server
// asked for (Cache-Control/Expires, <ttl>, Retry-After), and backing off exponentially
// while a feed keeps failing so a dead site is not hammered.

const MINUTE = 60_000;
const MAX_BACKOFF_MS = 24 * 60 * MINUTE;
/** A server's freshness hint is honoured up to this, so a "max-age=1 year" feed is still checked daily. */
const MAX_FRESHNESS_MS = 24 * 60 * MINUTE;

export interface SuccessHints {
  freshUntil?: Date | null;
  ttlMinutes?: number | null;
}

export function nextCheckAfterSuccess(now: Date, intervalMs: number, hints: SuccessHints = {}): Date {
  let at = now.getTime() + intervalMs;
  if (hints.freshUntil)
    at = Math.max(at, Math.min(hints.freshUntil.getTime(), now.getTime() + MAX_FRESHNESS_MS));
  if (hints.ttlMinutes && hints.ttlMinutes > 0) {
    at = Math.max(at, now.getTime() + Math.min(hints.ttlMinutes * MINUTE, MAX_FRESHNESS_MS));
  }
  return new Date(at);
}

/** `failures` counts the failure just recorded (1 after the first). */
export function nextCheckAfterFailure(
  now: Date,
  intervalMs: number,
  failures: number,
  retryAfterMs: number | null = null,
): Date {
  const backoff = Math.min(intervalMs * 2 ** Math.max(0, failures - 1), MAX_BACKOFF_MS);
  const wait = Math.max(backoff, retryAfterMs ?? 0);
  return new Date(now.getTime() + Math.min(wait, MAX_BACKOFF_MS));
}
