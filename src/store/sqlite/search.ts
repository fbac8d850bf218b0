// Full-text search over the SQLite archive.
//
// Why not `MATCH ? ORDER BY bm25 LIMIT 10`: for a common term that ranks every match
// (hundreds of thousands of rows at 1M items) before keeping ten. Here the engine walks the
// matches newest-first (FTS5 consumes `ORDER BY rowid DESC`; ids grow with arrival time),
// stops after CANDIDATES rows, and bm25 is computed for those rows only. The final order is
// bm25 relevance weighted by recency. Rare terms have fewer matches than the bound, so they
// are ranked over all their matches. Filters (theme, region, source, month/year of
// publication) are tokens in the index's `tags` column, so they are intersected inside the
// index instead of row by row; exact date bounds are then checked on the joined item.
import type Database from 'better-sqlite3';
import type { RegionCode, StoredItem, ThemeId } from '../../model.ts';
import { UserError } from '../../model.ts';
import { buildSnippet, parseQuery, type ParsedQuery, type QueryTerm } from '../search-text.ts';
import type { SearchQuery, SearchResult } from '../types.ts';

/** How many newest matches are ranked. */
export const CANDIDATES = 1000;
/** Beyond this, totals are reported as an estimate. */
export const COUNT_CAP = 10_000;
/** bm25 column weights: title, body, tags (tags never score). */
const WEIGHTS = '4.0, 1.0, 0.0';
/** Recency: an item this many days older than the newest candidate keeps 80% of its weight. */
const HALF_LIFE_DAYS = 180;

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

function parseBound(value: string | undefined, name: string): string | null {
  if (value === undefined || value === '') return null;
  const d = new Date(value);
  if (Number.isNaN(d.getTime()))
    throw new UserError('bad_date', `${name} is not a date: ${value.slice(0, 40)}`);
  return d.toISOString();
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
  bm: number;
  published: string;
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
  const limit = Math.max(1, Math.min(100, Math.floor(q.limit ?? 10) || 10));
  const offset = Math.max(0, Math.floor(q.offset ?? 0) || 0);
  const since = parseBound(q.since, 'since');
  const until = parseBound(q.until, 'until');
  const text = typeof q.text === 'string' ? q.text : '';
  const parsed = parseQuery(text);
  const empty: SearchResult = { hits: [], total: 0, totalIsEstimate: false };
  if (text.trim() !== '' && parsed.terms.length === 0) return empty;
  if (offset >= CANDIDATES) return empty;

  const filterParts: string[] = [];
  if (q.themes?.length) filterParts.push(anyOf(q.themes.map(tagToken.theme)));
  if (q.regions?.length) filterParts.push(anyOf(q.regions.map(tagToken.region)));
  if (q.sources?.length) filterParts.push(anyOf(q.sources.map(tagToken.source)));
  const hasDate = since !== null || until !== null;
  if (hasDate && (filterParts.length > 0 || parsed.terms.length > 0)) {
    const bounds = prepared(db, 'SELECT min(published) AS lo, max(published) AS hi FROM items').get() as {
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
    rows.sort((a, b) => (a.published < b.published ? 1 : a.published > b.published ? -1 : b.id - a.id));
    return page(deps, rows, limit, offset, parsed, filterParts.join(' AND '), since, until);
  }

  let match = [textMatch(parsed.terms, 'AND'), ...filterParts].join(' AND ');
  let rows = candidates(db, match, since, until);
  if (rows.length === 0 && parsed.terms.length > 1) {
    // Nothing has every word: rank items having any of them (bm25 favours those with more).
    match = [textMatch(parsed.terms, 'OR'), ...filterParts].join(' AND ');
    rows = candidates(db, match, since, until);
  }
  const scored = rank(rows);
  return page(deps, scored, limit, offset, parsed, match, since, until);
}

function candidates(
  db: Database.Database,
  match: string,
  since: string | null,
  until: string | null,
): Candidate[] {
  const sql = `SELECT item_fts.rowid AS id, bm25(item_fts, ${WEIGHTS}) AS bm, items.published AS published
    FROM item_fts CROSS JOIN items ON items.id = item_fts.rowid
    WHERE item_fts MATCH ? ${since ? 'AND items.published >= ?' : ''} ${until ? 'AND items.published <= ?' : ''}
    ORDER BY item_fts.rowid DESC LIMIT ${CANDIDATES}`;
  const args: unknown[] = [match];
  if (since) args.push(since);
  if (until) args.push(until);
  return prepared(db, sql).all(...args) as Candidate[];
}

function rank(rows: Candidate[]): Array<Candidate & { score: number }> {
  const times = rows.map((r) => Date.parse(r.published) || 0);
  let newest = 0;
  for (const t of times) if (t > newest) newest = t;
  const scored = rows.map((r, i) => {
    const ageDays = Math.max(0, (newest - times[i]!) / 86_400_000);
    const recency = 0.6 + 0.4 * Math.pow(2, -ageDays / HALF_LIFE_DAYS);
    return { id: r.id, bm: r.bm, published: r.published, score: -r.bm * recency };
  });
  scored.sort((a, b) => b.score - a.score || b.id - a.id);
  return scored;
}

function countMatches(
  db: Database.Database,
  match: string,
  since: string | null,
  until: string | null,
): number {
  const join = since || until ? 'CROSS JOIN items ON items.id = item_fts.rowid' : '';
  const sql = `SELECT count(*) AS n FROM (SELECT 1 FROM item_fts ${join}
    WHERE item_fts MATCH ? ${since ? 'AND items.published >= ?' : ''} ${until ? 'AND items.published <= ?' : ''}
    LIMIT ${COUNT_CAP})`;
  const args: unknown[] = [match];
  if (since) args.push(since);
  if (until) args.push(until);
  return (prepared(db, sql).get(...args) as { n: number }).n;
}

function page(
  deps: SearchDeps,
  rows: Array<Candidate & { score?: number }>,
  limit: number,
  offset: number,
  parsed: ParsedQuery,
  match: string,
  since: string | null,
  until: string | null,
): SearchResult {
  let total = rows.length;
  let totalIsEstimate = false;
  if (rows.length >= CANDIDATES) {
    total = countMatches(deps.db, match, since, until);
    totalIsEstimate = total >= COUNT_CAP;
  }
  const slice = rows.slice(offset, offset + limit);
  const items = deps.loadItems(slice.map((r) => r.id));
  const hits = slice.flatMap((r) => {
    const item = items.get(r.id);
    if (!item) return [];
    return [{ item, score: r.score ?? 0, snippet: buildSnippet(item.title, item.summary, parsed) }];
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
    return item ? [{ item, score: 0, snippet: buildSnippet(item.title, item.summary, parsed) }] : [];
  });
  return { hits, total: count, totalIsEstimate: count >= COUNT_CAP };
}
