// Suggestions for theme, region and source options while the user types. Options may hold
// a list ("censorship, priv"): only the last entry is completed, the rest kept.
import type { CommandOption } from '../../chat/types.ts';
import { THEME_IDS } from '../../model.ts';
import type { Store } from '../../store/types.ts';
import { themeLabel } from './render.ts';

export interface Choice {
  name: string;
  value: string;
}

const MAX_CHOICES = 25;
const MAX_LEN = 100;

let regionCache: Choice[] | null = null;

/** ISO 3166-1 alpha-2 codes the runtime's ICU knows a name for, plus EU. */
export function regionChoices(): Choice[] {
  if (regionCache) return regionCache;
  const names = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
  const out: Choice[] = [{ name: 'EU — European Union', value: 'EU' }];
  for (let a = 65; a <= 90; a++) {
    for (let b = 65; b <= 90; b++) {
      const code = String.fromCharCode(a, b);
      if (code === 'EU' || code === 'EZ' || code === 'UN' || code === 'QO' || code.startsWith('X')) continue;
      const name = names.of(code);
      if (name && name !== code) out.push({ name: `${code} — ${name}`, value: code });
    }
  }
  regionCache = out;
  return out;
}

function themeChoices(): Choice[] {
  return THEME_IDS.map((id) => ({ name: `${id} — ${themeLabel(id)}`, value: id }));
}

function rank(choices: Choice[], typed: string): Choice[] {
  const q = typed.trim().toLowerCase();
  if (!q) return choices;
  const starts = choices.filter((c) => c.value.toLowerCase().startsWith(q));
  const contains = choices.filter((c) => !starts.includes(c) && c.name.toLowerCase().includes(q));
  return [...starts, ...contains];
}

export interface SuggestDeps {
  store: Store;
  /** Cache the feed list this long (ms). */
  sourcesTtlMs?: number;
}

export function createSuggester(deps: SuggestDeps) {
  let sources: { at: number; choices: Choice[] } | null = null;
  const ttl = deps.sourcesTtlMs ?? 60_000;

  async function sourceChoices(): Promise<Choice[]> {
    if (sources && Date.now() - sources.at < ttl) return sources.choices;
    const feeds = await deps.store.listFeeds();
    const choices = feeds.map((f) => ({ name: `${f.name} (${f.id})`, value: f.id }));
    sources = { at: Date.now(), choices };
    return choices;
  }

  return async function suggest(kind: CommandOption['autocomplete'], typed: string): Promise<Choice[]> {
    if (!kind) return [];
    const sep = Math.max(typed.lastIndexOf(','), typed.lastIndexOf(' '));
    const head = sep >= 0 ? typed.slice(0, sep + 1) : '';
    const last = typed.slice(sep + 1);
    const pool =
      kind === 'theme' ? themeChoices() : kind === 'region' ? regionChoices() : await sourceChoices();
    return rank(pool, last)
      .map((c) => ({
        name: (head ? `${head}${c.value}` : c.name).slice(0, MAX_LEN),
        value: `${head}${c.value}`,
      }))
      .filter((c) => c.value.length <= MAX_LEN)
      .slice(0, MAX_CHOICES);
  };
}
