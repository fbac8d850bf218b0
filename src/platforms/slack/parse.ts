// Slack gives a slash command one string of text. This turns
//   `/govwatch-search "net neutrality" theme:censorship region:RU since:7d`
// into the CommandDef's subcommand and typed options, or a UserError that names the problem.
import type { CommandDef, CommandOption, OptionValues } from '../../chat/types.ts';
import { UserError } from '../../model.ts';
import { slashFor } from './names.ts';

export interface ParsedCommand {
  subcommand: string | null;
  options: OptionValues;
}

interface Token {
  text: string;
  /** Quoted tokens are always free text, never `key:value`. */
  quoted: boolean;
}

const QUOTES: Record<string, string> = {
  '"': '"',
  "'": "'",
  '\u201C': '\u201D',
  '\u2018': '\u2019',
  '\u00AB': '\u00BB',
};

/** Split on whitespace, keeping "quoted strings" (straight or typographic quotes) together. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const s = text.trim();
  while (i < s.length) {
    const ch = s[i] as string;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const close = QUOTES[ch];
    if (close !== undefined) {
      const end = s.indexOf(close, i + 1);
      if (end < 0) throw new UserError('bad_option', `a quote opened with ${ch} is never closed`);
      tokens.push({ text: s.slice(i + 1, end), quoted: true });
      i = end + 1;
      continue;
    }
    // key:"quoted value" stays one token.
    let j = i;
    let word = '';
    while (j < s.length && !/\s/.test(s[j] as string)) {
      const c = s[j] as string;
      const q = QUOTES[c];
      if (q !== undefined && /^[a-z][a-z0-9_-]*[:=]$/i.test(word)) {
        const end = s.indexOf(q, j + 1);
        if (end < 0) throw new UserError('bad_option', `a quote opened with ${c} is never closed`);
        word += s.slice(j + 1, end);
        j = end + 1;
        break;
      }
      word += c;
      j++;
    }
    tokens.push({ text: word, quoted: false });
    i = j;
  }
  return tokens;
}

/** `key:value` or `key=value` where key looks like an option name (a URL's `https://` does not). */
const KEY_VALUE = /^([a-z][a-z0-9_-]*)[:=](?!\/\/)(.*)$/is;

function coerce(cmd: string, opt: CommandOption, raw: string): string | number | boolean {
  const where = `\`${opt.name}\` of ${cmd}`;
  if (opt.choices?.length) {
    const hit = opt.choices.find(
      (c) => c.value.toLowerCase() === raw.toLowerCase() || c.name.toLowerCase() === raw.toLowerCase(),
    );
    if (!hit) {
      throw new UserError(
        'bad_option',
        `${where} must be one of: ${opt.choices.map((c) => c.value).join(', ')} (got "${raw}")`,
      );
    }
    return hit.value;
  }
  switch (opt.type) {
    case 'integer': {
      if (!/^[-+]?\d+$/.test(raw))
        throw new UserError('bad_option', `${where} must be a whole number (got "${raw}")`);
      const n = Number(raw);
      if (opt.minValue !== undefined && n < opt.minValue) {
        throw new UserError('bad_option', `${where} must be at least ${opt.minValue}`);
      }
      if (opt.maxValue !== undefined && n > opt.maxValue) {
        throw new UserError('bad_option', `${where} must be at most ${opt.maxValue}`);
      }
      return n;
    }
    case 'boolean': {
      const v = raw.toLowerCase();
      if (['true', 'yes', 'y', 'on', '1'].includes(v)) return true;
      if (['false', 'no', 'n', 'off', '0'].includes(v)) return false;
      throw new UserError('bad_option', `${where} must be yes or no (got "${raw}")`);
    }
    case 'string':
      if (!raw.trim()) throw new UserError('bad_option', `${where} is empty`);
      return raw;
  }
}

/** True when the text asks for help rather than running the command. */
export function isHelpRequest(text: string): boolean {
  return /^\s*(help|--help|-h|\?)\s*$/i.test(text);
}

/**
 * Parse the text after the slash command. A bare word equal to a choice of one unset option
 * sets that option; the other positional words fill the required options in declared order
 * (or, when none is required, the first text option), the last of them taking the rest of the
 * words, so `/govwatch-search net neutrality` needs no quotes.
 */
