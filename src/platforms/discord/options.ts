// Structural checks of slash-command options against the CommandDef: Discord's client
// validates types and ranges, but a bot must not trust that (buttons, old clients, other
// apps). Meaning (is this a theme?) is the command's own business.
import type { CommandDef, CommandOption, OptionValues, Permission, Subcommand } from '../../chat/types.ts';

export type Checked =
  | { ok: true; subcommand: Subcommand | null; options: OptionValues; permission: Permission }
  | { ok: false; problem: string };

const MAX_STRING = 6000;

function checkOne(def: CommandOption, value: unknown): string | null {
  const name = `\`${def.name}\``;
  switch (def.type) {
    case 'string':
      if (typeof value !== 'string') return `${name} must be text`;
      if (value.length > MAX_STRING) return `${name} is too long (${value.length} characters)`;
      break;
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value)) return `${name} must be a whole number`;
      if (def.minValue !== undefined && value < def.minValue)
        return `${name} must be at least ${def.minValue}`;
      if (def.maxValue !== undefined && value > def.maxValue)
        return `${name} must be at most ${def.maxValue}`;
      break;
    case 'boolean':
      if (typeof value !== 'boolean') return `${name} must be true or false`;
      break;
  }
  if (def.choices && !def.choices.some((c) => c.value === value)) {
    return `${name} must be one of: ${def.choices.map((c) => c.value).join(', ')}`;
  }
  return null;
}

export function checkOptions(
  cmd: CommandDef,
  subcommand: string | null,
  raw: Record<string, unknown>,
): Checked {
  let sub: Subcommand | null = null;
  if (cmd.subcommands?.length) {
    sub = cmd.subcommands.find((s) => s.name === subcommand) ?? null;
    if (!sub) {
      return { ok: false, problem: `choose one of: ${cmd.subcommands.map((s) => s.name).join(', ')}` };
    }
  } else if (subcommand) {
    return { ok: false, problem: `/${cmd.name} has no subcommand "${subcommand}"` };
  }
  const defs = sub ? sub.options : cmd.options;
  const options: OptionValues = {};
  for (const name of Object.keys(raw)) {
    if (raw[name] === undefined || raw[name] === null) continue;
    if (!defs.some((d) => d.name === name)) return { ok: false, problem: `unknown option \`${name}\`` };
  }
  for (const def of defs) {
    const value = raw[def.name];
    const empty = value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
    if (empty) {
      if (def.required) return { ok: false, problem: `\`${def.name}\` is required (${def.description})` };
      continue;
    }
    const problem = checkOne(def, value);
    if (problem) return { ok: false, problem };
    options[def.name] = value as string | number | boolean;
  }
  return { ok: true, subcommand: sub, options, permission: sub?.permission ?? cmd.permission };
}
