import type { CommandDef } from '../src/chat/types.ts';
import { UserError } from '../src/model.ts';
import { renderTrendPng } from '../src/trends/chart.ts';
import { buildTrend, parsePeriod, sparklineTable, type Trend } from '../src/trends/series.ts';
import { listOption, narrowingOptions, regionsOption, stringOption, themesOption } from './lib/options.ts';

/** Longest period a chat chart covers; longer by day would draw thousands of points. */
const MAX_DAYS_BY_DAY = 366;

function totals(trend: Trend): string {
  return trend.series.map((s) => `${s.name} ${s.total}`).join(', ');
}

export const trends: CommandDef = {
  name: 'trends',
  description: 'A chart of stories per week or day, one line per theme or region',
  help:
    'Posts a chart in the channel: stories per week (or `by:day`) over `period` (default 90d; also 12w, 6m), ' +
    'one line per theme, or per region when you name one `theme` (the six largest, the rest as "other"). ' +
    'Narrow with `theme` (e.g. censorship), `region` (e.g. RU, EU) and `source` (a feed id from /feeds list).',
  permission: 'anyone',
  slowPublicAnswer: true,
  options: [
    ...narrowingOptions(),
    { name: 'period', description: 'How far back: 90d (default), 12w, 6m', type: 'string' },
    {
      name: 'by',
      description: 'One point per week (default) or per day',
      type: 'string',
      choices: [
        { name: 'week', value: 'week' },
        { name: 'day', value: 'day' },
      ],
    },
  ],
  async run(ctx) {
    const themes = themesOption(ctx.options, 'theme');
    const regions = regionsOption(ctx.options, 'region');
    const sources = listOption(ctx.options, 'source');
    for (const id of sources) {
      if (!(await ctx.store.getFeed(id)))
        throw new UserError('bad-option', `there is no source "${id}": use a feed id from /feeds list`);
    }
    const by = (stringOption(ctx.options, 'by') ?? 'week').toLowerCase();
    if (by !== 'week' && by !== 'day') throw new UserError('bad-option', '`by` is week or day');
    let periodDays: number;
    try {
      periodDays = parsePeriod(stringOption(ctx.options, 'period'));
    } catch (err) {
      throw new UserError('bad-option', `\`period\`: ${(err as Error).message}`);
    }
    if (by === 'day' && periodDays > MAX_DAYS_BY_DAY) {
      throw new UserError('bad-option', `\`by:day\` covers at most ${MAX_DAYS_BY_DAY} days; use \`by:week\``);
    }
    const trend = await buildTrend(ctx.store, { themes, regions, sources, periodDays, by, now: ctx.now });
    if (!trend.series.length) {
      return {
        ephemeral: true,
        blocks: [{ type: 'paragraph', text: `No stories match (${trend.filterText}).` }],
      };
    }
    const png = await renderTrendPng(trend);
    return {
      ephemeral: false,
      blocks: [{ type: 'context', text: `${trend.since} to ${trend.until} (UTC) · ${totals(trend)}` }],
      image: {
        filename: 'trends.png',
        png,
        title: trend.title,
        altText: `Line chart, ${trend.title}. Totals: ${totals(trend)}.`,
        fallback: sparklineTable(trend),
      },
    };
  },
};
