// Full-text search on PostgreSQL, built to return what the SQLite adapter returns.
//
// The same steps as src/store/sqlite/search.ts, on the same tokens (search-index.ts):
//  1. candidates: the newest CANDIDATES items matching all terms (any term when none has
//     all), from the GIN index on `search` with `ORDER BY id DESC LIMIT`;
//  2. per ranked term: an IDF from its match count capped at DF_CAP, and whether it is in
//     each candidate's title (the title's lexemes carry weight A: `ts_filter(search,'{a}')`);
//  3. score = relevance (title hits count 1 + TITLE_BOOST) normalized, × the same recency.
// The arithmetic is done here, identically, so both adapters give the same order; the
// contract and parity tests hold them to it. Snippets come from the shared buildSnippet.
import type pg from 'pg';
import { UserError } from '../../model.ts';
import { buildSnippet, parseQuery, type ParsedQuery, type QueryTerm } from '../search-text.ts';
import { CANDIDATES, COUNT_CAP, DF_CAP } from '../sqlite/search.ts';
import type { SearchQuery, SearchResult } from '../types.ts';
import { itemFromRow, ITEM_COLUMNS, type ItemRow } from './rows.ts';
import { tagKey, tsqueryLiteral } from './search-index.ts';

export { CANDIDATES, COUNT_CAP, DF_CAP };
// Not exported by the SQLite adapter; keep equal to its values (the parity tests check).
/** A term in the title counts this much more than one only in the body. */
const TITLE_BOOST = 2;
/** Terms checked for title hits and weights (the rest still have to match). */
const RANKED_TERMS = 8;
/** Recency: an item this many days older than the newest candidate keeps 80% of its weight. */
const HALF_LIFE_DAYS = 180;
/** Document frequencies estimated at this many rows or more are not counted. */
const EXACT_BELOW = 1000;
/** An estimate this many times DF_CAP is taken as "at least DF_CAP" (sampling error is far smaller). */
const ESTIMATE_MARGIN = 1.5;

type Db = pg.Pool | pg.PoolClient;

interface Candidate {
  id: number;
  published: string;
}

interface RankCandidate extends Candidate {
  /** t<k>: ranked term k is in the title; p<k> (OR mode): term k is in the item at all. */
  [flag: `t${number}` | `p${number}`]: boolean;
}

function parseBound(value: string | undefined, name: string): string | null {
  if (value === undefined || value === '') return null;
  const d = new Date(value);
  if (Number.isNaN(d.getTime()))
    throw new UserError('bad_date', `${name} is not a date: ${value.slice(0, 40)}`);
  return d.toISOString();
}

class Sql {
  readonly params: unknown[] = [];
  p(v: unknown): string {
    this.params.push(v);
    return `$${this.params.length}`;
  }
}

export interface SearchContext {
  db: Db;
  /** Common-lexeme frequencies from pg_stats, refreshed now and then (see loadCommonFrequencies). */
  commonFrequencies(): Promise<Map<string, number>>;
  /** Rough row count of items (pg_class), refreshed with the frequencies. */
  rowEstimate: number;
}

