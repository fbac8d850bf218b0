// Trend chart counts at archive scale: buildTrend (one indexed GROUP BY in the store, then
// bucketing a few hundred rows) against loading the period's matching rows and counting them
// in JS, on the same archive in the same run. SQLite always; PostgreSQL with --pg (the archive
// is copied there once, into a database `govwatch_trends_bench_<n>` on the server named by
// GOVWATCH_BENCH_DATABASE_URL / GOVWATCH_TEST_DATABASE_URL / DATABASE_URL, kept for later runs;
// drop it by hand when done).
//
//   npm run bench -- trends [--pg] [--quick]
//   npx tsx bench/trends-bench.ts [--pg] [--quick] [--items N]
//
// The archive is search-bench's corpus (1M items over five years, 15 themes, 0–2 themes and
// regions per item), built once into bench/.cache/ (see archive-cache.ts).
import type Database from 'better-sqlite3';
import { cpus, loadavg } from 'node:os';
import pg from 'pg';
import type { ThemeId } from '../src/model.ts';
import { copyStore } from '../src/store/copy.ts';
import { openPostgresStoreImpl } from '../src/store/postgres/index.ts';
import { openSqliteStore } from '../src/store/sqlite/index.ts';
import type { Store } from '../src/store/types.ts';
import { buildTrend, MAX_SERIES, type TrendOptions } from '../src/trends/series.ts';
import { cachedArchive } from './archive-cache.ts';
import type { BenchReport } from './lib.ts';
import { f1, latencySummary, runWhenMain } from './lib.ts';

const NAME = 'trends-bench: chart counts (one indexed GROUP BY) vs loading rows and counting in JS';
const DAY = 86_400_000;
/** The corpus ends here (search-bench: 2021-01-01 plus five years). */
const NOW = new Date(Date.UTC(2021, 0, 1) + 5 * 365 * DAY);

interface Case {
  label: string;
  opts: TrendOptions;
}

const SIX: ThemeId[] = ['censorship', 'surveillance', 'encryption', 'shutdowns', 'privacy', 'platforms'];

const CASES: Case[] = [
  {
    label: '90d by week, 6 named themes',
    opts: { themes: SIX, periodDays: 90, by: 'week', now: NOW },
  },
  {
    label: '90d by week, all themes (top 6 + other)',
    opts: { periodDays: 90, by: 'week', now: NOW },
  },
  {
    label: '90d by week, censorship per region',
    opts: { themes: ['censorship'], periodDays: 90, by: 'week', now: NOW },
  },
];

/** The baseline's rows: every item published in the period, with what the filter and split need. */
interface Row {
  published: string;
  themes: string[];
  regions: string[];
  feed_id: string;
}

/** What buildTrend computes, done the plain way: over rows already loaded. */
function countInJs(rows: Row[], c: TrendOptions): Map<string, number[]> {
  const themes = c.themes ?? [];
  const regions = c.regions ?? [];
  const split: 'theme' | 'region' = themes.length && !regions.length ? 'region' : 'theme';
  const today = Date.UTC(c.now.getUTCFullYear(), c.now.getUTCMonth(), c.now.getUTCDate());
  let start = today - (c.periodDays - 1) * DAY;
  const monday = (ms: number) => ms - ((new Date(ms).getUTCDay() + 6) % 7) * DAY;
  if (c.by === 'week') start = monday(start);
  const step = c.by === 'week' ? 7 * DAY : DAY;
  const buckets = Math.ceil((today + DAY - start) / step);
  const lines = new Map<string, number[]>();
  for (const r of rows) {
    if (themes.length && split === 'theme' && !r.themes.some((t) => themes.includes(t as ThemeId))) continue;
    if (themes.length && split === 'region' && !r.themes.some((t) => themes.includes(t as ThemeId))) continue;
    if (regions.length && !r.regions.some((x) => regions.includes(x))) continue;
    const day = Date.parse(`${r.published.slice(0, 10)}T00:00:00Z`);
    const i = Math.floor((day - start) / step);
    if (i < 0 || i >= buckets) continue;
    const names =
      split === 'theme' ? r.themes.filter((t) => !themes.length || themes.includes(t as ThemeId)) : r.regions;
    for (const name of names) {
      const v = lines.get(name) ?? new Array<number>(buckets).fill(0);
      v[i]! += 1;
      lines.set(name, v);
    }
  }
  // Top six by total, the rest as "other", as the chart shows them.
  const ranked = [...lines].sort((a, b) => sum(b[1]) - sum(a[1]) || a[0].localeCompare(b[0]));
  const out = new Map(ranked.slice(0, MAX_SERIES));
  if (ranked.length > MAX_SERIES)
    out.set(
      'other',
      new Array(buckets).fill(0).map((_, i) => ranked.slice(MAX_SERIES).reduce((s, [, v]) => s + v[i]!, 0)),
    );
  return out;
}

