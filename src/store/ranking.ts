// Search ranking shared by the archive adapters: the constants, the query bounds and the
// score. Each adapter finds candidates and term hits its own way (FTS5, tsvector); what
// they do with them is defined once here, so both give the same order and cannot drift.
import type { StoredItem } from '../model.ts';
import { UserError } from '../model.ts';
import { buildSnippet, parseQuery, type ParsedQuery } from './search-text.ts';
import type { SearchHit, SearchQuery } from './types.ts';

/** How many newest matches are ranked. */
export const CANDIDATES = 1000;
/** Beyond this, totals are reported as an estimate. */
export const COUNT_CAP = 10_000;
/** Document frequencies above this count as "very common" (IDF floor). */
export const DF_CAP = 5_000;
/** A term in the title counts this much more than one only in the body. */
export const TITLE_BOOST = 2;
/** Terms checked for title hits and weights (the rest still have to match). */
export const RANKED_TERMS = 8;
/** Recency: an item this many days older than the newest candidate keeps 80% of its weight. */
export const HALF_LIFE_DAYS = 180;

function parseBound(value: string | undefined, name: string): string | null {
  if (value === undefined || value === '') return null;
  const d = new Date(value);
  if (Number.isNaN(d.getTime()))
    throw new UserError('bad_date', `${name} is not a date: ${value.slice(0, 40)}`);
  return d.toISOString();
}

/** A search query with its page and date bounds normalized and its text parsed. */
export interface SearchPlan {
  limit: number;
  offset: number;
  since: string | null;
  until: string | null;
  parsed: ParsedQuery;
}

/** The plan of a search, or null when it cannot return anything. */
export function planSearch(q: SearchQuery): SearchPlan | null {
  const limit = Math.max(1, Math.min(100, Math.floor(q.limit ?? 10) || 10));
  const offset = Math.max(0, Math.floor(q.offset ?? 0) || 0);
  const since = parseBound(q.since, 'since');
  const until = parseBound(q.until, 'until');
  const text = typeof q.text === 'string' ? q.text : '';
  const parsed = parseQuery(text);
  if (text.trim() !== '' && parsed.terms.length === 0) return null;
  if (offset >= CANDIDATES) return null;
  return { limit, offset, since, until, parsed };
}

/** Inverse document frequency of a term found in `df` of `n` items. */
export function idf(n: number, df: number): number {
  return Math.log(1 + (n - df + 0.5) / (df + 0.5));
}

/** Where a ranked term occurs in one candidate. */
export type TermHit = 'absent' | 'body' | 'title';

/** A candidate's id and publication time (ms since the epoch, as the adapters store it). */
export interface Dated {
  id: number;
  time: number;
}

/**
 * Σ idf × (title ? 1 + TITLE_BOOST : 1) over the ranked terms, normalized, × recency (older
 * items keep at least 60% of their weight); best first, newer id first on ties.
 * `hitsOf(row)` tells where ranked term k occurs in that row.
 */
export function scoreCandidates<R extends Dated>(
  rows: R[],
  idfs: number[],
  hitsOf: (row: R) => (k: number) => TermHit,
): Array<Dated & { score: number }> {
  const best = idfs.reduce((sum, w) => sum + w * (1 + TITLE_BOOST), 0) || 1;
  let newest = 0;
  for (const r of rows) if (r.time > newest) newest = r.time;
  const scored = rows.map((r) => {
    const hit = hitsOf(r);
    let rel = 0;
    for (let k = 0; k < idfs.length; k++) {
      const h = hit(k);
      if (h === 'absent') continue;
      rel += idfs[k]! * (h === 'title' ? 1 + TITLE_BOOST : 1);
    }
    const ageDays = Math.max(0, (newest - (r.time || 0)) / 86_400_000);
    const recency = 0.6 + 0.4 * Math.pow(2, -ageDays / HALF_LIFE_DAYS);
    return { id: r.id, time: r.time, score: (rel / best) * recency };
  });
  scored.sort((a, b) => b.score - a.score || b.id - a.id);
  return scored;
}

/** Sort order of unranked results: newest publication first, newer id first on ties. */
export function newestFirst(a: Dated, b: Dated): number {
  return b.time - a.time || b.id - a.id;
}

/**
 * Total matches extrapolated from how densely the newest CANDIDATES matches fill their id
 * span: counting every match of a common term is the very cost the candidate step avoids.
 */
export function estimateTotal(rows: Array<{ id: number }>, maxId: number): number {
  let lo = Infinity;
  for (const r of rows) if (r.id < lo) lo = r.id;
  return Math.max(rows.length, Math.round((rows.length / (maxId - lo + 1)) * maxId));
}

/** One search hit, with its snippet. */
export function searchHit(item: StoredItem, score: number, parsed: ParsedQuery): SearchHit {
  return { item, score, snippet: buildSnippet(item.title, item.summary, parsed) };
}