export async function searchItems(ctx: SearchContext, q: SearchQuery): Promise<SearchResult> {
  const limit = Math.max(1, Math.min(100, Math.floor(q.limit ?? 10) || 10));
  const offset = Math.max(0, Math.floor(q.offset ?? 0) || 0);
  const since = parseBound(q.since, 'since');
  const until = parseBound(q.until, 'until');
  const text = typeof q.text === 'string' ? q.text : '';
  const parsed = parseQuery(text);
  const empty: SearchResult = { hits: [], total: 0, totalIsEstimate: false };
  if (text.trim() !== '' && parsed.terms.length === 0) return empty;
  if (offset >= CANDIDATES) return empty;

  const filters = (sql: Sql): string[] => {
    const where: string[] = [];
    if (q.themes?.length) where.push(`i.tags && ${sql.p(q.themes.map(tagKey.theme))}::text[]`);
    if (q.regions?.length) where.push(`i.tags && ${sql.p(q.regions.map(tagKey.region))}::text[]`);
    if (q.sources?.length) where.push(`i.tags && ${sql.p(q.sources.map(tagKey.source))}::text[]`);
    if (since) where.push(`i.published >= ${sql.p(since)}`);
    if (until) where.push(`i.published <= ${sql.p(until)}`);
    return where;
  };
  const hasTagFilter = Boolean(q.themes?.length || q.regions?.length || q.sources?.length);
  const hasDate = since !== null || until !== null;

  if (parsed.terms.length === 0) {
    if (!hasTagFilter) return listByDate(ctx.db, filters, limit, offset, parsed);
    const rows = await candidates(ctx.db, null, filters);
    rows.sort((a, b) => (a.published < b.published ? 1 : a.published > b.published ? -1 : b.id - a.id));
    return page(
      ctx.db,
      rows,
      limit,
      offset,
      parsed,
      hasDate ? () => countMatches(ctx.db, null, filters) : null,
    );
  }

  // Matches and archive statistics are independent: fetch them side by side.
  const common = await ctx.commonFrequencies();
  const statsPromise = archiveStats(ctx, common, parsed.terms);
  statsPromise.catch(() => undefined); // awaited below; do not let an early throw go unhandled
  let op: 'AND' | 'OR' = 'AND';
  let rows = await rankCandidates(ctx.db, parsed.terms, op, filters);
  if (rows.length === 0 && parsed.terms.length > 1) {
    op = 'OR';
    rows = await rankCandidates(ctx.db, parsed.terms, op, filters);
  }
  const stats = await statsPromise;
  const scored = rows.length ? rank(stats, rows, parsed.terms, op) : [];
  const tsquery = tsqueryLiteral(parsed.terms, op);
  return page(
    ctx.db,
    scored,
    limit,
    offset,
    parsed,
    hasDate ? () => countMatches(ctx.db, tsquery, filters) : null,
  );
}

async function candidates(
  db: Db,
  tsquery: string | null,
  filters: (s: Sql) => string[],
): Promise<Candidate[]> {
  const sql = new Sql();
  const where = filters(sql);
  if (tsquery !== null) where.unshift(`i.search @@ ${sql.p(tsquery)}::tsquery`);
  const r = await db.query<Candidate>(
    `SELECT i.id, i.published FROM items i ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY i.id DESC LIMIT ${CANDIDATES}`,
    sql.params,
  );
  return r.rows;
}

/** Newest matches, with whether each ranked term is in the title (and, for OR, present). */
async function rankCandidates(
  db: Db,
  terms: QueryTerm[],
  op: 'AND' | 'OR',
  filters: (s: Sql) => string[],
): Promise<RankCandidate[]> {
  const sql = new Sql();
  const where = [`i.search @@ ${sql.p(tsqueryLiteral(terms, op))}::tsquery`, ...filters(sql)];
  const ranked = terms.slice(0, RANKED_TERMS);
  // ts_filter(…, '{a}') keeps the title's lexemes (weight A): a term matching it is in the title.
  const flags = ranked.map((t, k) => {
    const q = sql.p(tsqueryLiteral([t], 'AND'));
    const present = op === 'OR' ? `, c.search @@ ${q}::tsquery AS p${k}` : '';
    return `, ts_filter(c.search, '{a}') @@ ${q}::tsquery AS t${k}${present}`;
  });
  // Flags are computed on the 1000 kept rows only, not on every match the sort looked at.
  const r = await db.query<RankCandidate>(
    `WITH cand AS MATERIALIZED (
       SELECT i.id, i.published, i.search FROM items i WHERE ${where.join(' AND ')}
       ORDER BY i.id DESC LIMIT ${CANDIDATES})
     SELECT c.id, c.published${flags.join('')} FROM cand c ORDER BY c.id DESC`,
    sql.params,
  );
  return r.rows;
}

interface ArchiveStats {
  /** Largest item id: the archive size as the ranking counts it. */
  n: number;
  df: number[];
}

