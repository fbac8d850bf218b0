// The Discord front end: a discord.js gateway client (Guilds intent only) answering slash
// commands, and a REST ChatSender for the delivery worker's digests and alerts.
import { Client, Events, GatewayIntentBits } from 'discord.js';
import type { CommandDef } from '../../chat/types.ts';
import type { Config } from '../../config.ts';
import type { Logger } from '../../log.ts';
import type { Store } from '../../store/types.ts';
import { createInteractionHandler } from './interactions.ts';
import type { DiscordSender } from './sender.ts';
import { DEFAULT_RATE_LIMIT_OFFSET_MS, createDiscordSender } from './sender.ts';

export { registerCommands, commandJson } from './register.ts';
export { createDiscordRest, createDiscordSender, nonceFor } from './sender.ts';
export type { DiscordRestOptions, DiscordSender } from './sender.ts';

export interface StartDiscordOptions {
  config: Config;
  store: Store;
  commands: CommandDef[];
  logger: Logger;
  onReady?: (info: { user: string; guilds: number }) => void;
  /** Defer an interaction when the command has not answered after this long (ms). */
  deferAfterMs?: number;
  /** Discord's global REST limit per bot (requests per second). */
  globalRequestsPerSecond?: number;
}

export interface DiscordFrontEnd {
  sender: DiscordSender;
  stop(): Promise<void>;
}

export async function startDiscord(opts: StartDiscordOptions): Promise<DiscordFrontEnd> {
  const dc = opts.config.discord;
  if (!dc) throw new Error('DISCORD_TOKEN is not set');
  const log = opts.logger.child({ platform: 'discord' });
  const client = new Client({
    intents: [GatewayIntentBits.Guilds],
    rest: {
      ...(dc.apiUrl ? { api: dc.apiUrl.replace(/\/+$/, '') } : {}),
      globalRequestsPerSecond: opts.globalRequestsPerSecond ?? 50,
      offset: DEFAULT_RATE_LIMIT_OFFSET_MS,
      // Long waits are handed back to the outbox (retry later) instead of blocking a send.
      rejectOnRateLimit: (data) => data.retryAfter > 30_000,
    },
    allowedMentions: { parse: [] },
  });
  const onInteraction = createInteractionHandler({
    store: opts.store,
    config: opts.config,
    logger: log,
    commands: opts.commands,
    deferAfterMs: opts.deferAfterMs,
  });
  client.on(Events.InteractionCreate, (i) => void onInteraction(i));
  client.on(Events.Error, (err) => log.error({ error: String(err) }, 'discord client error'));
  client.on(Events.ShardDisconnect, (ev, shard) =>
    log.warn({ shard_id: shard, code: ev.code }, 'gateway closed'),
  );
  const ready = new Promise<void>((resolve) => {
    client.once(Events.ClientReady, (c) => {
      log.info({ user: c.user.tag, guilds: c.guilds.cache.size }, 'discord ready');
      opts.onReady?.({ user: c.user.tag, guilds: c.guilds.cache.size });
      resolve();
    });
  });
  await client.login(dc.token);
  await ready;
  return {
    sender: createDiscordSender({ rest: client.rest, logger: log }),
    async stop() {
      await client.destroy();
    },
  };
}
