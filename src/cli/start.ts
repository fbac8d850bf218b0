// `govwatch start`: the bot until SIGINT/SIGTERM. Stopping is bounded by
// GOVWATCH_SHUTDOWN_TIMEOUT_MS (exit 1 with what was pending when it passes); a second
// signal exits at once.
import { startBot } from '../app.ts';
import type { Config } from '../config.ts';
import { configuredLogger } from '../log.ts';

export async function runStart(config: Config): Promise<void> {
  const logger = configuredLogger(config);
  if (!config.discord && !config.slack) {
    process.stderr.write(
      'govwatch: no chat platform configured, so digests are printed here.\n' +
        '  Discord: set DISCORD_TOKEN and DISCORD_APP_ID, then run `govwatch register-commands`.\n' +
        '  Slack: set SLACK_BOT_TOKEN and SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode).\n' +
        '  See README.md. Stop with Ctrl-C.\n',
    );
  }
  const bot = await startBot(config, logger);
  const code = await new Promise<number>((resolve) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (stopping) {
        // A second signal: the operator will not wait.
        logger.warn({ signal, pending: bot.stopPending() }, 'second signal: exiting now');
        resolve(1);
        return;
      }
      stopping = true;
      const deadlineMs = config.shutdownTimeoutMs;
      logger.info({ signal, deadline_ms: deadlineMs }, 'shutting down');
      // bot.stop keeps its own deadline; this timer is the backstop should anything in it
      // (or a synchronous stretch) overrun it.
      const backstop = setTimeout(() => {
        logger.error(
          { pending: bot.stopPending(), deadline_ms: deadlineMs },
          'shutdown deadline passed; exiting',
        );
        resolve(1);
      }, deadlineMs + 500);
      bot.stop({ deadlineMs }).then(
        (report) => {
          clearTimeout(backstop);
          if (report.pending.length) {
            logger.error(
              { pending: report.pending, deadline_ms: deadlineMs, elapsed_ms: report.elapsedMs },
              'shutdown deadline passed; exiting',
            );
            resolve(1);
          } else if (report.failed.length) {
            logger.error({ failed: report.failed, elapsed_ms: report.elapsedMs }, 'stopped with failures');
            resolve(1);
          } else {
            logger.info({ elapsed_ms: report.elapsedMs }, 'stopped');
            resolve(0);
          }
        },
        (err: unknown) => {
          clearTimeout(backstop);
          logger.error({ err: String(err) }, 'shutdown failed');
          resolve(1);
        },
      );
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  // Exit now rather than when the event loop drains: sockets to a server that is gone (a
  // gateway waiting for its close handshake, a frozen database) would keep the process alive.
  // (Log lines are written synchronously to stderr, so none is lost.)
  process.exit(code);
}
