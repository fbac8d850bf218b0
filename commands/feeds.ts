import type { CommandContext, CommandDef, CommandOption, Reply, ReplyBlock } from '../src/chat/types.ts';
import { discoveryNote, freeId, probeFeed } from '../src/ingest/probe.ts';
import { forgetFeedAdder, rememberFeedAdder } from '../src/ingest/feed-notices.ts';
import { UserError } from '../src/model.ts';
import { urlKey } from '../src/sources/schema.ts';
import { feedHealth } from '../src/sources/status.ts';
import type { FeedRecord } from '../src/model.ts';
import { stringOption } from './lib/options.ts';

function feedLine(f: FeedRecord): string {
  return `${f.id}: ${f.name} (${f.kind}, ${f.language}, ${f.itemCount} items) · ${feedHealth(f).join(' · ')}`;
}

const reply = (text: string): Reply => ({ ephemeral: true, blocks: [{ type: 'paragraph', text }] });

/**
 * `/feeds pause|resume`: chat may pause and resume only the feeds added from chat (as it
 * may remove only those), and not undo a pause the operator made.
 */
async function setPaused(ctx: CommandContext, pause: boolean): Promise<Reply> {
  const id = stringOption(ctx.options, 'id');
  if (!id) throw new UserError('bad-option', 'give the feed `id` (see /feeds list)');
  const feed = await ctx.store.getFeed(id);
  if (!feed) throw new UserError('not-found', `no feed with id ${id}; see /feeds list`);
  if (feed.origin === 'operator') {
    throw new UserError(
      'operator-feed',
      `${id} comes from the operator's sources file; ask the operator to run \`govwatch feeds ${pause ? 'pause' : 'resume'} ${id}\``,
    );
  }
  if (pause) {
    if (feed.paused) return reply(`${id} is already paused.`);
    await ctx.store.setFeedPaused(id, { at: ctx.now.toISOString(), by: 'chat' });
    ctx.logger.info({ feed_id: id, paused_by: ctx.caller.id }, 'feed paused from chat');
    return reply(
      `Paused ${id}: it is not polled until /feeds resume; its ${feed.itemCount} items stay searchable.`,
    );
  }
  if (!feed.paused) return reply(`${id} is not paused.`);
  if (feed.paused.by !== 'chat') {
    throw new UserError(
      'operator-paused',
      `${id} was paused by the operator; ask the operator to run \`govwatch feeds resume ${id}\``,
    );
  }
  await ctx.store.setFeedPaused(id, null);
  ctx.logger.info({ feed_id: id, resumed_by: ctx.caller.id }, 'feed resumed from chat');
  return reply(`Resumed ${id}: it is polled again from the next poll.`);
}

/** The `id` option of pause, resume and remove. */
const feedIdOption: CommandOption = {
  name: 'id',
  description: 'Feed id (see /feeds list)',
  type: 'string',
  required: true,
  autocomplete: 'source',
};

export const feeds: CommandDef = {
  name: 'feeds',
  description: 'Manage the sources govwatch follows (admins)',
  help:
    '`/feeds list` shows the sources and their health; `/feeds add url:<feed or page url>` adds one (a public ' +
    'RSS, Atom or JSON feed, or a web page that names one); `/feeds pause id:<feed id>` and `/feeds resume` ' +
    'stop and restart polling a feed added from chat; `/feeds remove id:<feed id>` removes one; ' +
    '`/feeds status` shows failing feeds and deliveries.',
  permission: 'admin',
  options: [],
  subcommands: [
    { name: 'list', description: 'The sources and their health', options: [] },
    {
      name: 'add',
      description: 'Follow a new feed',
      options: [
        {
          name: 'url',
          description: 'Feed URL (RSS, Atom, JSON Feed) or a page of the site',
          type: 'string',
          required: true,
        },
      ],
    },
    {
      name: 'pause',
      description: 'Stop polling a feed added from chat (its items stay)',
      options: [feedIdOption],
    },
    {
      name: 'resume',
      description: 'Poll a paused feed again',
      options: [feedIdOption],
    },
    {
      name: 'remove',
      description: 'Stop following a feed',
      options: [feedIdOption],
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
        // Untrusted: the address guard applies to the URL and to every page or feed fetched
        // while looking for the feed; local files are never read for chat.
        const probe = await probeFeed(url, {
          allowPrivate: ctx.config.allowPrivateUrls,
          timeoutMs: ctx.config.fetch.timeoutMs,
          maxBytes: ctx.config.fetch.maxBytes,
        });
        const feeds = await ctx.store.listFeeds();
        const found = feeds.find((f) => urlKey(f.url) === urlKey(probe.url));
        if (found) throw new UserError('duplicate-feed', `that feed is already followed as ${found.id}`);
        const id = freeId(probe.suggestedId, new Set(feeds.map((f) => f.id)));
        await ctx.store.upsertFeeds([
          {
            id,
            name: probe.title,
            url: probe.url,
            kind: 'media',
            language: probe.language ?? 'en',
            origin: 'chat',
          },
        ]);
        await rememberFeedAdder(ctx.store, id, ctx.where);
        ctx.logger.info({ feed_id: id, url: probe.url, added_by: ctx.caller.id }, 'feed added from chat');
        const note = discoveryNote(probe);
        return {
          ephemeral: true,
          blocks: [
            {
              type: 'paragraph',
              text: `Added ${id}: ${probe.title} (${probe.format}, ${probe.itemCount} items now). It is polled with the others.`,
            },
            ...(note
              ? [{ type: 'context' as const, text: `${note[0]!.toUpperCase()}${note.slice(1)}.` }]
              : []),
          ],
        };
      }
      case 'pause':
      case 'resume':
        return setPaused(ctx, ctx.subcommand === 'pause');
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
        await forgetFeedAdder(ctx.store, id);
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
        // Trackers whose source failed or whose page no longer parses ("page changed: …").
        const trackerErrors = (await ctx.store.trackers.list()).filter((p) => p.fetch.lastError);
        if (trackerErrors.length) {
          blocks.push({ type: 'heading', text: `Trackers failing: ${trackerErrors.length}` });
          blocks.push({
            type: 'list',
            items: trackerErrors.map(
              (p) =>
                `${p.id}: ${p.fetch.lastError} (×${p.fetch.consecutiveFailures}, next try ${p.fetch.nextCheckAt ?? 'soon'})`,
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
        throw new UserError('bad-subcommand', 'use /feeds list, add, pause, resume, remove or status');
    }
  },
};