export function parseCommandText(def: CommandDef, text: string): ParsedCommand {
  const cmd = slashFor(def.name);
  let tokens = tokenize(text);
  let subcommand: string | null = null;
  let options: CommandOption[] = def.options;
  if (def.subcommands?.length) {
    const first = tokens[0];
    const names = def.subcommands.map((s) => s.name);
    if (!first || first.quoted) {
      throw new UserError('bad_option', `${cmd} needs one of: ${names.join(', ')}`);
    }
    const sub = def.subcommands.find((s) => s.name.toLowerCase() === first.text.toLowerCase());
    if (!sub)
      throw new UserError('bad_option', `${cmd} has no "${first.text}"; use one of: ${names.join(', ')}`);
    subcommand = sub.name;
    options = sub.options;
    tokens = tokens.slice(1);
  }
  const label = subcommand ? `${cmd} ${subcommand}` : cmd;
  const values: OptionValues = {};
  let positional: Token[] = [];
  for (const t of tokens) {
    const m = t.quoted ? null : KEY_VALUE.exec(t.text);
    if (!m) {
      positional.push(t);
      continue;
    }
    const key = (m[1] as string).toLowerCase();
    const opt = options.find((o) => o.name.toLowerCase() === key);
    if (!opt) {
      const known = options.map((o) => o.name).join(', ') || 'none';
      throw new UserError('bad_option', `${label} has no option \`${key}\` (options: ${known})`);
    }
    if (values[opt.name] !== undefined) throw new UserError('bad_option', `\`${opt.name}\` is given twice`);
    values[opt.name] = coerce(label, opt, m[2] as string);
  }
  // A bare word that is one of an unset option's choices sets it: `/govwatch-digest schedule
  // weekly timezone:UTC`, `/govwatch-subscribe censorship alert`. Quoted words stay text.
  positional = positional.filter((t) => {
    if (t.quoted) return true;
    const word = t.text.toLowerCase();
    const owners = options.filter(
      (o) => values[o.name] === undefined && o.choices?.some((c) => c.value.toLowerCase() === word),
    );
    if (owners.length !== 1) return true;
    const opt = owners[0] as CommandOption;
    values[opt.name] = coerce(label, opt, t.text);
    return false;
  });
  if (positional.length) {
    const open = options.filter((o) => values[o.name] === undefined && o.type !== 'boolean');
    let targets = open.filter((o) => o.required);
    if (!targets.length) targets = open.filter((o) => o.type === 'string').slice(0, 1);
    if (!targets.length) {
      const extra = positional.map((t) => t.text).join(' ');
      throw new UserError('bad_option', `${label} does not take "${extra}" here`);
    }
    targets.forEach((opt, i) => {
      const last = i === targets.length - 1;
      const words = (last ? positional.splice(0) : positional.splice(0, 1)).map((t) => t.text);
      if (words.length) values[opt.name] = coerce(label, opt, words.join(' '));
    });
  }
  const missing = options.filter((o) => o.required && values[o.name] === undefined);
  if (missing.length) {
    throw new UserError('bad_option', `${label} needs ${missing.map((o) => `\`${o.name}\``).join(', ')}`);
  }
  return { subcommand, options: values };
}

/** A usage line and option list generated from the definition, shown with the help text. */
export function usage(def: CommandDef): string[] {
  const cmd = slashFor(def.name);
  const fmt = (opts: CommandOption[]) =>
    opts.map((o) => (o.required ? `<${o.name}>` : `[${o.name}:…]`)).join(' ');
  const lines: string[] = [];
  if (def.subcommands?.length) {
    for (const s of def.subcommands)
      lines.push(`${cmd} ${s.name} ${fmt(s.options)}`.trim() + ` — ${s.description}`);
  } else {
    lines.push(`${cmd} ${fmt(def.options)}`.trim());
  }
  const all = [...def.options, ...(def.subcommands ?? []).flatMap((s) => s.options)];
  const seen = new Set<string>();
  for (const o of all) {
    if (seen.has(o.name)) continue;
    seen.add(o.name);
    const choices = o.choices?.length ? ` (one of: ${o.choices.map((c) => c.value).join(', ')})` : '';
    lines.push(`${o.name}: ${o.description}${choices}`);
  }
  return lines;
}