const sum = (v: number[]) => v.reduce((a, b) => a + b, 0);

function periodBounds(c: TrendOptions): { since: string; until: string } {
  const today = Date.UTC(c.now.getUTCFullYear(), c.now.getUTCMonth(), c.now.getUTCDate());
  let start = today - (c.periodDays - 1) * DAY;
  if (c.by === 'week') start -= ((new Date(start).getUTCDay() + 6) % 7) * DAY;
  return { since: new Date(start).toISOString(), until: new Date(today + DAY).toISOString() };
}

async function timeRuns<T>(runs: number, f: () => Promise<T>): Promise<{ ms: number[]; last: T }> {
  const ms: number[] = [];
  let last!: T;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    last = await f();
    ms.push(performance.now() - t);
  }
  return { ms, last };
}

/** The same numbers from both ways, or a note of where they differ. */
function agree(trend: Awaited<ReturnType<typeof buildTrend>>, js: Map<string, number[]>): string {
  if (trend.series.length !== js.size) return `DIFFER (${trend.series.length} vs ${js.size} lines)`;
  for (const s of trend.series) {
    const v = js.get(s.name);
    if (!v || v.join() !== s.values.join()) return `DIFFER on ${s.name}`;
  }
  return 'same counts';
}

async function measure(
  label: string,
  store: Store,
  loadRows: (since: string, until: string) => Promise<Row[]>,
  runs: number,
  lines: string[],
): Promise<void> {
  lines.push(`${label}: p50 / p95 over ${runs} runs each, ms`);
  for (const c of CASES) {
    // Warm both paths (page cache, prepared statements) before measuring.
    await buildTrend(store, c.opts);
    const { since, until } = periodBounds(c.opts);
    await loadRows(since, until);
    const fast = await timeRuns(runs, () => buildTrend(store, c.opts));
    const slow = await timeRuns(Math.max(5, Math.floor(runs / 4)), async () => {
      const rows = await loadRows(since, until);
      return { rows: rows.length, counts: countInJs(rows, c.opts) };
    });
    const a = latencySummary(fast.ms);
    const b = latencySummary(slow.ms);
    const target = c.label.startsWith('90d by week, 6 named')
      ? ` (target p95 < 100 ms: ${a.p95 < 100 ? 'met' : 'NOT met'})`
      : '';
    lines.push(
      `  ${c.label.padEnd(42)} store ${f1(a.p50).padStart(6)} / ${f1(a.p95).padStart(6)}   load ${slow.last.rows.toLocaleString('en')} rows + count in JS ${f1(b.p50).padStart(7)} / ${f1(b.p95).padStart(7)}   JS ÷ store: ${(b.p50 / a.p50).toFixed(1)}x at p50, ${(b.p95 / a.p95).toFixed(1)}x at p95; ${agree(fast.last, slow.last.counts)}${target}`,
    );
  }
}

