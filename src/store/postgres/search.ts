// Full-text search on PostgreSQL, built to return what the SQLite adapter returns.
//
// The same steps as src/store/sqlite/search.ts: parse the query with the shared tokenizer;
// take the newest CANDIDATES items matching all terms (any term when none has all), using
// the GIN index on `search` and `ORDER BY id DESC LIMIT`; rank those with bm25 exactly as
// FTS5 computes it (k1 1.2, b 0.75, title weight 4, summary 1, archive-wide document
// frequencies and average row length) times the same recency factor. PostgreSQL supplies
// the matches and the term positions; the arithmetic is done here, so the two adapters
// agree to the last digit on the same data. Snippets come from the shared buildSnippet.
import type pg from 'pg';
import { UserError } from '../../model.ts';
import { buildSnippet, parseQuery, type ParsedQuery, type QueryTerm } from '../search-text.ts';
import type { SearchQuery, SearchResult } from '../types.ts';
import { itemFromRow, ITEM_COLUMNS, type ItemRow } from './rows.ts';
import { tagKey, termLexemes, tsqueryLiteral } from './search-index.ts';

/** How many newest matches are ranked (as in the SQLite adapter). */
export const CANDIDATES = 1000;
/** Beyond this, totals are reported as an estimate. */
export const COUNT_CAP = 10_000;
/**
 * Document frequencies are counted exactly up to here; above it (common words in a large
 * archive) they come from PostgreSQL's column statistics, else this value is used.
 */
export const DF_CAP = 5_000;
const K1 = 1.2;
const B = 0.75;
const TITLE_WEIGHT = 4;
const SUMMARY_WEIGHT = 1;
const HALF_LIFE_DAYS = 180;

type Db = pg.Pool | pg.PoolClient;

interface Candidate {
  id: number;
  published: string;
}

interface RankCandidate extends Candidate {
  doc_len: number;
  /** [lexeme, positions, weights] of the query's lexemes in this item. */
  lex: Array<[string, number[], string[]]>;
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
  /** Common-lexeme frequencies from pg_stats, refreshed now and then (see commonFrequencies). */
  commonFrequencies(): Promise<Map<string, number>>;
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

  if (parsed.terms.length === 0) {
    if (!hasTagFilter) return listByDate(ctx.db, filters, limit, offset, parsed);
    const rows = await candidates(ctx.db, null, filters);
    rows.sort((a, b) => (a.published < b.published ? 1 : a.published > b.published ? -1 : b.id - a.id));
    return page(ctx.db, rows, limit, offset, parsed, null, filters);
  }

