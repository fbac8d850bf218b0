// The Slack front end: a Bolt App answering slash commands and button clicks (Socket Mode when
// SLACK_APP_TOKEN is set, HTTP mode with signed requests otherwise) and a ChatSender for the
// outbox. Commands are the platform-neutral CommandDefs from commands/.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { App } from '@slack/bolt';
import type { Config } from '../../config.ts';
import type { ChatSender } from '../../delivery/types.ts';
import type { Logger } from '../../log.ts';
import type { Store } from '../../store/types.ts';
import type { CommandDef } from '../../chat/types.ts';
import { createDeliveryClient, SlackSender, slackLoggerFrom } from './sender.ts';
import type { SlackSenderOptions } from './sender.ts';
import { registerHandlers } from './handlers.ts';

/** HTTP mode: how long stopping waits for requests in progress before dropping them. */
const HTTP_CLOSE_GRACE_MS = 1_000;

export interface StartSlackOptions {
  config: Config;
  store: Store;
  commands: CommandDef[];
  logger: Logger;
  /** HTTP mode: interface to bind (default: all). Tests use 127.0.0.1. */
  host?: string;
  sender?: SlackSenderOptions;
  /** How long a users.info answer about admin rights is trusted (default 5 minutes). */
  adminCacheMs?: number;
}

export interface SlackHandle {
  sender: ChatSender;
  mode: 'socket' | 'http';
  /** HTTP mode: the port Bolt's receiver listens on (useful with SLACK_PORT=0). */
  port: number | null;
  /** For /healthz: Socket Mode's connection state; HTTP mode is up while Bolt listens. */
  connection(): { ok: boolean; detail: string };
  stop(): Promise<void>;
}

export { SlackSender, toSendError } from './sender.ts';
export { renderDigest, renderReply, LIMITS } from './render.ts';
export { parseCommandText } from './parse.ts';
export { slashFor, commandNameFromSlash } from './names.ts';

export async function startSlack(opts: StartSlackOptions): Promise<SlackHandle> {
  const slack = opts.config.slack;
  if (!slack) throw new Error('startSlack called without Slack configuration (SLACK_BOT_TOKEN)');
  const logger = opts.logger.child({ platform: 'slack' });
  const boltLogger = slackLoggerFrom(logger);
  const apiUrl = slack.apiUrl ? { slackApiUrl: slack.apiUrl } : {};
  // Interactive calls (users.info) get a short retry budget: the user is waiting.
  const clientOptions = {
    ...apiUrl,
    retryConfig: { retries: 2, factor: 1.5, minTimeout: 200, maxTimeout: 1000 },
  };
  const socketMode = Boolean(slack.appToken);
  if (!socketMode && !slack.signingSecret) {
    throw new Error('Slack needs SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode)');
  }

  const app = socketMode
    ? new App({
        token: slack.botToken,
        appToken: slack.appToken,
        socketMode: true,
        deferInitialization: true,
        logger: boltLogger,
        clientOptions,
        // The Socket Mode connection gets its own WebClient options: without a retryConfig
        // @slack/socket-mode keeps retrying apps.connections.open (100 tries), which is what a
        // long-running bot wants when Slack is briefly unreachable.
        installerOptions: { clientOptions: { ...apiUrl } },
      })
    : new App({
        token: slack.botToken,
        signingSecret: slack.signingSecret,
        deferInitialization: true,
        logger: boltLogger,
        clientOptions,
        // Signature and 5-minute timestamp checks are Bolt's (signatureVerification defaults to true).
        signatureVerification: true,
      });

  // Bolt checks the bot token (auth.test) when the App is built; left to the constructor, a
  // rejected token becomes an unhandled rejection (the process dies with a raw stack, or a
  // Socket Mode bot starts anyway). With deferInitialization the check happens here instead.
  try {
    await app.init();
  } catch (err) {
    const code = (err as { data?: { error?: string } }).data?.error;
    throw new Error(
      code
        ? `Slack did not accept SLACK_BOT_TOKEN (${code})`
        : `could not check SLACK_BOT_TOKEN with Slack: ${(err as Error).message}`,
      { cause: err },
    );
  }

  registerHandlers(app, {
    config: opts.config,
    store: opts.store,
    commands: opts.commands,
    logger,
    admins: new Set(slack.admins),
    adminCacheMs: opts.adminCacheMs ?? 5 * 60_000,
  });
  app.error(async (err) => {
    logger.error({ err }, 'slack handler failed');
  });

  let port: number | null = null;
  let httpServer: Server | null = null;
  let socketState = 'connected';
  if (socketMode) {
    await app.start();
    // Bolt keeps its SocketModeClient private; its events are the only connection signal.
    const client = (app as unknown as { receiver?: { client?: { on?: (e: string, f: () => void) => void } } })
      .receiver?.client;
    for (const state of ['connected', 'disconnected', 'reconnecting'])
      client?.on?.(state, () => (socketState = state));
  } else {
    const server = (await app.start(
      opts.host ? { port: slack.port, host: opts.host } : slack.port,
    )) as unknown as Server;
    port = (server.address() as AddressInfo | null)?.port ?? slack.port;
    httpServer = server;
  }
  logger.info({ mode: socketMode ? 'socket' : 'http', port }, 'slack connected');

  const sender = new SlackSender(
    createDeliveryClient(slack.botToken, slack.apiUrl, logger),
    logger,
    opts.sender,
  );
  return {
    sender,
    mode: socketMode ? 'socket' : 'http',
    port,
    connection: () =>
      socketMode
        ? { ok: socketState === 'connected', detail: `socket mode ${socketState}` }
        : { ok: true, detail: 'http mode listening' },
    stop: async () => {
      // Socket Mode: Bolt asks the socket to close and returns without waiting for Slack's
      // answer. HTTP mode: the server stops accepting at once, but close() waits for every
      // open request, and a client that never finishes its request would hold it; after a
      // short grace those connections are dropped (Slack retries an unanswered event).
      const stopped = app.stop();
      if (httpServer) {
        const server = httpServer;
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          stopped.catch(() => undefined),
          new Promise<void>((resolve) => (timer = setTimeout(resolve, HTTP_CLOSE_GRACE_MS))),
        ]);
        clearTimeout(timer);
        server.closeAllConnections();
      }
      await stopped;
    },
  };
}
