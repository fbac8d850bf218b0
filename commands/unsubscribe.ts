import type { CommandDef } from '../src/chat/types.ts';
import { UserError, targetKey } from '../src/model.ts';
import { integerOption } from './lib/options.ts';
import { unsubscribeFeed } from './lib/feed-subscription.ts';
import { describeSubscription, personalTarget } from './lib/targets.ts';

export const unsubscribe: CommandDef = {
  name: 'unsubscribe',
  description: 'Stop a subscription of this channel or your own',
  help:
    'Give the subscription `id` shown by /subscriptions, or `feed` to revoke a private feed made with ' +
    '/subscribe mode:feed. Removing a channel subscription needs an admin.',
  permission: 'anyone',
  options: [
    {
      name: 'id',
      description: 'Subscription id (see /subscriptions)',
      type: 'integer',
      minValue: 1,
    },
    {
      name: 'feed',
      description: 'Private feed id (from /subscribe mode:feed)',
      type: 'integer',
      minValue: 1,
    },
  ],
  async run(ctx) {
    const id = integerOption(ctx.options, 'id');
    const feed = integerOption(ctx.options, 'feed');
    const mine = targetKey(personalTarget(ctx));
    const here = targetKey(ctx.where);
    if (feed !== undefined && id === undefined) return unsubscribeFeed(ctx, feed, [mine, here]);
    if (id === undefined)
      throw new UserError(
        'bad-option',
        'give the subscription `id` (see /subscriptions) or a private `feed` id',
      );
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