  let op: 'AND' | 'OR' = 'AND';
  let rows = await rankCandidates(ctx.db, parsed.terms, op, filters);
  if (rows.length === 0 && parsed.terms.length > 1) {
    op = 'OR';
    rows = await rankCandidates(ctx.db, parsed.terms, op, filters);
  }
  const scored = rows.length ? await rank(ctx, rows, parsed.terms) : [];
  return page(ctx.db, scored, limit, offset, parsed, tsqueryLiteral(parsed.terms, op), filters);
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

/** Newest matches with what bm25 needs: row length and the query lexemes' positions. */
async function rankCandidates(
  db: Db,
  terms: QueryTerm[],
  op: 'AND' | 'OR',
  filters: (s: Sql) => string[],
): Promise<RankCandidate[]> {
  const sql = new Sql();
  const where = [`i.search @@ ${sql.p(tsqueryLiteral(terms, op))}::tsquery`, ...filters(sql)];
  const { exact, prefixes } = termLexemes(terms);
  const r = await db.query<RankCandidate>(
    `WITH cand AS MATERIALIZED (
       SELECT i.id, i.published, i.doc_len, i.search FROM items i WHERE ${where.join(' AND ')}
       ORDER BY i.id DESC LIMIT ${CANDIDATES})
     SELECT c.id, c.published, c.doc_len,
       (SELECT coalesce(json_agg(json_build_array(u.lexeme, u.positions, u.weights)), '[]'::json)
          FROM unnest(c.search) u
          WHERE u.lexeme = ANY(${sql.p(exact)}::text[]) OR u.lexeme ^@ ANY(${sql.p(prefixes)}::text[])) AS lex
     FROM cand c ORDER BY c.id DESC`,
    sql.params,
  );
  return r.rows;
}

interface ArchiveStats {
  rows: number;
  tokens: number;
  df: number[];
}

async function archiveStats(ctx: SearchContext, terms: QueryTerm[]): Promise<ArchiveStats> {
  const sql = new Sql();
  const cap = sql.p(DF_CAP);
  const counts = terms.map(
    (t, k) =>
      `(SELECT count(*) FROM (SELECT 1 FROM items WHERE search @@ ${sql.p(tsqueryLiteral([t], 'AND'))}::tsquery
         LIMIT ${cap}) s)::int AS d${k}`,
  );
  const r = await ctx.db.query<Record<string, number>>(
    `SELECT (SELECT coalesce(sum(item_count), 0) FROM feeds)::float8 AS n,
            (SELECT coalesce(sum(token_count), 0) FROM feeds)::float8 AS t, ${counts.join(', ')}`,
    sql.params,
  );
  const row = r.rows[0] ?? {};
  const rows = row.n ?? 0;
  const df = terms.map((_, k) => row[`d${k}`] ?? 0);
  if (df.some((d) => d >= DF_CAP)) {
    const common = await ctx.commonFrequencies();
    terms.forEach((t, k) => {
      if (df[k]! < DF_CAP || t.kind !== 'word') return;
      const freq = common.get(t.token);
      if (freq !== undefined) df[k] = Math.max(DF_CAP, Math.round(freq * rows));
    });
  }
  return { rows, tokens: row.t ?? 0, df };
}

/** Instances of each term in one item, weighted by field (FTS5's aFreq). */
function termFrequencies(c: RankCandidate, terms: QueryTerm[]): number[] {
  const lex = new Map<string, Array<{ pos: number; w: number }>>();
  for (const [lexeme, positions, weights] of c.lex) {
    lex.set(
      lexeme,
      positions.map((pos, k) => ({ pos, w: weights[k] === 'A' ? TITLE_WEIGHT : SUMMARY_WEIGHT })),
    );
  }
  return terms.map((t) => {
    if (t.kind === 'word') return (lex.get(t.token) ?? []).reduce((s, x) => s + x.w, 0);
    if (t.kind === 'prefix') {
      let f = 0;
      for (const [lexeme, hits] of lex) if (lexeme.startsWith(t.token)) for (const h of hits) f += h.w;
      return f;
    }
    const [first, ...rest] = t.tokens.map((tok) => lex.get(tok) ?? []);
    const restSets = rest.map((hits) => new Set(hits.map((h) => h.pos)));
    let f = 0;
    for (const h of first ?? []) if (restSets.every((set, k) => set.has(h.pos + k + 1))) f += h.w;
    return f;
  });
}

async function rank(
  ctx: SearchContext,
  rows: RankCandidate[],
  terms: QueryTerm[],
): Promise<Array<Candidate & { score: number }>> {
  const stats = await archiveStats(ctx, terms);
  const nRow = Math.max(1, stats.rows);
  const avgdl = stats.tokens / nRow || 1;
  const idf = stats.df.map((nHit) => {
    const v = Math.log((nRow - nHit + 0.5) / (nHit + 0.5));
    return v <= 0 ? 1e-6 : v;
  });
  let newest = 0;
  for (const r of rows) newest = Math.max(newest, Date.parse(r.published) || 0);
  const scored = rows.map((r) => {
    const freq = termFrequencies(r, terms);
    let bm = 0;
    freq.forEach((f, i) => {
      bm += idf[i]! * ((f * (K1 + 1)) / (f + K1 * (1 - B + (B * r.doc_len) / avgdl)));
    });
    const ageDays = Math.max(0, (newest - (Date.parse(r.published) || 0)) / 86_400_000);
    const recency = 0.6 + 0.4 * Math.pow(2, -ageDays / HALF_LIFE_DAYS);
    return { id: r.id, published: r.published, score: bm * recency };
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
  tsquery: string | null,
  filters: (s: Sql) => string[],
): Promise<SearchResult> {
  let total = rows.length;
  let totalIsEstimate = false;
  if (rows.length >= CANDIDATES) {
    total = await countMatches(db, tsquery, filters);
    totalIsEstimate = total >= COUNT_CAP;
  }
  const slice = rows.slice(offset, offset + limit);
  const items = await loadItems(
    db,
    slice.map((r) => r.id),
  );
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

/** Lexeme → fraction of rows containing it, from ANALYZE's most_common_elems of items.search. */
export async function loadCommonFrequencies(db: Db): Promise<Map<string, number>> {
  const r = await db.query<{ elems: string[] | null; freqs: number[] | null }>(
    `SELECT most_common_elems::text::text[] AS elems, most_common_elem_freqs AS freqs
     FROM pg_stats WHERE tablename = 'items' AND attname = 'search' AND schemaname = current_schema()`,
  );
  const out = new Map<string, number>();
  const row = r.rows[0];
  if (row?.elems && row.freqs) row.elems.forEach((e, k) => out.set(e, row.freqs![k] ?? 0));
  return out;
}
