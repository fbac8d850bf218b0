// `govwatch register-commands`: publish the slash commands to Discord.
import { allCommands } from '../../commands/index.ts';
import type { Config } from '../config.ts';
import { UserError } from '../model.ts';
import { out } from './output.ts';

export async function runRegisterCommands(config: Config, opts: { guild?: string }): Promise<void> {
  if (!config.discord) {
    throw new UserError(
      'discord-not-configured',
      'set DISCORD_TOKEN and DISCORD_APP_ID (the application id) first',
    );
  }
  const { registerCommands } = await import('../platforms/discord/index.ts');
  const guildId = opts.guild ?? config.discord.guildId;
  const result = await registerCommands({
    token: config.discord.token,
    appId: config.discord.appId,
    apiUrl: config.discord.apiUrl,
    guildId,
    commands: allCommands,
  });
  out(
    `registered ${result.names.length} commands ${result.scope === 'guild' ? `in guild ${guildId}` : 'globally (may take up to an hour to appear)'}: ${result.names.join(', ')}`,
  );
}
