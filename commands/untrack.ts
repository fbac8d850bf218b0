import type { CommandDef } from '../src/chat/types.ts';
import { UserError } from '../src/model.ts';
import { requireTrackers, untrack } from '../src/trackers/follow.ts';
import { stringOption } from './lib/options.ts';
import { trackingTarget } from './lib/tracking.ts';

export const untrackCommand: CommandDef = {
  name: 'untrack',
  description: 'Stop following a process',
  help: 'Give what /tracked lists (its id, like untc:XVIII-16, or what you gave /track). A channel needs an admin.',
  permission: 'anyone',
  options: [
    { name: 'what', description: 'The id shown by /tracked', type: 'string', required: true },
    {
      name: 'scope',
      description: 'channel (admins) or me',
      type: 'string',
      choices: [
        { name: 'channel', value: 'channel' },
        { name: 'me', value: 'me' },
      ],
    },
  ],
  async run(ctx) {
    requireTrackers(ctx.config);
    const ref = stringOption(ctx.options, 'what');
    if (!ref) throw new UserError('bad-option', 'say what to stop tracking (see /tracked)');
    const target = trackingTarget(ctx, stringOption(ctx.options, 'scope'));
    const p = await untrack(ctx.store, ctx.config, { ref, target, now: ctx.now });
    return { ephemeral: true, blocks: [{ type: 'paragraph', text: `No longer tracking ${p.title}.` }] };
  },
};
