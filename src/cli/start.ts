// `govwatch start`: the bot until SIGINT/SIGTERM.
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
  await new Promise<void>((resolve) => {
    let forced = false;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (forced) process.exit(1);
      forced = true;
      logger.info({ signal }, 'shutting down');
      bot.stop().then(resolve, (err: unknown) => {
        logger.error({ err: String(err) }, 'shutdown failed');
        process.exitCode = 1;
        resolve();
      });
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
