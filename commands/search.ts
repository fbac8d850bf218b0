import type { CommandDef } from '../src/chat/types.ts';
import { UserError } from '../src/model.ts';
import { parseSince } from '../src/util/duration.ts';
import { itemBlock } from './lib/blocks.ts';
import {
  integerOption,
  listOption,
  narrowingOptions,
  regionsOption,
  stringOption,
  themesOption,
} from './lib/options.ts';

const PAGE_SIZE = 5;
const MAX_QUERY = 500;

export const search: CommandDef = {
  name: 'search',
  description: 'Search the archive of standards bodies and rights groups',
  help:
    'Search the archive. `query` is plain words (no special syntax); narrow with `theme` (e.g. censorship), ' +
    '`region` (e.g. CN, RU, EU), `source` (a feed id from /feeds list) and `since` (30m, 24h, 7d, 2w or a date ' +
    'like 2026-11-01). Results are shown to you only; press Share to post them in the channel.',
  permission: 'anyone',
  options: [
    { name: 'query', description: 'Words to look for', type: 'string', required: true },
    ...narrowingOptions(),
    { name: 'since', description: 'Only items newer than this: 24h, 7d, 2w or a date', type: 'string' },
    { name: 'page', description: 'Result page', type: 'integer', minValue: 1, maxValue: 100 },
  ],
  async run(ctx) {
    const query = stringOption(ctx.options, 'query') ?? '';
    if (query.length > MAX_QUERY) {
      throw new UserError(
        'query-too-long',
        `the query is ${query.length} characters; keep it under ${MAX_QUERY}`,
      );
    }
    const themes = themesOption(ctx.options, 'theme');
    const regions = regionsOption(ctx.options, 'region');
    const sources = listOption(ctx.options, 'source');
    const sinceText = stringOption(ctx.options, 'since');
    const since = sinceText ? parseSince(sinceText, ctx.now) : undefined;
    const page = integerOption(ctx.options, 'page') ?? 1;
    if (page < 1) throw new UserError('bad-option', '`page` starts at 1');

    const result = await ctx.store.search({
      text: query,
      themes,
      regions,
      sources,
      since,
      limit: PAGE_SIZE,
      offset: (page - 1) * PAGE_SIZE,
    });
    if (!result.hits.length) {
      return {
        ephemeral: true,
        blocks: [
          {
            type: 'paragraph',
            text:
              page > 1
                ? `No more results for "${query}".`
                : `No results for "${query}". Try fewer words, another spelling, or a wider \`since\`.`,
          },
        ],
      };
    }
    const pages = Math.ceil(result.total / PAGE_SIZE);
    const base = {
      query,
      theme: ctx.options.theme,
      region: ctx.options.region,
      source: ctx.options.source,
      since: sinceText,
    };
    const actions = [];
    if (page > 1)
      actions.push({
        label: 'Previous',
        command: 'search',
        subcommand: null,
        options: { ...base, page: page - 1 },
      });
    if (page < pages)
      actions.push({
        label: 'Next',
        command: 'search',
        subcommand: null,
        options: { ...base, page: page + 1 },
      });
    actions.push({
      label: 'Share',
      command: 'search',
      subcommand: null,
      options: { ...base, page },
      share: true,
    });
    return {
      ephemeral: true,
      blocks: [
        {
          type: 'context',
          text: `${result.totalIsEstimate ? 'About ' : ''}${result.total} result${result.total === 1 ? '' : 's'} for "${query}" · page ${page} of ${pages}`,
        },
        ...result.hits.map((hit) => itemBlock(hit.item, hit.snippet)),
      ],
      actions,
    };
  },
};
