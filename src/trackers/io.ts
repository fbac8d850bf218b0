// What a tracker may do to the outside world: GET a URL with the feed fetcher's rules
// (conditional request on the process's main URL, one deadline, a body cap, redirects,
// Retry-After, a per-host concurrency limit), and read the clock and the base URLs.
import { fetchFeed, type FetchFeedOptions } from '../ingest/fetch.ts';
import { htmlToText } from '../ingest/html-text.ts';
import type { TrackerFetchState } from './types.ts';

/** Base URLs of the sources (GOVWATCH_DATATRACKER_API_URL, …): tests and the demo point them at 127.0.0.1. */
export interface TrackerUrls {
  datatracker: string;
  untc: string;
  icann: string;
  eu: string;
}

export interface TrackerIO {
  /**
   * GET the process's main URL with its stored validators: null when the source answered
   * 304 Not Modified. The new validators are kept in `validators`.
   */
  main(url: string): Promise<string | null>;
  /** GET a secondary URL (state names, the shared last-call feed): never conditional. */
  get(url: string): Promise<string>;
  now: Date;
  urls: TrackerUrls;
}

/** A parsed page or answer no longer has the shape the tracker reads: shown as a tracker error. */
export class PageChangedError extends Error {
  constructor(what: string) {
    super(`page changed: ${what}`);
    this.name = 'PageChangedError';
  }
}

export interface IOHandle {
  io: TrackerIO;
  /** Validators and freshness of the last main() answer. */
  validators: { etag: string | null; lastModified: string | null; freshUntil: Date | null };
}

export function createTrackerIO(
  state: TrackerFetchState,
  urls: TrackerUrls,
  now: Date,
  fetchOpts: Omit<FetchFeedOptions, 'etag' | 'lastModified'>,
): IOHandle {
  const validators = { etag: state.etag, lastModified: state.lastModified, freshUntil: null as Date | null };
  const text = (body: Buffer): string => body.toString('utf8');
  return {
    validators,
    io: {
      now,
      urls,
      async main(url) {
        const r = await fetchFeed(url, { ...fetchOpts, etag: state.etag, lastModified: state.lastModified });
        validators.etag = r.etag ?? state.etag;
        validators.lastModified = r.lastModified ?? state.lastModified;
        validators.freshUntil = r.freshUntil;
        return r.status === 'not-modified' ? null : text(r.body);
      },
      async get(url) {
        const r = await fetchFeed(url, fetchOpts);
        if (r.status === 'not-modified') throw new Error(`fetch ${url}: unexpected 304`);
        return text(r.body);
      },
    },
  };
}

/** Parse JSON or say the answer changed shape. */
export function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new PageChangedError(`${what} is not JSON`);
  }
}

/** The rows of every HTML table, each cell as plain text. Defensive: tolerates missing end tags. */
export function htmlTables(html: string): string[][][] {
  const tables: string[][][] = [];
  for (const t of html.split(/<table\b/i).slice(1)) {
    const body = t.split(/<\/table\s*>/i)[0] ?? '';
    const rows: string[][] = [];
    for (const r of body.split(/<tr\b/i).slice(1)) {
      const cells = r
        .split(/<t[dh]\b/i)
        .slice(1)
        .map((c) => htmlToText(`<x${c}`.replace(/^<x[^>]*>/, '').split(/<\/t[dh]\s*>/i)[0] ?? ''));
      if (cells.length) rows.push(cells);
    }
    tables.push(rows);
  }
  return tables;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** `25 Oct 2025`, `October 25, 2025`, `2025-10-25` → `2025-10-25`; null if none. */
export function findDate(text: string): string | null {
  const iso = /(\d{4})-(\d{2})-(\d{2})/.exec(text);
  if (iso) return `${iso[1]}-${iso[2]}-${iso[3]}`;
  const dmy = /(\d{1,2})\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})/.exec(text);
  const mdy = /([A-Za-z]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4})/.exec(text);
  for (const [d, mon, y] of [
    dmy ? [dmy[1], dmy[2], dmy[3]] : null,
    mdy ? [mdy[2], mdy[1], mdy[3]] : null,
  ].filter((x): x is string[] => x !== null)) {
    const m = MONTHS.indexOf(mon!.slice(0, 3).toLowerCase());
    if (m >= 0) return `${y}-${String(m + 1).padStart(2, '0')}-${String(Number(d)).padStart(2, '0')}`;
  }
  return null;
}

/** Whole days from `from` to `to` (calendar dates, YYYY-MM-DD) plus `days`. */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
