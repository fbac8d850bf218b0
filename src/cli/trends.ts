// `govwatch trends`: the trend chart as a PNG file, or its numbers as JSON.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { openArchiveForReading } from '../archive.ts';
import type { Config } from '../config.ts';
import { UserError, isThemeId, type ThemeId } from '../model.ts';
import { buildTrend, parsePeriod, sparklineTable } from '../trends/series.ts';
import { out, printJson } from './output.ts';

export interface TrendsCliOptions {
  theme?: string;
  region?: string;
  source?: string;
  period?: string;
  by?: string;
  png?: string;
  json?: boolean;
}

function list(v: string | undefined): string[] {
  return (v ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

export async function runTrends(config: Config, opts: TrendsCliOptions): Promise<void> {
  const themes = list(opts.theme);
  const unknown = themes.filter((t) => !isThemeId(t));
  if (unknown.length)
    throw new UserError('unknown-theme', `unknown theme "${unknown[0]}" (see govwatch themes)`);
  const by = (opts.by ?? 'week').toLowerCase();
  if (by !== 'week' && by !== 'day') throw new UserError('bad-option', '--by is week or day');
  let periodDays: number;
  try {
    periodDays = parsePeriod(opts.period);
  } catch (err) {
    throw new UserError('bad-option', `--period: ${(err as Error).message}`);
  }
  const store = await openArchiveForReading(config);
  try {
    const trend = await buildTrend(store, {
      themes: themes as ThemeId[],
      regions: list(opts.region),
      sources: list(opts.source),
      periodDays,
      by,
      now: new Date(),
    });
    if (opts.png) {
      const { renderTrendPng } = await import('../trends/chart.ts');
      writeFileSync(opts.png, await renderTrendPng(trend));
      process.stderr.write(`wrote ${resolve(opts.png)}\n`);
    }
    if (opts.json) printJson(trend);
    else if (!opts.png) out(sparklineTable(trend));
  } finally {
    await store.close();
  }
}