function sqliteRows(db: Database.Database) {
  const stmt = db.prepare(
    'SELECT published, themes, regions, feed_id FROM items WHERE published >= ? AND published < ?',
  );
  return async (since: string, until: string): Promise<Row[]> =>
    (
      stmt.all(since, until) as Array<{ published: string; themes: string; regions: string; feed_id: string }>
    ).map((r) => ({
      ...r,
      themes: JSON.parse(r.themes) as string[],
      regions: JSON.parse(r.regions) as string[],
    }));
}

function databaseUrl(): string | undefined {
  return (
    process.env.GOVWATCH_BENCH_DATABASE_URL ||
    process.env.GOVWATCH_TEST_DATABASE_URL ||
    process.env.DATABASE_URL
  );
}

/** A PostgreSQL database holding the cached archive: made by `db copy` once, reused after. */
async function pgArchive(
  base: string,
  sqlitePath: string,
  n: number,
  log: (l: string) => void,
): Promise<string> {
  const dbName = `govwatch_trends_bench_${n}`;
  const url = Object.assign(new URL(base), { pathname: `/${dbName}` }).toString();
  const admin = new pg.Client({ connectionString: base });
  admin.on('error', (err) => log(`admin connection: ${err.message}`));
  await admin.connect();
  try {
    const exists = (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [dbName])).rowCount;
    if (exists) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      const count = await client
        .query<{ n: string }>('SELECT count(*) AS n FROM items')
        .then((r) => Number(r.rows[0]!.n))
        .catch(() => -1);
      await client.end();
      if (count === n) return url;
      await admin.query(`DROP DATABASE ${dbName} WITH (FORCE)`);
    }
    await admin.query(`CREATE DATABASE ${dbName}`);
  } finally {
    await admin.end();
  }
  let last = 0;
  await copyStore(sqlitePath, url, {
    batchSize: 2000,
    onProgress: (done, total) => {
      if (done - last >= 100_000 || done === total) {
        last = done;
        log(`copy to PostgreSQL: ${done}/${total}`);
      }
    },
  });
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  // Fresh tables: statistics and the visibility map, so the planner can use index-only scans.
  await client.query('VACUUM ANALYZE items');
  await client.end();
  return url;
}

export async function run(opts: {
  quick: boolean;
  items?: number;
  argv?: string[];
  log?: (line: string) => void;
}): Promise<BenchReport> {
  const n = opts.items ?? (opts.quick ? 100_000 : 1_000_000);
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const runs = opts.quick ? 40 : 200;
  const lines: string[] = [];
  const path = await cachedArchive(n, log);
  lines.push(
    `items: ${n.toLocaleString('en')} (search-bench's corpus over five years, cached in bench/.cache/); host: ${cpus().length} cores, load ${loadavg()[0]!.toFixed(1)}`,
  );
  const sqlite = openSqliteStore(path, { create: false });
  try {
    await measure('SQLite', sqlite, sqliteRows(sqlite.db), runs, lines);
  } finally {
    await sqlite.close();
  }
  if (opts.argv?.includes('--pg')) {
    const base = databaseUrl();
    if (!base) lines.push('PostgreSQL: skipped (set GOVWATCH_TEST_DATABASE_URL or DATABASE_URL)');
    else {
      const url = await pgArchive(base, path, n, log);
      const store = await openPostgresStoreImpl(url);
      const pool = new pg.Pool({ connectionString: url, max: 1 });
      try {
        const loadRows = async (since: string, until: string): Promise<Row[]> =>
          (
            await pool.query<Row>(
              'SELECT published, themes, regions, feed_id FROM items WHERE published >= $1 AND published < $2',
              [since, until],
            )
          ).rows;
        await measure('PostgreSQL', store, loadRows, runs, lines);
      } finally {
        await pool.end();
        await store.close();
      }
    }
  }
  return { name: NAME, lines };
}

await runWhenMain(import.meta.url, (args) => run({ ...args, argv: process.argv.slice(2) }));
