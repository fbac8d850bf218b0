import type { CommandDef } from '../src/chat/types.ts';
import { UserError, targetKey } from '../src/model.ts';
import { integerOption } from './lib/options.ts';
import { describeSubscription, personalTarget } from './lib/targets.ts';

export const unsubscribe: CommandDef = {
  name: 'unsubscribe',
  description: 'Stop a subscription of this channel or your own',
  help: 'Give the subscription `id` shown by /subscriptions. Removing a channel subscription needs an admin.',
  permission: 'anyone',
  options: [
    {
      name: 'id',
      description: 'Subscription id (see /subscriptions)',
      type: 'integer',
      required: true,
      minValue: 1,
    },
  ],
  async run(ctx) {
    const id = integerOption(ctx.options, 'id');
    if (id === undefined)
      throw new UserError('bad-option', 'give the subscription `id` (see /subscriptions)');
    const mine = targetKey(personalTarget(ctx));
    const here = targetKey(ctx.where);
    const subs = await ctx.store.listSubscriptions();
    const sub = subs.find((s) => s.id === id && [mine, here].includes(targetKey(s.target)));
    if (!sub) throw new UserError('not-found', `no subscription #${id} here or for you; see /subscriptions`);
    if (sub.target.kind === 'channel' && !ctx.caller.isAdmin) {
      throw new UserError('not-admin', "removing a channel's subscription needs an admin");
    }
    await ctx.store.removeSubscription(id);
    return {
      ephemeral: true,
      blocks: [{ type: 'paragraph', text: `Removed ${describeSubscription(sub)}.` }],
    };
  },
};
