// Full-text search on PostgreSQL, built to return what the SQLite adapter returns.
//
// The same steps as src/store/sqlite/search.ts, on the same tokens (search-index.ts):
//  1. candidates: the newest CANDIDATES items matching all terms (any term when none has
//     all), from the GIN index on `search` with `ORDER BY id DESC LIMIT`;
//  2. per ranked term: an IDF from its match count capped at DF_CAP, and whether it is in
//     each candidate's title (the title's lexemes carry weight A: `ts_filter(search,'{a}')`);
//  3. score = relevance (title hits count 1 + TITLE_BOOST) normalized, × the same recency.
// The constants, the score and the snippets come from ../ranking.ts, shared with SQLite, so
// both adapters give the same order; the contract and parity tests hold them to it.
import type pg from 'pg';
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
  type Dated,
} from '../ranking.ts';
import type { ParsedQuery, QueryTerm } from '../search-text.ts';
import type { SearchQuery, SearchResult } from '../types.ts';
import { itemFromRow, ITEM_COLUMNS, type ItemRow } from './rows.ts';
import { tagKey, tsqueryLiteral } from './search-index.ts';

export { CANDIDATES, COUNT_CAP, DF_CAP };
/** Document frequencies estimated at this many rows or more are not counted. */
const EXACT_BELOW = 1000;
/** An estimate this many times DF_CAP is taken as "at least DF_CAP" (sampling error is far smaller). */
const ESTIMATE_MARGIN = 1.5;

type Db = pg.Pool | pg.PoolClient;

interface Candidate {
  id: number;
  published: string;
  /** `published` in ms, set by newestRows (the shared ranking reads numbers). */
  time: number;
}

function withTime<R extends Candidate>(rows: R[]): R[] {
  for (const r of rows) r.time = Date.parse(r.published) || 0;
  return rows;
}

interface RankCandidate extends Candidate {
  /** t<k>: ranked term k is in the title; p<k> (OR mode): term k is in the item at all. */
  [flag: `t${number}` | `p${number}`]: boolean;
}

class Sql {
  readonly params: unknown[] = [];
  p(v: unknown): string {
    this.params.push(v);
    return `$${this.params.length}`;
  }
}

/** What ANALYZE knows about items (see loadColumnStats); empty before the first ANALYZE. */
export interface ColumnStats {
  /** Lexeme → share of items containing it (most common elements of `search`). */
  lexemes: Map<string, number>;
  /** Filter key → share of items having it (most common elements of `tags`). */
  tags: Map<string, number>;
  /** Row count estimate (pg_class.reltuples). */
  rows: number;
}

export interface SearchContext {
  db: Db;
  stats: ColumnStats;
}

/**
 * The newest matches are looked for in a window of the newest ids first, sized from the
 * statistics to hold about this many times CANDIDATES matches, then in windows four times
 * wider until enough are found. A lower id bound lets PostgreSQL intersect the GIN matches
 * with an id range (BitmapAnd) and read only the rows in the window; without it, it either
 * reads every match or walks the id index row by row.
 */
const WINDOW_SLACK = 1.5;

export async function searchItems(ctx: SearchContext, q: SearchQuery): Promise<SearchResult> {
  const plan = planSearch(q);
  if (!plan) return { hits: [], total: 0, totalIsEstimate: false };
  const { limit, offset, since, until, parsed } = plan;

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
  // Exact totals (capped at COUNT_CAP, as SQLite counts them) when a date bound narrows the
  // matches; free when the candidates step already collected every match.
  const countFor = (found: Newest<unknown>, tsquery: string | null) => async (): Promise<number> =>
    found.matches !== null ? Math.min(found.matches, COUNT_CAP) : countMatches(ctx.db, tsquery, filters);
  // The first window's width, from the estimated share of matching items. Unknown shares
  // (rare words, no statistics yet) and an upper date bound (matches away from the newest
  // ids) search the whole range at once.
  const filterShare = tagShare(ctx.stats, q);
  const maxId =
    (await ctx.db.query<{ n: number }>('SELECT coalesce(max(id), 0) AS n FROM items')).rows[0]?.n ?? 0;
  const window = (terms: QueryTerm[] | null, op: 'AND' | 'OR'): Window => {
    const share = textShare(ctx.stats, terms, op) * filterShare;
    const width = share > 0 && !until ? Math.ceil((WINDOW_SLACK * CANDIDATES) / share) : Infinity;
    return { maxId, width };
  };

  if (parsed.terms.length === 0) {
    if (!hasTagFilter) return listByDate(ctx.db, filters, limit, offset, parsed);
    const found = await candidates(ctx.db, null, filters, window(null, 'AND'));
    const rows = found.rows;
    rows.sort(newestFirst);
    return page(ctx.db, rows, limit, offset, parsed, hasDate ? countFor(found, null) : null);
  }

  // Matches and archive statistics are independent: fetch them side by side.
  const statsPromise = archiveStats(ctx, parsed.terms);
  statsPromise.catch(() => undefined); // awaited below; do not let an early throw go unhandled
  let op: 'AND' | 'OR' = 'AND';
  let found = await rankCandidates(ctx.db, parsed.terms, op, filters, window(parsed.terms, op));
  if (found.rows.length === 0 && parsed.terms.length > 1) {
    op = 'OR';
    found = await rankCandidates(ctx.db, parsed.terms, op, filters, window(parsed.terms, op));
  }
  const stats = await statsPromise;
  const scored = found.rows.length ? rank(stats, found.rows, parsed.terms, op) : [];
  return page(
    ctx.db,
    scored,
    limit,
    offset,
    parsed,
    hasDate ? countFor(found, tsqueryLiteral(parsed.terms, op)) : null,
  );
}

