import type { CommandDef, ReplyBlock } from '../src/chat/types.ts';
import { evidenceServiceFor, evidenceCountries } from '../src/evidence/service.ts';
import { UserError } from '../src/model.ts';
import { itemBlock } from './lib/blocks.ts';
import { stringOption } from './lib/options.ts';

export const evidence: CommandDef = {
  name: 'evidence',
  description: 'What OONI and IODA measured in the countries of a story, around its date',
  help:
    'Give the item number shown in search results and digests (e.g. 1234). Stories tagged shutdowns or ' +
    'censorship with a country get OONI censorship measurements and IODA outage signals for the ' +
    'publication day and the two days before; a source that fails is shown as unavailable.',
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
    const blocks: ReplyBlock[] = [itemBlock(item)];
    if (!evidenceCountries(item).length) {
      blocks.push({
        type: 'paragraph',
        text: 'No evidence: measurements are looked up for stories tagged shutdowns or censorship with a country.',
      });
      return { ephemeral: true, blocks };
    }
    const service = evidenceServiceFor(ctx.store, ctx.config.evidence, ctx.logger);
    for (const { country, evidence: list } of await service.forItem(item)) {
      blocks.push({ type: 'heading', text: `Evidence for ${country}` });
      blocks.push({ type: 'list', items: list.map((e) => `${e.summary} — ${e.url}`) });
    }
    blocks.push({
      type: 'context',
      text: 'Figures as served by OONI (explorer.ooni.org) and IODA (ioda.inetintel.cc.gatech.edu); "anomalous" counts anomalies and confirmed blocking.',
    });
    return { ephemeral: true, blocks };
  },
};
