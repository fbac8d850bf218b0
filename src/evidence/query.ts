// A question asked of one evidence API for one country over a span of days, answered as one
// payload per day so the archive can cache it per source, query, country and day.
import type { EvidenceConfig } from '../config.ts';
import type { EvidenceSource } from './types.ts';

export interface QueryContext {
  config: EvidenceConfig;
  /** GET JSON through the service (budget, backoff, timeout). */
  get(url: string, headers?: Record<string, string>): Promise<unknown>;
}

export interface DayQuery {
  source: EvidenceSource;
  /** Cache key of the question, e.g. `web_connectivity`. */
  query: string;
  /** Ask for [from, until] (inclusive days); every day of the span gets a payload. */
  fetch(ctx: QueryContext, country: string, from: string, until: string): Promise<Map<string, unknown>>;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A non-negative whole number from an API field, or throw: a figure is never guessed. */
export function count(v: unknown, what: string): number {
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) throw new Error(`bad ${what} in the answer`);
  return n;
}
