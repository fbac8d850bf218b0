import type { CommandDef, ReplyBlock } from '../src/chat/types.ts';
import { probeFeed } from '../src/ingest/probe.ts';
import { UserError } from '../src/model.ts';
import { urlKey } from '../src/sources/schema.ts';
import type { FeedRecord } from '../src/model.ts';
import { stringOption } from './lib/options.ts';

function feedLine(f: FeedRecord): string {
  const health =
    f.state.consecutiveFailures > 0
      ? `failing ×${f.state.consecutiveFailures}`
      : f.state.lastSuccessAt
        ? 'ok'
        : 'not polled yet';
  return `${f.id}: ${f.name} (${f.kind}, ${f.language}, ${f.itemCount} items, ${health})`;
}

export const feeds: CommandDef = {
  name: 'feeds',
  description: 'Manage the sources govwatch follows (admins)',
  help:
    '`/feeds list` shows the sources; `/feeds add url:<feed url>` adds one (it must be a public RSS, Atom or ' +
    'JSON feed); `/feeds remove id:<feed id>` removes one; `/feeds status` shows failing feeds and deliveries.',
  permission: 'admin',
  options: [],
  subcommands: [
    { name: 'list', description: 'The sources and their health', options: [] },
    {
      name: 'add',
      description: 'Follow a new feed',
      options: [
        { name: 'url', description: 'Feed URL (RSS, Atom or JSON Feed)', type: 'string', required: true },
      ],
    },
    {
      name: 'remove',
      description: 'Stop following a feed',
      options: [
        {
          name: 'id',
          description: 'Feed id (see /feeds list)',
          type: 'string',
          required: true,
          autocomplete: 'source',
        },
      ],
    },
    { name: 'status', description: 'Failing feeds and failed deliveries, with reasons', options: [] },
  ],
  async run(ctx) {
    switch (ctx.subcommand) {
      case 'list': {
        const all = await ctx.store.listFeeds();
        return {
          ephemeral: true,
          blocks: [
            { type: 'heading', text: `${all.length} sources` },
            all.length
              ? { type: 'list', items: all.map(feedLine) }
              : { type: 'paragraph', text: 'No sources yet.' },
          ],
        };
      }
      case 'add': {
        const url = stringOption(ctx.options, 'url');
        if (!url) throw new UserError('bad-option', 'give the feed `url`');
        // Compared normalised (host case, trailing slash, fragment), as `govwatch feeds add` does.
        const existing = (await ctx.store.listFeeds()).find((f) => urlKey(f.url) === urlKey(url));
        if (existing)
          throw new UserError('duplicate-feed', `that feed is already followed as ${existing.id}`);
        const probe = await probeFeed(url, {
          allowPrivate: ctx.config.allowPrivateUrls,
          timeoutMs: ctx.config.fetch.timeoutMs,
          maxBytes: ctx.config.fetch.maxBytes,
        });
        const taken = new Set((await ctx.store.listFeeds()).map((f) => f.id));
        let id = probe.suggestedId;
        for (let n = 2; taken.has(id); n++) id = `${probe.suggestedId}-${n}`;
        await ctx.store.upsertFeeds([
          { id, name: probe.title, url, kind: 'media', language: probe.language ?? 'en', origin: 'chat' },
        ]);
        ctx.logger.info({ feed_id: id, url, added_by: ctx.caller.id }, 'feed added from chat');
        return {
          ephemeral: true,
          blocks: [
            {
              type: 'paragraph',
              text: `Added ${id}: ${probe.title} (${probe.format}, ${probe.itemCount} items now). It is polled with the others.`,
            },
          ],
        };
      }
      case 'remove': {
        const id = stringOption(ctx.options, 'id');
        if (!id) throw new UserError('bad-option', 'give the feed `id` (see /feeds list)');
        // Operator feeds come back from the sources file at the next start; they are removed there.
        if ((await ctx.store.getFeed(id))?.origin === 'operator') {
          throw new UserError(
            'operator-feed',
            `${id} comes from the operator's sources file; ask the operator to run \`govwatch feeds remove ${id}\``,
          );
        }
        if (!(await ctx.store.removeFeed(id)))
          throw new UserError('not-found', `no feed with id ${id}; see /feeds list`);
        return {
          ephemeral: true,
          blocks: [{ type: 'paragraph', text: `Removed ${id} and its archived items.` }],
        };
      }
      case 'status': {
        const all = await ctx.store.listFeeds();
        const failing = all.filter((f) => f.state.consecutiveFailures > 0);
        const failed = await ctx.store.listOutbox({ status: 'failed', limit: 10 });
        const blocks: ReplyBlock[] = [
          { type: 'heading', text: `Feeds: ${all.length - failing.length} ok, ${failing.length} failing` },
        ];
        if (failing.length) {
          blocks.push({
            type: 'list',
            items: failing.map(
              (f) =>
                `${f.id}: ${f.state.lastError ?? 'unknown error'} (×${f.state.consecutiveFailures}, next try ${f.state.nextCheckAt ?? 'soon'})`,
            ),
          });
        }
        blocks.push({ type: 'heading', text: `Failed deliveries: ${failed.length}` });
        if (failed.length) {
          blocks.push({
            type: 'list',
            items: failed.map(
              (o) =>
                `${o.kind} to ${o.target.channelId}: ${o.lastError ?? 'unknown error'} (${o.attempts} attempts)`,
            ),
          });
        }
        return { ephemeral: true, blocks };
      }
      default:
        throw new UserError('bad-subcommand', 'use /feeds list, add, remove or status');
    }
  },
};
