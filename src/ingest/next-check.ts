// When to look at a feed again: at the next poll pass after the poll interval, never sooner
// than what the server asked for (Cache-Control/Expires, <ttl>, Retry-After), and backing
// off exponentially while a feed keeps failing so a dead site is not hammered.
//
// The interval (and our own backoff) counts from the start of the pass that polled the
// feed, less a little slack, not from the moment its answer came in: passes start on the
// scheduler's heartbeat, so "fetched 2 s into the pass + 60 s" would land just after the
// next pass began and every feed would skip one (a 1-minute interval polled every 2 minutes).
// The server's own hints count from the fetch, exactly: those are never cut short.

const MINUTE = 60_000;
const MAX_BACKOFF_MS = 24 * 60 * MINUTE;
/** A server's freshness hint is honoured up to this, so a "max-age=1 year" feed is still checked daily. */
const MAX_FRESHNESS_MS = 24 * 60 * MINUTE;
/** Slack for a heartbeat that fires a little early or a pass that starts a little late. */
const MAX_SLACK_MS = 5_000;

/** How much earlier than `passStart + interval` a feed is due: a tenth of the interval, at most 5 s. */
export function intervalSlackMs(intervalMs: number): number {
  return Math.min(MAX_SLACK_MS, Math.max(0, intervalMs) / 10);
}

export interface SuccessHints {
  freshUntil?: Date | null;
  ttlMinutes?: number | null;
}

/**
 * `now` is when the feed was fetched; `passStart` when the poll pass that claimed it began
 * (default `now`, for a feed polled on its own).
 */
export function nextCheckAfterSuccess(
  now: Date,
  intervalMs: number,
  hints: SuccessHints = {},
  passStart: Date = now,
): Date {
  let at = passStart.getTime() + intervalMs - intervalSlackMs(intervalMs);
  if (hints.freshUntil)
    at = Math.max(at, Math.min(hints.freshUntil.getTime(), now.getTime() + MAX_FRESHNESS_MS));
  if (hints.ttlMinutes && hints.ttlMinutes > 0) {
    at = Math.max(at, now.getTime() + Math.min(hints.ttlMinutes * MINUTE, MAX_FRESHNESS_MS));
  }
  return new Date(at);
}

/** `failures` counts the failure just recorded (1 after the first). Retry-After counts from `now`. */
export function nextCheckAfterFailure(
  now: Date,
  intervalMs: number,
  failures: number,
  retryAfterMs: number | null = null,
  passStart: Date = now,
): Date {
  const backoff = Math.min(intervalMs * 2 ** Math.max(0, failures - 1), MAX_BACKOFF_MS);
  const byBackoff = passStart.getTime() + backoff - intervalSlackMs(intervalMs);
  const byServer = now.getTime() + Math.min(retryAfterMs ?? 0, MAX_BACKOFF_MS);
  return new Date(Math.max(byBackoff, byServer));
}
