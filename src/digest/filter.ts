// What a subscription selects. One definition, used by digests, alerts and previews:
//
// - Within a dimension, any value matches: themes [censorship, shutdowns] = either theme.
// - Across dimensions, all non-empty ones must match: themes [censorship] + regions [RU] =
//   censorship items about Russia. An empty dimension does not constrain; an all-empty
//   filter matches everything.
// - Several subscriptions of one target are alternatives: an item is in the target's digest
//   when it matches any of them. (So "censorship anywhere, plus anything about Iran" is two
//   subscriptions; the reverse, AND, would be impossible to express if dimensions were OR.)
// - Regions compare case-insensitively; sources match the feed id or the source name
//   (case-insensitive); keywords match the title or summary case- and accent-insensitively
//   at word boundaries ("AI" does not match "said"; a trailing `*` allows any ending:
//   "block*" matches "blocked"); next to Chinese/Japanese/Thai characters, where words have
//   no spaces, any position is a boundary.
// - Excluded keywords (`-word`, `-"a phrase"`) match by the same rules and leave an item out
//   whatever else matches; a filter of exclusions alone selects everything else.
import type { StoredItem, SubscriptionFilter, ThemeId } from '../model.ts';

export const EMPTY_FILTER: SubscriptionFilter = { themes: [], regions: [], sources: [], keywords: [] };

export function isEmptyFilter(f: SubscriptionFilter): boolean {
  return (
    !f.themes.length && !f.regions.length && !f.sources.length && !f.keywords.length && !f.exclude?.length
  );
}

/**
 * A keywords option as people type it: comma- or semicolon-separated words and "quoted
 * phrases", each excluded when it starts with `-` (`pegasus, "data retention", -football,
 * -"football club"`). Lower-cased, duplicates dropped. A hyphen inside a word is kept
 * (`e-government`); a word that should start with one can be quoted (`"-x"`).
 */
export function parseKeywords(text: string | undefined): { keywords: string[]; exclude: string[] } {
  const keywords = new Set<string>();
  const exclude = new Set<string>();
  const s = text ?? '';
  let i = 0;
  while (i < s.length) {
    while (i < s.length && /[\s,;]/.test(s[i]!)) i++;
    if (i >= s.length) break;
    const excluded = s[i] === '-';
    if (excluded) while (++i < s.length && /\s/.test(s[i]!));
    let word: string;
    if (s[i] === '"') {
      const close = s.indexOf('"', i + 1);
      const end = close < 0 ? s.length : close;
      word = s.slice(i + 1, end);
      i = end + 1;
    } else {
      let end = i;
      while (end < s.length && !/[,;"]/.test(s[end]!)) end++;
      word = s.slice(i, end);
      // `a -"b"`: the hyphen belongs to the quoted phrase that follows.
      const dangling = s[end] === '"' ? /\s-\s*$/.exec(word) : null;
      if (dangling) {
        word = word.slice(0, dangling.index);
        end = i + dangling.index + 1;
      }
      i = end;
    }
    word = word.trim().replace(/\s+/g, ' ').toLowerCase();
    if (word) (excluded ? exclude : keywords).add(word);
  }
  return { keywords: [...keywords], exclude: [...exclude] };
}

/** A filter in words, for lists and feed titles: `themes censorship; excluding "football"`. */
export function describeFilter(f: SubscriptionFilter): string {
  const quoted = (words: string[]): string => words.map((k) => `"${k}"`).join(', ');
  const parts = [
    f.themes.length ? `themes ${f.themes.join(', ')}` : '',
    f.regions.length ? `regions ${f.regions.join(', ')}` : '',
    f.sources.length ? `sources ${f.sources.join(', ')}` : '',
    f.keywords.length ? `keywords ${quoted(f.keywords)}` : '',
    f.exclude?.length ? `excluding ${quoted(f.exclude)}` : '',
  ].filter(Boolean);
  return parts.length ? parts.join('; ') : 'everything';
}

const WORD_CHAR = /[\p{L}\p{N}]/u;
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}]/u;

function fold(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/\s+/g, ' ');
}

/** Whether `keyword` occurs in `text` as a word or phrase (see the rules above). */
export function keywordMatches(text: string, keyword: string): boolean {
  let k = fold(keyword).trim();
  const prefix = k.endsWith('*');
  if (prefix) k = k.slice(0, -1).trimEnd();
  if (!k) return false;
  const t = fold(text);
  const first = k[0]!;
  const last = k[k.length - 1]!;
  for (let i = t.indexOf(k); i >= 0; i = t.indexOf(k, i + 1)) {
    const before = i > 0 ? t[i - 1]! : ' ';
    const after = t[i + k.length] ?? ' ';
    const okBefore = !WORD_CHAR.test(before) || UNSPACED.test(before) || UNSPACED.test(first);
    const okAfter = prefix || !WORD_CHAR.test(after) || UNSPACED.test(after) || UNSPACED.test(last);
    if (okBefore && okAfter) return true;
  }
  return false;
}

export function matchesFilter(item: StoredItem, f: SubscriptionFilter): boolean {
  if (f.themes.length && !f.themes.some((t) => item.themes.includes(t))) return false;
  if (f.regions.length) {
    const have = new Set(item.regions.map((r) => r.toUpperCase()));
    if (!f.regions.some((r) => have.has(r.toUpperCase()))) return false;
  }
  if (f.sources.length) {
    const feed = item.feedId.toLowerCase();
    const name = item.sourceName.toLowerCase();
    if (!f.sources.some((s) => s.toLowerCase() === feed || s.toLowerCase() === name)) return false;
  }
  if (f.keywords.length || f.exclude?.length) {
    const text = `${item.title}\n${item.summary}`;
    if (f.keywords.length && !f.keywords.some((k) => keywordMatches(text, k))) return false;
    if (f.exclude?.some((k) => keywordMatches(text, k))) return false;
  }
  return true;
}

/** An item is selected by a target whose subscriptions are `filters` (none = everything). */
export function matchesAnyFilter(item: StoredItem, filters: SubscriptionFilter[]): boolean {
  return filters.length === 0 || filters.some((f) => matchesFilter(item, f));
}

/**
 * The one theme an item is listed under in a digest. Among the item's themes (restricted to
 * the ones the reader asked for, when they asked for any): the one with the most matched
 * terms in the tagger's explanation, ties going to the tagger's own order. `other` when the
 * item has no theme.
 */
export function primaryTheme(item: StoredItem, wanted: readonly ThemeId[] = []): ThemeId | 'other' {
  const asked = item.themes.filter((t) => wanted.includes(t));
  const pool = asked.length ? asked : item.themes;
  let best: ThemeId | 'other' = 'other';
  let bestScore = -1;
  for (const t of pool) {
    const score = item.why[t]?.length ?? 0;
    if (score > bestScore) {
      best = t;
      bestScore = score;
    }
  }
  return best;
}
