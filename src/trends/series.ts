// A trend: stories per day or week over a period, one series per theme or region (the
// six largest, the rest summed as "other"), from one indexed count in the archive.
import type { RegionCode, ThemeId } from '../model.ts';
import type { Store } from '../store/types.ts';

export const MAX_SERIES = 6;
const DAY_MS = 86_400_000;

export interface TrendOptions {
  themes?: ThemeId[];
  regions?: RegionCode[];
  sources?: string[];
  /** Days back from today (UTC), today included. */
  periodDays: number;
  by: 'day' | 'week';
  now: Date;
  /** One line per theme or per region; default: per region when themes (only) are named. */
  split?: 'theme' | 'region';
  /**
   * Weeks as the seven days ending today, and the sevens before (a weekly digest's "this
   * week"), instead of calendar weeks starting on Monday.
   */
  weeksEndToday?: boolean;
  /** Title instead of the generated one. */
  title?: string;
}

export interface Trend {
  title: string;
  /** What was counted, in words: "censorship · RU · last 90 days, by week". */
  filterText: string;
  split: 'theme' | 'region';
  by: 'day' | 'week';
  since: string;
  until: string;
  /** Bucket starts (YYYY-MM-DD; weeks start on Monday, UTC). */
  buckets: string[];
  series: Array<{ name: string; values: number[]; total: number }>;
}

const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

function mondayOf(ms: number): number {
  const d = new Date(ms);
  return ms - ((d.getUTCDay() + 6) % 7) * DAY_MS;
}

/** Parse `90d`, `12w`, `6m` (30-day months) or a bare number of days. */
export function parsePeriod(text: string | undefined, fallbackDays = 90): number {
  if (!text) return fallbackDays;
  const m = /^\s*(\d{1,4})\s*([dwm]?)\s*$/i.exec(text);
  if (!m) throw new Error(`period "${text}" is not like 90d, 12w or 6m`);
  const n = Number(m[1]) * ({ d: 1, w: 7, m: 30, '': 1 } as Record<string, number>)[m[2]!.toLowerCase()]!;
  if (n < 1 || n > 3660) throw new Error(`period "${text}" must be between 1 day and 10 years`);
  return n;
}

export async function buildTrend(store: Store, opts: TrendOptions): Promise<Trend> {
  const today = Date.UTC(opts.now.getUTCFullYear(), opts.now.getUTCMonth(), opts.now.getUTCDate());
  let start = today - (opts.periodDays - 1) * DAY_MS;
  const rolling = opts.by === 'week' && opts.weeksEndToday === true;
  // Rolling weeks: whole weeks back from today, so the last one ends today.
  if (rolling) start = today - (Math.ceil(opts.periodDays / 7) * 7 - 1) * DAY_MS;
  else if (opts.by === 'week') start = mondayOf(start);
  const end = today + DAY_MS;
  const themes = opts.themes ?? [];
  const regions = (opts.regions ?? []).map((r) => r.toUpperCase());
  // One line per theme, unless the question is about one theme: then per region.
  const split = opts.split ?? (themes.length && !regions.length ? 'region' : 'theme');
  const rows = await store.trends.count({
    since: new Date(start).toISOString(),
    until: new Date(end).toISOString(),
    split,
    themes,
    regions,
    sources: opts.sources ?? [],
  });

  const step = opts.by === 'week' ? 7 * DAY_MS : DAY_MS;
  const buckets: string[] = [];
  for (let t = start; t < end; t += step) buckets.push(day(t));
  const index = new Map(buckets.map((b, i) => [b, i]));
  const weekOf = (ms: number): number =>
    rolling ? start + Math.floor((ms - start) / step) * step : mondayOf(ms);
  const bucketOf = (d: string): string =>
    opts.by === 'week' ? day(weekOf(Date.parse(`${d}T00:00:00Z`))) : d;

  const bySeries = new Map<string, number[]>();
  for (const r of rows) {
    const i = index.get(bucketOf(r.day));
    if (i === undefined) continue;
    const values = bySeries.get(r.series) ?? new Array<number>(buckets.length).fill(0);
    values[i]! += Number(r.count);
    bySeries.set(r.series, values);
  }
  const ranked = [...bySeries]
    .map(([name, values]) => ({ name, values, total: values.reduce((a, b) => a + b, 0) }))
    .sort((a, b) => b.total - a.total || a.name.localeCompare(b.name));
  const series = ranked.slice(0, MAX_SERIES);
  const rest = ranked.slice(MAX_SERIES);
  if (rest.length) {
    const values = buckets.map((_, i) => rest.reduce((s, r) => s + r.values[i]!, 0));
    series.push({ name: 'other', values, total: values.reduce((a, b) => a + b, 0) });
  }

  const parts = [
    themes.length ? themes.join(', ') : 'all themes',
    regions.length ? regions.join(', ') : '',
    opts.sources?.length ? `source ${opts.sources.join(', ')}` : '',
  ].filter(Boolean);
  const filterText = `${parts.join(' · ')} · last ${opts.periodDays} days, by ${opts.by}`;
  return {
    title: opts.title ?? `Stories per ${opts.by} by ${split}: ${filterText.replace(/, by (day|week)$/, '')}`,
    filterText,
    split,
    by: opts.by,
    since: day(start),
    until: day(end - DAY_MS),
    buckets,
    series,
  };
}

const BARS = '▁▂▃▄▅▆▇█';

/** A text stand-in for the chart: one sparkline per series (Slack without file scope). */
export function sparklineTable(trend: Trend): string {
  const max = Math.max(1, ...trend.series.flatMap((s) => s.values));
  const width = Math.max(5, ...trend.series.map((s) => s.name.length));
  const lines = trend.series.map((s) => {
    const spark = s.values
      .map((v) => (v === 0 ? ' ' : BARS[Math.min(7, Math.floor((v / max) * 7.999))]))
      .join('');
    return `${s.name.padEnd(width)} ${spark} ${s.total}`;
  });
  return [
    trend.title,
    `${trend.since} → ${trend.until}`,
    ...(lines.length ? lines : ['(no stories in this period)']),
  ].join('\n');
}
