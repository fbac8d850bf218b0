// What the bot reports about itself. app.ts injects one Metrics into the flows it wires;
// without GOVWATCH_HTTP_PORT it is the no-op below, so prom-client is never loaded.
import type { Target } from '../model.ts';

export type DeliveryOutcome = 'sent' | 'retry' | 'failed';

export interface Metrics {
  /** One poll pass finished (or threw). */
  pollDone(outcome: 'ok' | 'failed', seconds: number): void;
  feedFailed(reason: string): void;
  itemsStored(n: number): void;
  taggingSeconds(seconds: number): void;
  delivery(platform: Target['platform'], kind: string, outcome: DeliveryOutcome): void;
  /** A platform asked us to wait (HTTP 429 / Retry-After). */
  rateLimitWait(platform: Target['platform'], seconds: number): void;
  searchSeconds(seconds: number): void;
  feedRequest(route: string, status: number): void;
}

export const noopMetrics: Metrics = {
  pollDone() {},
  feedFailed() {},
  itemsStored() {},
  taggingSeconds() {},
  delivery() {},
  rateLimitWait() {},
  searchSeconds() {},
  feedRequest() {},
};

/**
 * A feed's last error, as a small fixed set of reasons (a label must not carry URLs).
 * Messages come from src/ingest/errors.ts (FetchError, FeedParseError).
 */
export function failureReason(message: string): string {
  const m = message.toLowerCase();
  const status = /\bhttp (\d)\d\d\b/.exec(m);
  if (status) return status[1] === '4' ? 'http_4xx' : status[1] === '5' ? 'http_5xx' : 'http_other';
  if (m.includes('timed out')) return 'timeout';
  if (m.includes('exceeds') || m.includes('too large')) return 'too_large';
  if (m.includes('redirect')) return 'redirects';
  if (m.includes('not a feed') || m.includes('xml') || m.includes('json')) return 'parse';
  if (m.includes('private') || m.includes('loopback') || m.includes('not allowed') || m.includes('blocked'))
    return 'blocked';
  if (/enotfound|eai_again|econnrefused|econnreset|etimedout|ehostunreach|enetunreach|socket|aborted/.test(m))
    return 'network';
  return 'other';
}
