import type { CommandDef } from '../src/chat/types.ts';
import { describeSubscription, personalTarget } from './lib/targets.ts';

export const subscriptions: CommandDef = {
  name: 'subscriptions',
  description: 'What this channel and you follow',
  help: 'Lists the subscriptions of this channel and your personal ones, with the ids /unsubscribe takes.',
  permission: 'anyone',
  options: [],
  async run(ctx) {
    const channel =
      ctx.where.kind === 'channel' ? await ctx.store.listSubscriptions({ target: ctx.where }) : [];
    const mine = await ctx.store.listSubscriptions({ target: personalTarget(ctx) });
    const blocks = [];
    if (ctx.where.kind === 'channel') {
      blocks.push({ type: 'heading' as const, text: 'This channel' });
      blocks.push(
        channel.length
          ? { type: 'list' as const, items: channel.map((s) => describeSubscription(s)) }
          : { type: 'paragraph' as const, text: 'No subscriptions. An admin can add one with /subscribe.' },
      );
    }
    blocks.push({ type: 'heading' as const, text: 'You' });
    blocks.push(
      mine.length
        ? { type: 'list' as const, items: mine.map((s) => describeSubscription(s)) }
        : {
            type: 'paragraph' as const,
            text: 'No personal subscriptions. Try /subscribe themes:censorship scope:me.',
          },
    );
    return { ephemeral: true, blocks };
  },
};
