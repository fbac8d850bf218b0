// Full-text search over the SQLite archive.
//
// Why not `MATCH ? ORDER BY bm25(fts) LIMIT 10`: bm25 ranks every match, and before its
// first row FTS5 computes each phrase's document frequency by walking all of its matches
// (O(matches) even with LIMIT 10: ~10 ms for a two-word query at 200k items, growing
// linearly). Here:
//  1. candidates: the engine walks the matches newest-first (FTS5 consumes
//     `ORDER BY rowid DESC`; ids grow with arrival time) and stops after CANDIDATES rows;
//  2. relevance within them, per query term: its weight (an IDF from a match count capped
//     at DF_CAP) and whether it is in the title, found with one newest-first walk per term
//     (`{title} : term AND query`) down to the oldest candidate, so no title is read;
//  3. score = relevance × recency (older items keep at least 60% of their weight).
// Rare terms have fewer matches than the bound, so they are ranked over all their matches.
// Filters (theme, region, source, month/year of publication) are tokens in the index's
// `tags` column, so they are intersected inside the index instead of row by row; exact
// date bounds are then checked on the item's publication time, read (like the one recency
// needs) from item_time (id → milliseconds, migration 170) rather than the row: in a
// freshly started process every page touched is a first touch, and 1,000 scattered rows
// are ~1,000 pages (their item_time entries: a few hundred at most). The index's segments
// are merged after writes (index-merge.ts), so each term is looked up in a few segments.
// When a date window holds more matches
// than the candidates, its total is estimated from their density over the window's id span
// (windowTotal): counting exactly read every matching row, 0.5 s for two common words over
// the last year at 1M items.
import type Database from 'better-sqlite3';
import type { RegionCode, StoredItem, ThemeId } from '../../model.ts';
import {
  CANDIDATES,
  COUNT_CAP,
  DF_CAP,
  estimateTotal,
  idf,
  newestFirst,
  planSearch,
  RANKED_TERMS,
  scoreCandidates,
  searchHit,
} from '../ranking.ts';
import type { ParsedQuery, QueryTerm } from '../search-text.ts';
import type { SearchQuery, SearchResult } from '../types.ts';

export { CANDIDATES, COUNT_CAP, DF_CAP };

function hex(value: string): string {
  return Buffer.from(value.toLowerCase(), 'utf8').toString('hex');
}

export const tagToken = {
  theme: (t: string) => `th${hex(t)}`,
  region: (r: string) => `rg${hex(r)}`,
  source: (s: string) => `sx${hex(s)}`,
  month: (iso: string) => `ym${iso.slice(0, 4)}${iso.slice(5, 7)}`,
  year: (iso: string) => `yy${iso.slice(0, 4)}`,
};

/** The `tags` column of one item. */
export function tagsText(item: {
  themes: ThemeId[];
  regions: RegionCode[];
  feedId: string;
  published: string;
}): string {
  return [
    ...item.themes.map(tagToken.theme),
    ...item.regions.map(tagToken.region),
    tagToken.source(item.feedId),
    tagToken.month(item.published),
    tagToken.year(item.published),
  ].join(' ');
}

function quote(token: string): string {
  // Tokens only hold letters, digits and marks (search-text.ts), never a double quote.
  return `"${token.replace(/"/g, '')}"`;
}

function termExpr(t: QueryTerm): string {
  switch (t.kind) {
    case 'word':
      return quote(t.token);
    case 'phrase':
      return quote(t.tokens.join(' '));
    case 'prefix':
      return `${quote(t.token)} *`;
  }
}

/** MATCH expression for the text terms, restricted to the text columns. */
export function textMatch(terms: QueryTerm[], op: 'AND' | 'OR'): string {
  return `{title body} : (${terms.map(termExpr).join(` ${op} `)})`;
}

function anyOf(tokens: string[]): string {
  return `tags : (${tokens.map(quote).join(' OR ')})`;
}

