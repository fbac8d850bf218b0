// SQLite search over long date windows and for rare terms, on an archive large enough that a
// window holds more than CANDIDATES matches: the hits are exactly those of ranking the newest
// CANDIDATES matches inside the window (what the plan promises, checked here by brute force
// over every stored item), and the total is an estimate close to the exact count instead of
// a count that reads every matching row.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredItem, TaggedItem } from '../../src/model.ts';
import { CANDIDATES, scoreCandidates, type TermHit } from '../../src/store/ranking.ts';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite/index.ts';

const DAY = 86_400_000;
const NEWEST = Date.parse('2026-06-30T12:00:00Z');
const ITEMS = 3_000;
/** Items every 0.25 day: 3,000 items over ~750 days, about 1,460 in the last year. */
const STEP = DAY / 4;

let dir: string;
let store: SqliteStore;
let all: StoredItem[] = [];

function item(i: number): TaggedItem {
  const published = new Date(NEWEST - (ITEMS - 1 - i) * STEP).toISOString();
  // Every item has "spectrum" and "auction" in its text; some in the title (which ranks higher).
  const titled = i % 7 === 0;
  const auctionTitled = i % 5 === 0;
  const rare = i % 500 === 3 ? ' zircotel' : '';
  return {
    guid: `g${i}`,
    title: `${titled ? 'Spectrum' : 'Regulator'} ${auctionTitled ? 'auction' : 'licence'} report ${i}`,
    url: `https://example.org/${i}`,
    author: null,
    summary: `The regulator discussed the spectrum auction and rural coverage${rare}.`,
    published,
    publishedEstimated: false,
    lang: 'en',
    themes: [],
    regions: [],
    why: {},
  };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'govwatch-search-window-'));
  store = openSqliteStore(join(dir, 'archive.db'));
  await store.upsertFeeds([
    {
      id: 'reg',
      name: 'Regulator',
      url: 'https://example.org/feed',
      kind: 'government',
      language: 'en',
      origin: 'operator',
    },
  ]);
  for (let i = 0; i < ITEMS; i += 500) {
    const batch = Array.from({ length: Math.min(500, ITEMS - i) }, (_, k) => item(i + k));
    const res = await store.addItems('reg', batch, { alertable: () => false });
    all.push(...res.added);
  }
  all = all.sort((a, b) => a.id - b.id);
}, 60_000);

afterAll(async () => {
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The plan's promise, by brute force: the newest CANDIDATES in-window matches, ranked. */
function expected(words: string[], since: string | null, until: string | null, limit = 10): number[] {
  const matches = all.filter(
    (it) =>
      words.every((w) => `${it.title} ${it.summary}`.toLowerCase().includes(w)) &&
      (!since || it.published >= since) &&
      (!until || it.published <= until),
  );
  const newest = matches.sort((a, b) => b.id - a.id).slice(0, CANDIDATES);
  const titles = new Map(newest.map((it) => [it.id, it.title.toLowerCase()]));
  const scored = scoreCandidates(
    newest.map((it) => ({ id: it.id, time: Date.parse(it.published) })),
    words.map(() => 1),
    (r) => {
      const title = titles.get(r.id)!;
      return (k): TermHit => (title.includes(words[k]!) ? 'title' : 'body');
    },
  );
  return scored.slice(0, limit).map((s) => s.id);
}

function exactCount(words: string[], since: string | null, until: string | null): number {
  return all.filter(
    (it) =>
      words.every((w) => `${it.title} ${it.summary}`.toLowerCase().includes(w)) &&
      (!since || it.published >= since) &&
      (!until || it.published <= until),
  ).length;
}

describe('SQLite search: long windows and rare terms', () => {
  const yearAgo = new Date(NEWEST - 365 * DAY).toISOString();
  const cases = [
    { name: 'one word, last 365 days', words: ['spectrum'], since: yearAgo, until: null },
    { name: 'two words, last 365 days', words: ['spectrum', 'auction'], since: yearAgo, until: null },
    {
      name: 'two words, a closed year in the past',
      words: ['spectrum', 'auction'],
      since: '2024-07-01T00:00:00.000Z',
      until: '2025-06-30T23:59:59.999Z',
    },
  ];

  it.each(cases)('$name: the ranked newest in-window matches, total estimated', async (c) => {
    const exact = exactCount(c.words, c.since, c.until);
    expect(exact).toBeGreaterThan(CANDIDATES); // the window is longer than the candidate bound
    const res = await store.search({
      text: c.words.join(' '),
      ...(c.since ? { since: c.since } : {}),
      ...(c.until ? { until: c.until } : {}),
      limit: 10,
    });
    expect(res.hits.map((h) => h.item.id)).toEqual(expected(c.words, c.since, c.until));
    for (const h of res.hits) {
      if (c.since) expect(h.item.published >= c.since).toBe(true);
      if (c.until) expect(h.item.published <= c.until).toBe(true);
    }
    expect(res.totalIsEstimate).toBe(true);
    expect(Math.abs(res.total - exact) / exact).toBeLessThan(0.15);
  });

  it('a rare term: every match ranked, the total exact', async () => {
    const res = await store.search({ text: 'zircotel', limit: 10 });
    expect(res.total).toBe(6);
    expect(res.totalIsEstimate).toBe(false);
    expect(res.hits.map((h) => h.item.id)).toEqual(expected(['zircotel'], null, null));
    const windowed = await store.search({ text: 'zircotel', since: yearAgo, limit: 10 });
    expect(windowed.total).toBe(exactCount(['zircotel'], yearAgo, null));
    expect(windowed.totalIsEstimate).toBe(false);
    expect(windowed.hits.map((h) => h.item.id)).toEqual(expected(['zircotel'], yearAgo, null));
  });
});
