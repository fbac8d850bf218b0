import type { CommandDef } from '../src/chat/types.ts';
import { UserError } from '../src/model.ts';
import { itemBlock } from './lib/blocks.ts';
import { stringOption } from './lib/options.ts';

export const why: CommandDef = {
  name: 'why',
  description: 'Why an item got its themes and regions',
  help: 'Give the item number shown in search results and digests (e.g. 1234 or #1234).',
  permission: 'anyone',
  options: [{ name: 'item', description: 'Item number, e.g. 1234', type: 'string', required: true }],
  async run(ctx) {
    const raw = stringOption(ctx.options, 'item') ?? '';
    const id = Number(raw.replace(/^#/, ''));
    if (!Number.isSafeInteger(id) || id < 1) {
      throw new UserError(
        'bad-option',
        `"${raw}" is not an item number: use the number shown in results, like 1234`,
      );
    }
    const item = await ctx.store.getItem(id);
    if (!item) throw new UserError('not-found', `there is no item #${id} in the archive`);
    const tags = [...item.themes, ...item.regions];
    const lines = tags.map((tag) => {
      const terms = item.why[tag] ?? [];
      return `${tag}: ${terms.length ? terms.map((t) => `"${t}"`).join(', ') : "(from the source's usual themes)"}`;
    });
    return {
      ephemeral: true,
      blocks: [
        itemBlock(item),
        tags.length
          ? { type: 'list', items: lines }
          : { type: 'paragraph', text: 'No theme or region matched this item.' },
      ],
    };
  },
};
