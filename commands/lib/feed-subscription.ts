// `/subscribe … mode:feed`: a saved search served as a private Atom / JSON feed. The reply
// (only the caller sees it) is the one place the token appears; the archive keeps its hash.
import type { CommandContext, Reply } from '../../src/chat/types.ts';
import { hashFeedToken, newFeedToken, privateFeedUrls, publicBaseUrl } from '../../src/feeds-out/tokens.ts';
import { UserError, targetKey, type SubscriptionFilter, type Target } from '../../src/model.ts';

export async function subscribeFeed(
  ctx: CommandContext,
  target: Target,
  filter: SubscriptionFilter,
): Promise<Reply> {
  const http = ctx.config.http;
  if (!http) {
    throw new UserError(
      'feeds-off',
      'this bot does not serve feeds: its operator has not set GOVWATCH_HTTP_PORT (see docs/operations.md)',
    );
  }
  const token = newFeedToken();
  const saved = await ctx.store.feedTokens.create({
    tokenHash: hashFeedToken(token),
    target,
    filter,
    createdBy: ctx.caller.id,
  });
  const urls = privateFeedUrls(publicBaseUrl(http), token);
  return {
    ephemeral: true,
    blocks: [
      {
        type: 'paragraph',
        text: `Private feed #${saved.id} of this search. Keep these addresses to yourself:`,
      },
      { type: 'list', items: [`Atom: ${urls.atom}`, `JSON Feed: ${urls.json}`] },
      {
        type: 'context',
        text: `Revoke with /unsubscribe feed:${saved.id} (the addresses then stop working).`,
      },
    ],
  };
}

/** `/unsubscribe feed:<id>`: the caller's own private feeds, or this channel's (admins). */
export async function unsubscribeFeed(ctx: CommandContext, id: number, targets: string[]): Promise<Reply> {
  const token = (await ctx.store.feedTokens.list()).find(
    (t) => t.id === id && targets.includes(targetKey(t.target)),
  );
  if (!token) throw new UserError('not-found', `no private feed #${id} here or for you`);
  if (token.target.kind === 'channel' && !ctx.caller.isAdmin)
    throw new UserError('not-admin', "revoking a channel's feed needs an admin");
  await ctx.store.feedTokens.revoke(id);
  return { ephemeral: true, blocks: [{ type: 'paragraph', text: `Private feed #${id} revoked.` }] };
}
