// The weekly digest's chart: how often each of the week's themes came up, this week against
// the eight weeks before, counted in the archive (one indexed query) when the digest is built
// and drawn by the platform when it is sent.
import type { ReplyImage } from '../chat/types.ts';
import type { ThemeId } from '../model.ts';
import type { Store } from '../store/types.ts';
import { MAX_SERIES, buildTrend, sparklineTable, type Trend } from '../trends/series.ts';
import type { Digest } from './types.ts';

/** Weeks shown: this one and the eight before. */
export const DIGEST_CHART_WEEKS = 9;
/** Smaller than /trends' 1400×700: it sits under a digest. Fonts stay large (width ≥ 1000). */
export const DIGEST_CHART_SIZE = { width: 1000, height: 500 };

/** The themes with most stories in the digest (up to six), or null when it has none. */
export async function weeklyDigestChart(store: Store, digest: Digest, now: Date): Promise<Trend | null> {
  const themes = digest.sections
    .filter((s): s is typeof s & { theme: ThemeId } => s.theme !== 'other' && s.entries.length > 0)
    .sort((a, b) => b.entries.length - a.entries.length)
    .slice(0, MAX_SERIES)
    .map((s) => s.theme);
  if (!themes.length) return null;
  const trend = await buildTrend(store, {
    themes,
    split: 'theme',
    periodDays: DIGEST_CHART_WEEKS * 7,
    by: 'week',
    weeksEndToday: true,
    now,
    title: `This week's themes against the 8 weeks before`,
  });
  return trend.series.length ? trend : null;
}

/** A file name for the chart of a digest (the terminal writes it to disk). */
export function digestChartFilename(digest: Digest): string {
  return `digest-chart-${digest.until.slice(0, 10)}.png`;
}

/** The chart as a picture with its text fallback, for the platforms to post. */
export async function digestChartImage(trend: Trend, digest: Digest): Promise<ReplyImage> {
  const { renderTrendPng } = await import('../trends/chart.ts');
  const totals = trend.series.map(
    (s) => `${s.name} ${s.values.at(-1) ?? 0} this week, ${s.total} in 9 weeks`,
  );
  return {
    filename: digestChartFilename(digest),
    png: await renderTrendPng(trend, DIGEST_CHART_SIZE),
    title: trend.title,
    altText: `Line chart, stories per week, ${trend.since} to ${trend.until}: ${totals.join('; ')}.`,
    fallback: sparklineTable(trend),
  };
}