/** Year/month tokens covering [lo, hi]; null when the range is too wide to help. */
function dateTokens(lo: string, hi: string): string[] | null {
  let y = Number(lo.slice(0, 4));
  let m = Number(lo.slice(5, 7));
  const hy = Number(hi.slice(0, 4));
  const hm = Number(hi.slice(5, 7));
  if (y > hy || (y === hy && m > hm)) return [];
  const tokens: string[] = [];
  while (y < hy || (y === hy && m <= hm)) {
    if (m === 1 && (y < hy || hm === 12)) {
      tokens.push(`yy${y}`);
      y += 1;
      continue;
    }
    tokens.push(`ym${y}${String(m).padStart(2, '0')}`);
    m += 1;
    if (m > 12) {
      m = 1;
      y += 1;
    }
    if (tokens.length > 40) return null;
  }
  return tokens;
}

interface Candidate {
  id: number;
  /** Publication time in ms (item_time). */
  time: number;
}

export interface SearchDeps {
  db: Database.Database;
  loadItems(ids: number[]): Map<number, StoredItem>;
}

// Search SQL varies only with which filters are present, so a few statements cover it.
const statements = new WeakMap<Database.Database, Map<string, Database.Statement>>();

function prepared(db: Database.Database, sql: string): Database.Statement {
  let cache = statements.get(db);
  if (!cache) statements.set(db, (cache = new Map()));
  let stmt = cache.get(sql);
  if (!stmt) {
    stmt = db.prepare(sql);
    if (cache.size < 64) cache.set(sql, stmt);
  }
  return stmt;
}

export function searchArchive(deps: SearchDeps, q: SearchQuery): SearchResult {
  const { db } = deps;
  const empty: SearchResult = { hits: [], total: 0, totalIsEstimate: false };
  const plan = planSearch(q);
  if (!plan) return empty;
  const { limit, offset, since, until, parsed } = plan;

  const filterParts: string[] = [];
  if (q.themes?.length) filterParts.push(anyOf(q.themes.map(tagToken.theme)));
  if (q.regions?.length) filterParts.push(anyOf(q.regions.map(tagToken.region)));
  if (q.sources?.length) filterParts.push(anyOf(q.sources.map(tagToken.source)));
  const hasDate = since !== null || until !== null;
  if (hasDate && (filterParts.length > 0 || parsed.terms.length > 0)) {
    const bounds = prepared(
      db,
      // Two subqueries: one statement with both min() and max() scans the whole index.
      'SELECT (SELECT min(published) FROM items) AS lo, (SELECT max(published) FROM items) AS hi',
    ).get() as {
      lo: string | null;
      hi: string | null;
    };
    if (bounds.lo === null || bounds.hi === null) return empty;
    const lo = since && since > bounds.lo ? since : bounds.lo;
    const hi = until && until < bounds.hi ? until : bounds.hi;
    const tokens = dateTokens(lo, hi);
    if (tokens !== null && tokens.length === 0) return empty;
    if (tokens !== null) filterParts.push(anyOf(tokens));
  }

  // Filters only, or nothing at all: newest first.
  if (parsed.terms.length === 0) {
    if (filterParts.length === 0) return listByDate(deps, since, until, limit, offset, parsed);
    const rows = candidates(db, filterParts.join(' AND '), since, until);
    rows.sort(newestFirst);
    return page(deps, rows, limit, offset, parsed, since, until);
  }

  let mode: 'AND' | 'OR' = 'AND';
  let match = [textMatch(parsed.terms, 'AND'), ...filterParts].join(' AND ');
  let rows = candidates(db, match, since, until);
  if (rows.length === 0 && parsed.terms.length > 1) {
    // Nothing has every word: rank items having any of them (more and rarer words first).
    mode = 'OR';
    match = [textMatch(parsed.terms, 'OR'), ...filterParts].join(' AND ');
    rows = candidates(db, match, since, until);
  }
  const scored = rank(db, rows, parsed.terms, mode, match);
  return page(deps, scored, limit, offset, parsed, since, until);
}

