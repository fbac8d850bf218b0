// Slash-command definitions for Discord, built from the platform-neutral CommandDefs, and
// their registration (global, or one guild for instant updates while testing).
import type { RESTPutAPIApplicationCommandsJSONBody } from 'discord.js';
import { REST, Routes } from 'discord.js';
import type { CommandDef, CommandOption, Subcommand } from '../../chat/types.ts';
import { cut } from './escape.ts';

const OPTION_TYPE = { subcommand: 1, string: 3, integer: 4, boolean: 5 } as const;

/** Discord sorts nothing for us: required options must come first. */
function optionJson(o: CommandOption): Record<string, unknown> {
  const json: Record<string, unknown> = {
    type: OPTION_TYPE[o.type],
    name: o.name,
    description: cut(o.description, 100),
    required: o.required ?? false,
  };
  if (o.choices?.length)
    json.choices = o.choices.slice(0, 25).map((c) => ({ name: cut(c.name, 100), value: c.value }));
  else if (o.autocomplete) json.autocomplete = true;
  if (o.minValue !== undefined) json.min_value = o.minValue;
  if (o.maxValue !== undefined) json.max_value = o.maxValue;
  return json;
}

function optionsJson(options: CommandOption[]): Array<Record<string, unknown>> {
  const sorted = [...options.filter((o) => o.required), ...options.filter((o) => !o.required)];
  return sorted.map(optionJson);
}

function subcommandJson(s: Subcommand): Record<string, unknown> {
  return {
    type: OPTION_TYPE.subcommand,
    name: s.name,
    description: cut(s.description, 100),
    options: optionsJson(s.options),
  };
}

/** One CHAT_INPUT command definition. Admin checks happen at run time (Manage Server/Channels). */
export function commandJson(def: CommandDef): Record<string, unknown> {
  return {
    type: 1,
    name: def.name,
    description: cut(def.description, 100),
    options: def.subcommands?.length ? def.subcommands.map(subcommandJson) : optionsJson(def.options),
    // Guilds and the bot's DMs (interaction contexts 0 = guild, 1 = bot DM).
    contexts: [0, 1],
    integration_types: [0],
  };
}

export interface RegisterOptions {
  token: string;
  appId: string;
  /** REST base ending in /api; default Discord's. */
  apiUrl?: string;
  /** Register in this guild only (updates at once); otherwise globally. */
  guildId?: string;
  commands: CommandDef[];
}

export async function registerCommands(
  opts: RegisterOptions,
): Promise<{ scope: 'global' | 'guild'; names: string[] }> {
  const rest = new REST(opts.apiUrl ? { api: opts.apiUrl.replace(/\/+$/, '') } : {}).setToken(opts.token);
  const body = opts.commands.map(commandJson) as unknown as RESTPutAPIApplicationCommandsJSONBody;
  const route = opts.guildId
    ? Routes.applicationGuildCommands(opts.appId, opts.guildId)
    : Routes.applicationCommands(opts.appId);
  const made = (await rest.put(route, { body })) as Array<{ name: string }>;
  return { scope: opts.guildId ? 'guild' : 'global', names: made.map((c) => c.name) };
}
