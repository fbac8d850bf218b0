// Shared pieces of the Discord tests: a bot on the stand-in, sample items and a check that text reaches
// Discord inert (no live mention, no markdown from the feed, no foreign masked link).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CommandDef } from '../../../src/chat/types.ts';
import { loadConfig } from '../../../src/config.ts';
import { silentLogger } from '../../../src/log.ts';
import type { FeedSource, StoredItem } from '../../../src/model.ts';
import type { DiscordFrontEnd } from '../../../src/platforms/discord/index.ts';
import { registerCommands, startDiscord } from '../../../src/platforms/discord/index.ts';
import { openStore } from '../../../src/store/index.ts';
import type { Store } from '../../../src/store/types.ts';
import type {
  DiscordStandin,
  InteractionRecord,
  StoredMessage,
} from '../../support/discord-standin/index.ts';
import { startDiscordStandin } from '../../support/discord-standin/index.ts';

export function sampleItem(id: number, over: Partial<StoredItem> = {}): StoredItem {
  return {
    id,
    guid: `g${id}`,
    title: `Item number ${id} about standards`,
    url: `https://example.org/items/${id}`,
    author: null,
    summary: `Summary of item ${id}.`,
    published: '2026-11-25T10:00:00Z',
    publishedEstimated: false,
    lang: 'en',
    themes: ['standards'],
    regions: ['EU'],
    why: {},
    feedId: 'feed-a',
    sourceName: 'Example Source',
    firstSeen: '2026-11-25T10:05:00Z',
    alertable: true,
    clusterId: id,
    ...over,
  };
}

/**
 * The text of a message that Discord renders as markdown: content, embed titles and
 * descriptions. (Footers are shown as plain text: no markdown, no mentions.)
 */
export function visibleText(m: StoredMessage): string {
  const parts = [m.content];
  for (const e of m.embeds) parts.push(String(e.title ?? ''), String(e.description ?? ''));
  return parts.join('\n');
}

/** Everything a user sees of an interaction's answer: the original reply and follow-ups. */
export function textOf(rec: InteractionRecord): string {
  return [rec.original, ...rec.followups]
    .filter((m): m is StoredMessage => m !== null)
    .map(visibleText)
    .join('\n');
}

/** Whether the answer is shown to the caller only (Discord's EPHEMERAL message flag). */
export const isEphemeral = (rec: InteractionRecord): boolean => ((rec.original?.flags ?? 0) & 64) === 64;

/**
 * Problems that would make feed text active on Discord: unescaped mass/role/user mentions,
 * markdown emphasis, and masked links other than `allowedLinks`.
 */
export function activeMarkup(text: string, allowedLinks: string[]): string[] {
  const problems: string[] = [];
  if (/(?<!\\)@(everyone|here)\b/.test(text)) problems.push('mass mention');
  if (/<@[&!]?\d+>/.test(text)) problems.push('user or role mention');
  if (/<#\d+>/.test(text)) problems.push('channel mention');
  if (/(?<!\\)\*\*bold(?<!\\)\*\*/.test(text)) problems.push('bold from feed text');
  for (const m of text.matchAll(/(?<!\\)\[([^\]]*)\]\(([^)\s]+)\)/g)) {
    if (!allowedLinks.includes(m[2]!)) problems.push(`masked link to ${m[2]}`);
  }
  if (/(?<!\\)https?:\/\/evil\.example/.test(text)) problems.push('bare link to evil.example');
  return problems;
}

export interface BotOnStandin {
  standin: DiscordStandin;
  store: Store;
  bot: DiscordFrontEnd;
  /** Stops the bot, closes the store and the stand-in, removes the tmp dir. */
  stop(): Promise<void>;
}

/**
 * The real discord.js front end logged in to a fresh stand-in, over a SQLite archive in a
 * tmp dir holding `feeds`; `seed` runs before the commands are registered.
 */
export async function startBotOnStandin(opts: {
  commands: CommandDef[];
  feeds: FeedSource[];
  seed?: (store: Store) => Promise<void>;
  deferAfterMs?: number;
  tmpPrefix?: string;
}): Promise<BotOnStandin> {
  const standin = await startDiscordStandin();
  const dir = mkdtempSync(join(tmpdir(), opts.tmpPrefix ?? 'gw-discord-'));
  const config = loadConfig({
    DISCORD_TOKEN: standin.token,
    DISCORD_APP_ID: standin.appId,
    DISCORD_API_URL: standin.apiUrl,
    GOVWATCH_DB: join(dir, 'db.sqlite'),
    GOVWATCH_TRACKERS: 'off',
  });
  const store = await openStore(config);
  await store.upsertFeeds(opts.feeds);
  await opts.seed?.(store);
  const { commands } = opts;
  await registerCommands({ token: standin.token, appId: standin.appId, apiUrl: standin.apiUrl, commands });
  const bot = await startDiscord({
    config,
    store,
    commands,
    logger: silentLogger(),
    ...(opts.deferAfterMs === undefined ? {} : { deferAfterMs: opts.deferAfterMs }),
  });
  return {
    standin,
    store,
    bot,
    async stop() {
      await bot.stop();
      await store.close();
      await standin.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