function candidates(
  db: Database.Database,
  match: string,
  since: string | null,
  until: string | null,
): Candidate[] {
  // The publication time comes from item_time (migration 170), not the row: the rows of
  // 1,000 scattered matches sit on ~1,000 pages, their items_id_published entries on up to
  // 730 at 1M items, their item_time entries (an integer, ~260 a page) on less than half that.
  const sql = `SELECT item_fts.rowid AS id, item_time.ms AS ms
    FROM item_fts CROSS JOIN item_time ON item_time.id = item_fts.rowid
    WHERE item_fts MATCH ? ${since ? 'AND item_time.ms >= ?' : ''} ${until ? 'AND item_time.ms <= ?' : ''}
    ORDER BY item_fts.rowid DESC LIMIT ${CANDIDATES}`;
  const args: unknown[] = [match];
  if (since) args.push(Date.parse(since));
  if (until) args.push(Date.parse(until));
  const rows = prepared(db, sql)
    .raw()
    .all(...args) as Array<[number, number]>;
  return rows.map(([id, ms]) => ({ id, time: ms }));
}

/**
 * Ids down to `lo` whose index row matches `match`, walked newest-first and left at `lo`.
 * A `rowid BETWEEN` constraint instead made FTS5 step through the term's whole doclist
 * (40-60 ms warm for a word in 200k items); the walk from the top costs what the
 * candidates' walk did (the match includes the query, so nothing newer than them matches).
 */
function idsDownTo(db: Database.Database, match: string, lo: number): Set<number> {
  const stmt = prepared(db, 'SELECT rowid FROM item_fts WHERE item_fts MATCH ? ORDER BY rowid DESC').raw();
  const ids = new Set<number>();
  for (const [id] of stmt.iterate(match) as IterableIterator<[number]>) {
    if (id < lo) break;
    ids.add(id);
  }
  return ids;
}

function cappedCount(db: Database.Database, match: string, cap: number): number {
  const sql = `SELECT count(*) AS n FROM (SELECT 1 FROM item_fts WHERE item_fts MATCH ? LIMIT ${cap})`;
  return (prepared(db, sql).get(match) as { n: number }).n;
}

// Document frequencies change slowly; recomputing them for every query is wasted work.
const DF_TTL_MS = 10 * 60_000;
const dfCaches = new WeakMap<Database.Database, Map<string, { df: number; at: number }>>();

function documentFrequency(db: Database.Database, expr: string): number {
  let cache = dfCaches.get(db);
  if (!cache) dfCaches.set(db, (cache = new Map()));
  const now = Date.now();
  const hit = cache.get(expr);
  if (hit && now - hit.at < DF_TTL_MS) return hit.df;
  const df = cappedCount(db, `{title body} : (${expr})`, DF_CAP);
  if (cache.size >= 2000) cache.clear();
  cache.set(expr, { df, at: now });
  return df;
}

function rank(
  db: Database.Database,
  rows: Candidate[],
  terms: QueryTerm[],
  mode: 'AND' | 'OR',
  match: string,
): Array<Candidate & { score: number }> {
  if (rows.length === 0) return [];
  let lo = Infinity;
  for (const r of rows) if (r.id < lo) lo = r.id;
  const ranked = terms.slice(0, RANKED_TERMS);
  const n = Math.max(
    1,
    (prepared(db, 'SELECT max(id) AS n FROM items').get() as { n: number | null }).n ?? 1,
  );
  const perTerm = ranked.map((t) => {
    const expr = termExpr(t);
    // One term in AND mode: every candidate has it, so its weight changes nothing.
    const df = ranked.length > 1 ? documentFrequency(db, expr) : 1;
    return {
      idf: idf(n, df),
      // In OR mode a candidate may lack the term.
      present: mode === 'OR' ? idsDownTo(db, `{title body} : (${expr}) AND (${match})`, lo) : null,
      // Title hits from the index's title column (our own tokens, as PostgreSQL's weight A),
      // walked only where the query matches: no title is read or tokenized.
      inTitle: idsDownTo(db, `{title} : (${expr}) AND (${match})`, lo),
    };
  });
  return scoreCandidates(
    rows,
    perTerm.map((t) => t.idf),
    (r) => (k) => {
      const t = perTerm[k]!;
      if (t.present && !t.present.has(r.id)) return 'absent';
      return t.inTitle.has(r.id) ? 'title' : 'body';
    },
  );
}

