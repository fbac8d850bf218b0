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
import type { StoredItem, SubscriptionFilter, ThemeId } from '../model.ts';

export const EMPTY_FILTER: SubscriptionFilter = { themes: [], regions: [], sources: [], keywords: [] };

export function isEmptyFilter(f: SubscriptionFilter): boolean {
  return !f.themes.length && !f.regions.length && !f.sources.length && !f.keywords.length;
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
  if (f.keywords.length) {
    const text = `${item.title}\n${item.summary}`;
    if (!f.keywords.some((k) => keywordMatches(text, k))) return false;
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
