// Composition root of the bot: config → archive → poller, scheduler, outbox worker →
// Discord / Slack / the terminal. Everything else receives what it needs from here.
import { hostname } from 'node:os';
import { allCommands } from '../commands/index.ts';
import { openArchive } from './archive.ts';
import type { Config } from './config.ts';
import type { ChatSender } from './delivery/types.ts';
import { createDeliveryWorker } from './delivery/worker.ts';
import { pollFeeds } from './ingest/poll.ts';
import type { Logger } from './log.ts';
import type { Target } from './model.ts';
import { createPollDeps } from './pipeline.ts';
import { CONSOLE_TARGET, createConsoleSender } from './platforms/console/index.ts';
import { createScheduler } from './scheduler.ts';
import type { Store } from './store/types.ts';

export interface Bot {
  store: Store;
  owner: string;
  platforms: Array<Target['platform']>;
  /** Stop scheduling, finish in-flight work, disconnect platforms, close the archive. */
  stop(): Promise<void>;
}

/** In terminal mode the terminal gets a daily digest of everything unless told otherwise. */
async function ensureConsoleSubscription(store: Store, config: Config): Promise<void> {
  const existing = await store.listSubscriptions({ target: CONSOLE_TARGET });
  if (existing.length) return;
  await store.addSubscription({
    target: CONSOLE_TARGET,
    filter: { themes: [], regions: [], sources: [], keywords: [] },
    mode: 'digest',
    cron: config.digestCron,
    timezone: config.timezone,
    createdBy: 'govwatch',
  });
}

export async function startBot(config: Config, logger: Logger): Promise<Bot> {
  const owner = config.replicaId ?? `${hostname()}:${process.pid}`;
  const { store } = await openArchive(config, { logger });
  const senders = new Map<Target['platform'], ChatSender>();
  const stops: Array<() => Promise<void>> = [];
  try {
    senders.set('console', createConsoleSender(undefined, config.timezone));
    if (config.discord) {
      const { startDiscord } = await import('./platforms/discord/index.ts');
      const discord = await startDiscord({ config, store, commands: allCommands, logger });
      senders.set('discord', discord.sender);
      stops.push(() => discord.stop());
    }
    if (config.slack) {
      const { startSlack } = await import('./platforms/slack/index.ts');
      const slack = await startSlack({ config, store, commands: allCommands, logger });
      senders.set('slack', slack.sender);
      stops.push(() => slack.stop());
    }
    if (!config.discord && !config.slack) await ensureConsoleSubscription(store, config);
  } catch (err) {
    for (const stop of stops.reverse()) await stop().catch(() => {});
    await store.close();
    throw err;
  }

  const worker = createDeliveryWorker({ store, senders, owner, logger });
  const pollDeps = createPollDeps({ store, config, logger, owner });
  const scheduler = createScheduler({
    store,
    poll: async () => {
      await pollFeeds(pollDeps);
    },
    pollMinutes: config.pollMinutes,
    defaultCron: config.digestCron,
    defaultTimeZone: config.timezone,
    owner,
    logger,
  });
  worker.start();
  scheduler.start();
  logger.info({ owner, platforms: [...senders.keys()] }, 'govwatch started');

  let stopping: Promise<void> | null = null;
  return {
    store,
    owner,
    platforms: [...senders.keys()],
    stop: () =>
      (stopping ??= (async () => {
        await scheduler.stop();
        await worker.stop();
        for (const stop of stops.reverse())
          await stop().catch((err: unknown) => logger.error({ err: String(err) }, 'platform stop failed'));
        await store.close();
      })()),
  };
}
