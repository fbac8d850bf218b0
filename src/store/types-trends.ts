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

export interface TrendStore {
  /** Item counts per day and series. An item with two themes counts on both lines. */
  count(q: TrendQuery): Promise<TrendRow[]>;
}
