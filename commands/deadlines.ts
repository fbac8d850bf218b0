import type { CommandDef } from '../src/chat/types.ts';
import { UserError } from '../src/model.ts';
import { parseDuration } from '../src/util/duration.ts';
import { upcomingDeadlines } from '../src/trackers/deadlines.ts';
import { requireTrackers } from '../src/trackers/follow.ts';
import { deadlineVerb, formatDeadline } from '../src/trackers/notices.ts';
import { regionsOption, stringOption, themesOption } from './lib/options.ts';

export const deadlinesCommand: CommandDef = {
  name: 'deadlines',
  description: 'What closes or opens soon: consultations, last calls, treaties, meetings',
  help: 'Soonest first. `theme` and `region` narrow it; `within` sets how far ahead (default 30d, e.g. 7d, 12w).',
  permission: 'anyone',
  options: [
    { name: 'theme', description: 'Theme id, e.g. standards', type: 'string', autocomplete: 'theme' },
    { name: 'region', description: 'Region code, e.g. EU', type: 'string', autocomplete: 'region' },
    { name: 'within', description: 'How far ahead, e.g. 30d (default)', type: 'string' },
  ],
  async run(ctx) {
    requireTrackers(ctx.config);
    const within = stringOption(ctx.options, 'within');
    const withinMs = within ? parseDuration(within.replace(/^within:/i, '')) : 30 * 86_400_000;
    if (withinMs > 366 * 86_400_000)
      throw new UserError('bad-option', '`within` is at most a year (e.g. 52w)');
    const rows = await upcomingDeadlines(ctx.store, {
      now: ctx.now,
      withinMs,
      themes: themesOption(ctx.options, 'theme'),
      regions: regionsOption(ctx.options, 'region'),
    });
    const days = Math.round(withinMs / 86_400_000);
    if (!rows.length)
      return {
        ephemeral: true,
        blocks: [{ type: 'paragraph', text: `Nothing closes or opens in the next ${days} days.` }],
      };
    return {
      ephemeral: true,
      blocks: [
        { type: 'heading', text: `Deadlines and meetings, next ${days} days` },
        {
          type: 'list',
          items: rows.map(
            (p) =>
              `${formatDeadline(p.deadline!)}: ${p.title} ${deadlineVerb(p)} (${p.state}) [${p.id}] ${p.url}`,
          ),
        },
      ],
    };
  },
};
