// Trend counts for charts (`/trends`, `govwatch trends`, the weekly digest's chart): stories
// per UTC day and per theme or region, counted in the archive by one indexed GROUP BY.
import type { RegionCode, ThemeId } from '../model.ts';

export interface TrendQuery {
  /** ISO bounds on `published`: since inclusive, until exclusive. */
  since: string;
  until: string;
  /** One line per theme, or per region. */
  split: 'theme' | 'region';
  themes?: ThemeId[];
  regions?: RegionCode[];
  sources?: string[];
}

export interface TrendRow {
  /** UTC day, YYYY-MM-DD. */
  day: string;
  /** Theme id or region code. */
  series: string;
  count: number;
}

/**
 * `published` is stored as `toISOString()` text (`…T00:00:00.000Z`) and compared as text, so
 * a bound written another way (`…T00:00:00Z`) would be off by the milliseconds' place.
 */
export function isoBound(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`not an ISO date: ${iso}`);
  return new Date(ms).toISOString();
}

export interface TrendStore {
  /** Item counts per day and series. An item with two themes counts on both lines. */
  count(q: TrendQuery): Promise<TrendRow[]>;
}