interface Window {
  maxId: number;
  /** Ids in the first window (Infinity: everything at once). */
  width: number;
}

/**
 * The newest CANDIDATES rows matching `conds`, searched window by window from the newest id
 * down (see WINDOW_SLACK). `select` is the list computed on the kept rows (CTE `cand`, alias c).
 */
interface Newest<R> {
  rows: R[];
  /** Every match of the query when the last step collected them all (an exact total), else null. */
  matches: number | null;
}

async function newestRows<R extends Candidate>(
  db: Db,
  conds: (sql: Sql) => string[],
  /** Columns of items (alias i) the select list reads besides id and published. */
  extra: string,
  select: (sql: Sql) => string,
  w: Window,
): Promise<Newest<R>> {
  const out: R[] = [];
  let hi = Infinity; // exclusive
  let width = w.width;
  for (;;) {
    const lo = Number.isFinite(width) ? w.maxId - width : 0; // exclusive
    const sql = new Sql();
    const where = conds(sql);
    if (lo > 0) where.push(`i.id > ${sql.p(lo)}`);
    if (Number.isFinite(hi)) where.push(`i.id <= ${sql.p(hi)}`);
    const cond = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const need = CANDIDATES - out.length;
    const more = extra ? `, ${extra}` : '';
    if (lo > 0) {
      const r = await db.query<R>(
        `WITH cand AS MATERIALIZED (SELECT i.id, i.published${more} FROM items i ${cond} ORDER BY i.id DESC LIMIT ${need})
         SELECT ${select(sql)} FROM cand c ORDER BY c.id DESC`,
        sql.params,
      );
      out.push(...withTime(r.rows));
      if (out.length >= CANDIDATES) return { rows: out, matches: null };
      hi = lo;
      width *= 4;
      continue;
    }
    // Over the whole remaining range, collect every match (index intersections) and sort:
    // left to itself the planner may walk the id index backwards through rows it does not
    // know are too new (it cannot tell that ids follow publication dates). Only ids are
    // collected; the kept rows are read again for the select list. The count comes free.
    const r = await db.query<R & { all_matches: number }>(
      `WITH m AS MATERIALIZED (SELECT i.id, i.published FROM items i ${cond}),
         kept AS (SELECT * FROM m ORDER BY id DESC LIMIT ${need}),
         cand AS (SELECT k.id, k.published${extra ? `, ${extra}` : ''} FROM kept k JOIN items i ON i.id = k.id)
       SELECT ${select(sql)}, (SELECT count(*) FROM m)::int AS all_matches FROM cand c ORDER BY c.id DESC`,
      sql.params,
    );
    const already = out.length;
    out.push(...withTime(r.rows));
    return { rows: out, matches: already + (r.rows[0]?.all_matches ?? 0) };
  }
}

async function candidates(
  db: Db,
  tsquery: string | null,
  filters: (s: Sql) => string[],
  w: Window,
): Promise<Newest<Candidate>> {
  return newestRows<Candidate>(
    db,
    (sql) => {
      const where = filters(sql);
      if (tsquery !== null) where.unshift(`i.search @@ ${sql.p(tsquery)}::tsquery`);
      return where;
    },
    '',
    () => 'c.id, c.published',
    w,
  );
}

/** Estimated share of items matching the text (1 for none; 0 when the statistics do not know). */
function textShare(stats: ColumnStats, terms: QueryTerm[] | null, op: 'AND' | 'OR'): number {
  if (!terms?.length) return 1;
  const share = (t: QueryTerm): number => {
    if (t.kind === 'word') return stats.lexemes.get(t.token) ?? 0;
    if (t.kind === 'phrase') return Math.min(...t.tokens.map((x) => stats.lexemes.get(x) ?? 0));
    let sum = 0;
    for (const [lexeme, f] of stats.lexemes) if (lexeme.startsWith(t.token)) sum += f;
    return Math.min(1, sum);
  };
  const shares = terms.map(share);
  if (op === 'OR')
    return Math.min(
      1,
      shares.reduce((a, b) => a + b, 0),
    );
  // Words of one query tend to occur together (one language, one topic): independence
  // (the product) underestimates; a quarter of the rarest word's share is a safer start.
  return Math.max(
    shares.reduce((a, b) => a * b, 1),
    Math.min(...shares) / 4,
  );
}