/**
 * Each ranked term's document frequency, capped at DF_CAP as the SQLite adapter counts it.
 * Counting reads one row per match, so words that ANALYZE's statistics (pg_stats) put at
 * EXACT_BELOW rows or more are not counted: well above the cap their capped count is DF_CAP
 * anyway; between, the estimate stands in (IDFs then differ from SQLite's by the sampling
 * error, a few percent, which can swap near-ties). Rarer words, and every word before the
 * table is first analyzed, are counted exactly.
 */
async function archiveStats(
  ctx: SearchContext,
  common: Map<string, number>,
  terms: QueryTerm[],
): Promise<ArchiveStats> {
  const ranked = terms.slice(0, RANKED_TERMS);
  const estimated = ranked.map((t) => {
    const e = t.kind === 'word' ? (common.get(t.token) ?? 0) * ctx.rowEstimate : 0;
    // Well above the cap: the capped count is DF_CAP whatever the sample said.
    if (e >= ESTIMATE_MARGIN * DF_CAP) return DF_CAP;
    // Frequent enough that counting costs: the estimate (a ranking input, not a shown number).
    if (e >= EXACT_BELOW) return Math.min(DF_CAP, Math.round(e));
    return null;
  });
  // One term: every candidate has it, so its weight changes nothing (as in SQLite).
  const counted =
    ranked.length > 1 ? ranked.map((t, k) => ({ t, k })).filter(({ k }) => estimated[k] === null) : [];
  const sql = new Sql();
  const cap = counted.length ? sql.p(DF_CAP) : '';
  const counts = counted.map(
    ({ t, k }) =>
      `, (SELECT count(*) FROM (SELECT 1 FROM items WHERE search @@ ${sql.p(tsqueryLiteral([t], 'AND'))}::tsquery
         LIMIT ${cap}) s)::int AS d${k}`,
  );
  const r = await ctx.db.query<Record<string, number>>(
    `SELECT (SELECT coalesce(max(id), 1) FROM items) AS n${counts.join('')}`,
    sql.params,
  );
  const row = r.rows[0] ?? {};
  const df = ranked.map((_, k) => (ranked.length > 1 ? (row[`d${k}`] ?? estimated[k] ?? DF_CAP) : 1));
  return { n: Math.max(1, row.n ?? 1), df };
}

/** The SQLite adapter's score: Σ idf × (title ? 1 + TITLE_BOOST : 1), normalized, × recency. */
function rank(
  stats: ArchiveStats,
  rows: RankCandidate[],
  terms: QueryTerm[],
  op: 'AND' | 'OR',
): Array<Candidate & { score: number }> {
  const ranked = terms.slice(0, RANKED_TERMS);
  const idf = ranked.map((_, k) => {
    const df = stats.df[k]!;
    return Math.log(1 + (stats.n - df + 0.5) / (df + 0.5));
  });
  const best = idf.reduce((sum, w) => sum + w * (1 + TITLE_BOOST), 0) || 1;
  const times = rows.map((r) => Date.parse(r.published) || 0);
  let newest = 0;
  for (const t of times) if (t > newest) newest = t;
  const scored = rows.map((r, i) => {
    let rel = 0;
    ranked.forEach((_, k) => {
      if (op === 'OR' && !r[`p${k}`]) return;
      rel += idf[k]! * (r[`t${k}`] ? 1 + TITLE_BOOST : 1);
    });
    const ageDays = Math.max(0, (newest - times[i]!) / 86_400_000);
    const recency = 0.6 + 0.4 * Math.pow(2, -ageDays / HALF_LIFE_DAYS);
    return { id: r.id, published: r.published, score: (rel / best) * recency };
  });
  scored.sort((a, b) => b.score - a.score || b.id - a.id);
  return scored;
}

async function loadItems(db: Db, ids: number[]): Promise<Map<number, ReturnType<typeof itemFromRow>>> {
  const out = new Map<number, ReturnType<typeof itemFromRow>>();
  if (!ids.length) return out;
  const r = await db.query<ItemRow>(
    `SELECT ${ITEM_COLUMNS} FROM items i JOIN feeds f ON f.id = i.feed_id WHERE i.id = ANY($1::int[])`,
    [ids],
  );
  for (const row of r.rows) out.set(row.id, itemFromRow(row));
  return out;
}