/**
 * Total matches in a date window, estimated from how densely the newest CANDIDATES matches
 * fill their id span, times the window's id span (ids grow with arrival, so the items
 * published at the window's ends bound it). Counting them instead means reading every
 * matching item's row for its exact date: ~7,700 rows, 50 ms warm and 0.5 s cold at 1M items.
 */
function windowTotal(
  db: Database.Database,
  rows: Candidate[],
  since: string | null,
  until: string | null,
): number {
  let lo = Infinity;
  let hi = -Infinity;
  for (const r of rows) {
    if (r.id < lo) lo = r.id;
    if (r.id > hi) hi = r.id;
  }
  const density = rows.length / (hi - lo + 1);
  // Through the published index: one seek each.
  const first = since
    ? (prepared(db, 'SELECT id FROM items WHERE published >= ? ORDER BY published LIMIT 1').get(since) as
        { id: number } | undefined)
    : undefined;
  const last = until
    ? (prepared(db, 'SELECT id FROM items WHERE published <= ? ORDER BY published DESC LIMIT 1').get(
        until,
      ) as { id: number } | undefined)
    : undefined;
  const maxId = (prepared(db, 'SELECT max(id) AS n FROM items').get() as { n: number }).n;
  const from = Math.min(first?.id ?? 1, lo);
  const to = Math.max(last?.id ?? maxId, hi);
  return Math.max(rows.length, Math.round(density * (to - from + 1)));
}

function page(
  deps: SearchDeps,
  rows: Array<Candidate & { score?: number }>,
  limit: number,
  offset: number,
  parsed: ParsedQuery,
  since: string | null,
  until: string | null,
): SearchResult {
  let total = rows.length;
  let totalIsEstimate = false;
  if (rows.length >= CANDIDATES) {
    if (since || until) {
      total = windowTotal(deps.db, rows, since, until);
      totalIsEstimate = true;
    } else {
      const maxId = (prepared(deps.db, 'SELECT max(id) AS n FROM items').get() as { n: number }).n;
      total = estimateTotal(rows, maxId);
      totalIsEstimate = true;
    }
  }
  const slice = rows.slice(offset, offset + limit);
  const items = deps.loadItems(slice.map((r) => r.id));
  const hits = slice.flatMap((r) => {
    const item = items.get(r.id);
    if (!item) return [];
    return [searchHit(item, r.score ?? 0, parsed)];
  });
  return { hits, total, totalIsEstimate };
}

function listByDate(
  deps: SearchDeps,
  since: string | null,
  until: string | null,
  limit: number,
  offset: number,
  parsed: ParsedQuery,
): SearchResult {
  const where = [since ? 'published >= ?' : '', until ? 'published <= ?' : ''].filter(Boolean);
  const args: unknown[] = [];
  if (since) args.push(since);
  if (until) args.push(until);
  const cond = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const ids = prepared(
    deps.db,
    `SELECT id FROM items ${cond} ORDER BY published DESC, id DESC LIMIT ? OFFSET ?`,
  ).all(...args, limit, offset) as Array<{ id: number }>;
  const count = (
    deps.db
      .prepare(`SELECT count(*) AS n FROM (SELECT 1 FROM items ${cond} LIMIT ${COUNT_CAP})`)
      .get(...args) as {
      n: number;
    }
  ).n;
  const items = deps.loadItems(ids.map((r) => r.id));
  const hits = ids.flatMap((r) => {
    const item = items.get(r.id);
    return item ? [searchHit(item, 0, parsed)] : [];
  });
  return { hits, total: count, totalIsEstimate: count >= COUNT_CAP };
}
