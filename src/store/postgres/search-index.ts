// How items and queries reach PostgreSQL's full-text machinery.
//
// Both adapters must find and rank the same items, so PostgreSQL does not tokenize anything
// itself: the shared tokenizer (../search-text.ts: folding, English/Russian stemming, CJK
// bigrams) produces the tokens, and we hand them over as a tsvector literal with positions
// (title weight A, summary weight B) and a tsquery literal built from parsed terms. No text
// search configuration or dictionary is involved, and no user text is ever parsed by
// PostgreSQL's query syntax: every lexeme is quoted by us.
import { indexText, type QueryTerm } from '../search-text.ts';

/** Positions PostgreSQL keeps per lexeme, and the largest position it stores. */
const MAX_POSITIONS = 255;
const MAX_POSITION = 16_383;
/** Gap between title and summary positions so a phrase never spans the two. */
const FIELD_GAP = 8;

function quoteLexeme(token: string): string {
  return `'${token.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

function tokens(text: string): string[] {
  const t = indexText(text);
  return t ? t.split(' ') : [];
}

/** The tsvector literal (for `$n::tsvector`) of an item's title and summary. */
export function searchVector(item: { title: string; summary: string }): string {
  const title = tokens(item.title);
  const summary = tokens(item.summary);
  const positions = new Map<string, string[]>();
  const add = (token: string, pos: number, weight: 'A' | 'B') => {
    let list = positions.get(token);
    if (!list) positions.set(token, (list = []));
    if (list.length < MAX_POSITIONS) list.push(`${Math.min(pos, MAX_POSITION)}${weight}`);
  };
  title.forEach((t, i) => add(t, i + 1, 'A'));
  const bodyStart = title.length + FIELD_GAP;
  summary.forEach((t, i) => add(t, bodyStart + i, 'B'));
  return [...positions].map(([lex, pos]) => `${quoteLexeme(lex)}:${pos.join(',')}`).join(' ');
}

/** Filter keys for the `tags` column (lower-cased, like the SQLite index's tag tokens). */
export function filterTags(item: { themes: string[]; regions: string[]; feedId: string }): string[] {
  return [
    ...item.themes.map((t) => tagKey.theme(t)),
    ...item.regions.map((r) => tagKey.region(r)),
    tagKey.source(item.feedId),
  ];
}

export const tagKey = {
  theme: (t: string) => `th:${t.toLowerCase()}`,
  region: (r: string) => `rg:${r.toLowerCase()}`,
  source: (s: string) => `sx:${s.toLowerCase()}`,
};

function termQuery(t: QueryTerm): string {
  switch (t.kind) {
    case 'word':
      return quoteLexeme(t.token);
    case 'phrase':
      return `(${t.tokens.map(quoteLexeme).join(' <-> ')})`;
    case 'prefix':
      return `${quoteLexeme(t.token)}:*`;
  }
}

/** tsquery literal for `$n::tsquery`: all terms (AND) or any (OR). */
export function tsqueryLiteral(terms: QueryTerm[], op: 'AND' | 'OR'): string {
  return terms.map(termQuery).join(op === 'AND' ? ' & ' : ' | ');
}