async function countMatches(db: Db, tsquery: string | null, filters: (s: Sql) => string[]): Promise<number> {
  const sql = new Sql();
  const where = filters(sql);
  if (tsquery !== null) where.unshift(`i.search @@ ${sql.p(tsquery)}::tsquery`);
  const r = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM (SELECT 1 FROM items i ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
     LIMIT ${COUNT_CAP}) s`,
    sql.params,
  );
  return r.rows[0]?.n ?? 0;
}

async function page(
  db: Db,
  rows: Array<Candidate & { score?: number }>,
  limit: number,
  offset: number,
  parsed: ParsedQuery,
  /** Exact (capped) count, used when a date bound narrows the matches; else extrapolated. */
  count: (() => Promise<number>) | null,
): Promise<SearchResult> {
  let total = rows.length;
  let totalIsEstimate = false;
  const slice = rows.slice(offset, offset + limit);
  const itemsPromise = loadItems(
    db,
    slice.map((r) => r.id),
  );
  itemsPromise.catch(() => undefined); // awaited below
  if (rows.length >= CANDIDATES) {
    if (count) {
      total = await count();
      totalIsEstimate = total >= COUNT_CAP;
    } else {
      // As SQLite does: extrapolate from how densely the newest matches fill their id span,
      // instead of counting every match of a common term.
      let lo = Infinity;
      for (const r of rows) if (r.id < lo) lo = r.id;
      const maxId =
        (await db.query<{ n: number }>('SELECT coalesce(max(id), 0) AS n FROM items')).rows[0]?.n ?? 0;
      total = Math.max(rows.length, Math.round((rows.length / (maxId - lo + 1)) * maxId));
      totalIsEstimate = true;
    }
  }
  const items = await itemsPromise;
  const hits = slice.flatMap((r) => {
    const item = items.get(r.id);
    if (!item) return [];
    return [{ item, score: r.score ?? 0, snippet: buildSnippet(item.title, item.summary, parsed) }];
  });
  return { hits, total, totalIsEstimate };
}

async function listByDate(
  db: Db,
  filters: (s: Sql) => string[],
  limit: number,
  offset: number,
  parsed: ParsedQuery,
): Promise<SearchResult> {
  const sql = new Sql();
  const where = filters(sql);
  const cond = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const r = await db.query<ItemRow>(
    `SELECT ${ITEM_COLUMNS} FROM items i JOIN feeds f ON f.id = i.feed_id ${cond}
     ORDER BY i.published DESC, i.id DESC LIMIT ${sql.p(limit)} OFFSET ${sql.p(offset)}`,
    sql.params,
  );
  const count = await countMatches(db, null, filters);
  const hits = r.rows.map((row) => {
    const item = itemFromRow(row);
    return { item, score: 0, snippet: buildSnippet(item.title, item.summary, parsed) };
  });
  return { hits, total: count, totalIsEstimate: count >= COUNT_CAP };
}

/**
 * Lexeme → fraction of rows containing it, from ANALYZE's most_common_elems of items.search,
 * and the table's row estimate. Empty until the table has been analyzed (then every
 * frequency is counted exactly, which is what small archives and tests want).
 */
export async function loadCommonFrequencies(db: Db): Promise<{ freqs: Map<string, number>; rows: number }> {
  const r = await db.query<{ elems: string[] | null; freqs: number[] | null; rows: number | null }>(
    `SELECT s.most_common_elems::text::text[] AS elems, s.most_common_elem_freqs AS freqs,
            (SELECT greatest(reltuples, 0)::float8 FROM pg_class WHERE oid = 'items'::regclass) AS rows
     FROM (SELECT 1) one
     LEFT JOIN pg_stats s ON s.tablename = 'items' AND s.attname = 'search' AND s.schemaname = current_schema()`,
  );
  const freqs = new Map<string, number>();
  const row = r.rows[0];
  if (row?.elems && row.freqs) row.elems.forEach((e, k) => freqs.set(e, row.freqs![k] ?? 0));
  return { freqs, rows: row?.rows ?? 0 };
}
