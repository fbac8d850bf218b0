import type { CommandDef, ReplyBlock } from '../src/chat/types.ts';
import { THEME_LABELS } from '../src/digest/render.ts';
import { addDays, dayOf } from '../src/evidence/days.ts';
import { evidenceServiceFor } from '../src/evidence/service.ts';
import type { Evidence } from '../src/evidence/types.ts';
import { UserError, type ThemeId } from '../src/model.ts';
import { describeProcess } from '../src/trackers/follow.ts';
import { stringOption } from './lib/options.ts';

/** The card's measurement lines: OONI web connectivity and IODA outage events. */
function measurementLines(list: Evidence[]): string[] {
  return list
    .filter((e) => e.kind === 'web_connectivity' || e.kind === 'circumvention' || e.kind === 'outage_events')
    .map((e) => `${e.source === 'ooni' ? 'OONI' : 'IODA'}: ${e.summary} — ${e.url}`);
}

export const country: CommandDef = {
  name: 'country',
  description: 'A country card: OONI and IODA figures for 7 and 30 days, recent stories, trackers',
  help:
    'Give a two-letter country code (IQ, RU, IR, MM…). Shows OONI censorship measurements and IODA ' +
    "outage events for the last 7 and 30 days, this archive's recent stories about the country by " +
    'theme, and the tracked processes that name it.',
  permission: 'anyone',
  options: [{ name: 'code', description: 'Country code, e.g. IQ', type: 'string', required: true }],
  async run(ctx) {
    const raw = stringOption(ctx.options, 'code') ?? '';
    const code = raw.toUpperCase();
    if (!/^[A-Z]{2}$/.test(code) || code === 'EU') {
      throw new UserError('bad-option', `"${raw}" is not a country code: use two letters like IQ, RU or MM`);
    }
    const service = evidenceServiceFor(ctx.store, ctx.config.evidence, ctx.logger);
    const today = dayOf(ctx.now);
    const blocks: ReplyBlock[] = [{ type: 'heading', text: `Country card: ${code}` }];
    for (const days of [7, 30]) {
      const list = await service.forWindow(code, addDays(today, -(days - 1)), today);
      blocks.push({ type: 'heading', text: `Last ${days} days` });
      blocks.push({ type: 'list', items: measurementLines(list) });
    }

    const since = new Date(ctx.now.getTime() - 30 * 86_400_000).toISOString();
    const stories = await ctx.store.listItems({
      regions: [code],
      seenSince: since,
      order: 'id-desc',
      limit: 30,
    });
    blocks.push({ type: 'heading', text: 'Recent stories (30 days)' });
    if (!stories.length)
      blocks.push({
        type: 'paragraph',
        text: `No stories about ${code} in the archive in the last 30 days.`,
      });
    const byTheme = new Map<ThemeId | 'other', string[]>();
    for (const it of stories) {
      const theme = it.themes[0] ?? 'other';
      const list = byTheme.get(theme) ?? [];
      if (list.length < 3)
        list.push(`#${it.id} ${it.title} (${it.sourceName}, ${it.published.slice(0, 10)})`);
      byTheme.set(theme, list);
    }
    for (const [theme, lines] of byTheme) {
      blocks.push({ type: 'paragraph', text: THEME_LABELS[theme] });
      blocks.push({ type: 'list', items: lines });
    }

    const tracked = (await ctx.store.trackers.list()).filter((p) => p.regions.includes(code));
    if (tracked.length) {
      blocks.push({ type: 'heading', text: 'Tracked processes naming it' });
      blocks.push({
        type: 'list',
        items: tracked.slice(0, 10).map((p) => `${describeProcess(p)} — ${p.url}`),
      });
    }
    blocks.push({
      type: 'context',
      text: '/evidence item:<number> shows the measurements around one story.',
    });
    return { ephemeral: true, blocks };
  },
};