/** Estimated share of items passing the theme/region/source filters. */
function tagShare(stats: ColumnStats, q: SearchQuery): number {
  // A key missing from the most-common list is rarer than all of them: count it at half the
  // least common one (what the planner assumes too).
  let least = Infinity;
  for (const f of stats.tags.values()) least = Math.min(least, f);
  const unknown = Number.isFinite(least) ? least / 2 : 0;
  const group = (keys: string[] | undefined) =>
    keys?.length
      ? Math.min(
          1,
          keys.reduce((s, k) => s + (stats.tags.get(k) ?? unknown), 0),
        )
      : 1;
  return (
    group(q.themes?.map(tagKey.theme)) *
    group(q.regions?.map(tagKey.region)) *
    group(q.sources?.map(tagKey.source))
  );
}

/** Newest matches, with whether each ranked term is in the title (and, for OR, present). */
async function rankCandidates(
  db: Db,
  terms: QueryTerm[],
  op: 'AND' | 'OR',
  filters: (s: Sql) => string[],
  w: Window,
): Promise<Newest<RankCandidate>> {
  const ranked = terms.slice(0, RANKED_TERMS);
  return newestRows<RankCandidate>(
    db,
    (sql) => [`i.search @@ ${sql.p(tsqueryLiteral(terms, op))}::tsquery`, ...filters(sql)],
    'i.search',
    // Computed on the kept rows only. ts_filter(…, '{a}') keeps the title's lexemes (weight
    // A): a term matching it is in the title.
    (sql) =>
      'c.id, c.published' +
      ranked
        .map((t, k) => {
          const q = sql.p(tsqueryLiteral([t], 'AND'));
          const present = op === 'OR' ? `, c.search @@ ${q}::tsquery AS p${k}` : '';
          return `, ts_filter(c.search, '{a}') @@ ${q}::tsquery AS t${k}${present}`;
        })
        .join(''),
    w,
  );
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
async function archiveStats(ctx: SearchContext, terms: QueryTerm[]): Promise<ArchiveStats> {
  const ranked = terms.slice(0, RANKED_TERMS);
  const estimated = ranked.map((t) => {
    const e = t.kind === 'word' ? (ctx.stats.lexemes.get(t.token) ?? 0) * ctx.stats.rows : 0;
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

/** The shared score (../ranking.ts) from the title/presence flags of each candidate. */
function rank(
  stats: ArchiveStats,
  rows: RankCandidate[],
  terms: QueryTerm[],
  op: 'AND' | 'OR',
): Array<Dated & { score: number }> {
  const ranked = terms.slice(0, RANKED_TERMS);
  const idfs = ranked.map((_, k) => idf(stats.n, stats.df[k]!));
  return scoreCandidates(rows, idfs, (r) => (k) => {
    if (op === 'OR' && !r[`p${k}`]) return 'absent';
    return r[`t${k}`] ? 'title' : 'body';
  });
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
  rows: Array<Dated & { score?: number }>,
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
      const maxId =
        (await db.query<{ n: number }>('SELECT coalesce(max(id), 0) AS n FROM items')).rows[0]?.n ?? 0;
      total = estimateTotal(rows, maxId);
      totalIsEstimate = true;
    }
  }
  const items = await itemsPromise;
  const hits = slice.flatMap((r) => {
    const item = items.get(r.id);
    if (!item) return [];
    return [searchHit(item, r.score ?? 0, parsed)];
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
  const hits = r.rows.map((row) => searchHit(itemFromRow(row), 0, parsed));
  return { hits, total: count, totalIsEstimate: count >= COUNT_CAP };
}

/** Read what ANALYZE recorded about items.search and items.tags (cheap: two pg_stats rows). */
export async function loadColumnStats(db: Db): Promise<ColumnStats> {
  const r = await db.query<{
    attname: string | null;
    elems: string[] | null;
    freqs: number[] | null;
    rows: number;
  }>(
    `SELECT s.attname, s.most_common_elems::text::text[] AS elems, s.most_common_elem_freqs AS freqs,
            (SELECT greatest(reltuples, 0)::float8 FROM pg_class WHERE oid = 'items'::regclass) AS rows
     FROM (SELECT 1) one
     LEFT JOIN pg_stats s ON s.tablename = 'items' AND s.attname IN ('search', 'tags')
       AND s.schemaname = current_schema()`,
  );
  const stats: ColumnStats = { lexemes: new Map(), tags: new Map(), rows: r.rows[0]?.rows ?? 0 };
  for (const row of r.rows) {
    const into = row.attname === 'search' ? stats.lexemes : row.attname === 'tags' ? stats.tags : null;
    if (into && row.elems && row.freqs) row.elems.forEach((e, k) => into.set(e, row.freqs![k] ?? 0));
  }
  return stats;
}
