// The Discord front end: a discord.js gateway client (Guilds intent only) answering slash
// commands, and a REST ChatSender for the delivery worker's digests and alerts.
//
// Replicas: every replica sends through REST (the outbox decides who sends what), but only
// one holds the gateway, so each interaction is answered once. The holder keeps a named
// lease in the store (Store.tryLock) and renews it; when it stops renewing (crash, network
// split) the lease expires and another replica logs in within one check interval.
import { hostname } from 'node:os';
import { Client, Events, GatewayIntentBits } from 'discord.js';
import type { CommandDef } from '../../chat/types.ts';
import type { Config } from '../../config.ts';
import { UserError } from '../../model.ts';
import type { Logger } from '../../log.ts';
import type { Store } from '../../store/types.ts';
import { createInteractionHandler } from './interactions.ts';
import type { DiscordSender } from './sender.ts';
import { DEFAULT_RATE_LIMIT_OFFSET_MS, createDiscordRest, createDiscordSender } from './sender.ts';

export { registerCommands, commandJson } from './register.ts';
export { createDiscordRest, createDiscordSender, nonceFor } from './sender.ts';
export type { DiscordRestOptions, DiscordSender } from './sender.ts';

export const GATEWAY_LOCK = 'discord:gateway';

/**
 * How long leaving the gateway waits for Discord to answer our close frame. discord.js's
 * destroy() waits for that answer (and ws gives up only after 30 s), so against a gateway
 * that is gone it would hold the shutdown; the frame is sent at once, the answer is a
 * courtesy, and the socket goes when the process exits.
 */
const GATEWAY_CLOSE_GRACE_MS = 1_000;

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
  /** This replica's id for the gateway lease (default GOVWATCH_REPLICA_ID, else host:pid). */
  owner?: string;
  /** Gateway lease length; renewed every third of this. A crashed holder is replaced within about this long. Default 15 s. */
  gatewayLeaseMs?: number;
}

export interface DiscordFrontEnd {
  sender: DiscordSender;
  /** Whether this replica holds the gateway (answers interactions) right now. */
  holdsGateway(): boolean;
  /** For /healthz: the gateway is ready, or another replica holds it (this one sends only). */
  connection(): { ok: boolean; detail: string };
  stop(): Promise<void>;
}

export async function startDiscord(opts: StartDiscordOptions): Promise<DiscordFrontEnd> {
  const dc = opts.config.discord;
  if (!dc) throw new Error('DISCORD_TOKEN is not set');
  const log = opts.logger.child({ platform: 'discord' });
  const owner = opts.owner ?? opts.config.replicaId ?? `${hostname()}:${process.pid}`;
  const leaseMs = opts.gatewayLeaseMs ?? 15_000;
  const apiUrl = dc.apiUrl?.replace(/\/+$/, '');
  const rest = createDiscordRest({
    token: dc.token,
    apiUrl,
    globalRequestsPerSecond: opts.globalRequestsPerSecond,
  });
  const sender = createDiscordSender({
    rest,
    logger: log,
    globalRequestsPerSecond: opts.globalRequestsPerSecond,
  });
  const onInteraction = createInteractionHandler({
    store: opts.store,
    config: opts.config,
    logger: log,
    commands: opts.commands,
    deferAfterMs: opts.deferAfterMs,
  });

  let client: Client | null = null;
  let stopped = false;

  async function login(): Promise<void> {
    const c = new Client({
      intents: [GatewayIntentBits.Guilds],
      rest: {
        ...(apiUrl ? { api: apiUrl } : {}),
        globalRequestsPerSecond: opts.globalRequestsPerSecond ?? 50,
        offset: DEFAULT_RATE_LIMIT_OFFSET_MS,
      },
      allowedMentions: { parse: [] },
    });
    c.on(Events.InteractionCreate, (i) => void onInteraction(i));
    c.on(Events.Error, (err) => log.error({ error: String(err) }, 'discord client error'));
    c.on(Events.ShardDisconnect, (ev, shard) =>
      log.warn({ shard_id: shard, code: ev.code }, 'gateway closed'),
    );
    const ready = new Promise<void>((resolve) => {
      c.once(Events.ClientReady, (r) => {
        log.info({ user: r.user.tag, guilds: r.guilds.cache.size, owner }, 'discord gateway ready');
        opts.onReady?.({ user: r.user.tag, guilds: r.guilds.cache.size });
        resolve();
      });
    });
    client = c;
    try {
      await c.login(dc!.token);
      await ready;
    } catch (err) {
      client = null;
      await c.destroy().catch(() => undefined);
      throw err;
    }
  }

  async function release(reason: string): Promise<void> {
    const c = client;
    client = null;
    if (c) {
      log.warn({ owner, reason }, 'leaving the discord gateway');
      let timer: NodeJS.Timeout | undefined;
      const answered = await Promise.race([
        c.destroy().then(
          () => true,
          () => true,
        ),
        new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), GATEWAY_CLOSE_GRACE_MS))),
      ]);
      clearTimeout(timer);
      if (!answered)
        log.warn(
          { owner, grace_ms: GATEWAY_CLOSE_GRACE_MS },
          'the gateway did not answer our close; left it',
        );
    }
  }

  /** Take or keep the gateway lease; log in when it is newly ours, log out when it is lost. */
  async function tick(): Promise<void> {
    const ours = await opts.store.tryLock(GATEWAY_LOCK, owner, leaseMs).catch((err: unknown) => {
      log.error({ error: String(err) }, 'gateway lease check failed');
      return false;
    });
    if (stopped) return;
    if (ours && !client) await login();
    else if (!ours && client) await release('the gateway lease is held by another replica');
  }

  try {
    await tick();
  } catch (err) {
    // Login failed (e.g. a wrong token): give the lease back, or the corrected bot started
    // next would wait for it to expire before answering any command.
    await opts.store.unlock(GATEWAY_LOCK, owner).catch(() => undefined);
    // Discord out of reach (no network, a wrong DISCORD_API_URL): say which address failed.
    const code = (err as NodeJS.ErrnoException).code ?? '';
    if (/^(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ECONNRESET)$/.test(code)) {
      throw new UserError(
        'discord-unreachable',
        `cannot reach Discord at ${apiUrl ?? 'https://discord.com/api'} (DISCORD_API_URL): ${(err as Error).message}`,
      );
    }
    throw err;
  }
  if (!client) log.info({ owner }, 'another replica holds the discord gateway; sending only');

  let ticking: Promise<void> = Promise.resolve();
  const timer = setInterval(
    () => {
      ticking = ticking
        .then(tick)
        .catch((err: unknown) => log.error({ error: String(err) }, 'gateway take-over failed'));
    },
    Math.max(50, Math.floor(leaseMs / 3)),
  );
  timer.unref();

  return {
    sender,
    holdsGateway: () => client !== null,
    connection: () => {
      if (stopped) return { ok: false, detail: 'stopped' };
      if (!client) return { ok: true, detail: 'gateway held by another replica; sending only' };
      return client.isReady()
        ? { ok: true, detail: 'gateway ready' }
        : { ok: false, detail: 'gateway not connected (reconnecting)' };
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      // Not waiting for a lease check or log-in in progress (it may be waiting on a gateway
      // that is gone): `stopped` keeps it from logging in, and a client it created is
      // already in `client`, so it is left below.
      void ticking;
      const held = client !== null;
      await release('stopping');
      if (held) await opts.store.unlock(GATEWAY_LOCK, owner).catch(() => undefined);
    },
  };
}
