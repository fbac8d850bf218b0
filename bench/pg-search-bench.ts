// PostgreSQL archive benchmark: the same synthetic archive as bench/search-bench.ts is built
// in SQLite, moved into PostgreSQL with `copyStore` (timed: that is `govwatch db copy`), and
// the same queries are run against both adapters in the same run. Reports search latency
// percentiles on PostgreSQL against the SQLite figure, how often the two return the same
// top-10, the copy time, and the ingest rate of PostgreSQL's addItems.
//
//   GOVWATCH_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test \
//     npx tsx bench/pg-search-bench.ts [--quick] [--items N]
//
// A database of its own is created on that server and dropped at the end.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { TaggedItem } from '../src/model.ts';
import { copyStore } from '../src/store/copy.ts';
import { openPostgresStoreImpl } from '../src/store/postgres/index.ts';
import { openSqliteStore } from '../src/store/sqlite/index.ts';
import type { Store } from '../src/store/types.ts';
import { BENCH_FEEDS, benchItem, benchQueries, mulberry32 } from './search-bench.ts';
import type { BenchReport } from './lib.ts';
import { f1, latencySummary, runWhenMain } from './lib.ts';

const NAME = 'pg-search-bench: PostgreSQL archive search vs SQLite, db copy';

function databaseUrl(): string | undefined {
  return (
    process.env.GOVWATCH_BENCH_DATABASE_URL ||
    process.env.GOVWATCH_TEST_DATABASE_URL ||
    process.env.DATABASE_URL
  );
}

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t = performance.now();
  const value = await fn();
  return { ms: performance.now() - t, value };
}

export async function run(opts: {
  quick: boolean;
  items?: number;
  log?: (line: string) => void;
}): Promise<BenchReport> {
  const base = databaseUrl();
  if (!base) {
    return {
      name: NAME,
      lines: ['skipped: set GOVWATCH_TEST_DATABASE_URL (or DATABASE_URL) to a PostgreSQL server to run it'],
    };
  }
  const n = opts.items ?? (opts.quick ? 50_000 : 1_000_000);
  const log = opts.log ?? (() => {});
  const lines: string[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'govwatch-pg-bench-'));
  const sqlitePath = join(dir, 'archive.db');
  const dbName = `govwatch_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  // An idle admin connection dropped by the server must not crash the run.
  admin.on('error', (err) => log(`admin connection: ${err.message}`));
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  const url = Object.assign(new URL(base), { pathname: `/${dbName}` }).toString();
  let sqlite: Store | null = null;
  let postgres: Store | null = null;
  try {
    // 1. The SQLite archive, exactly as search-bench builds it.
    const seeding = openSqliteStore(sqlitePath);
    await seeding.upsertFeeds(BENCH_FEEDS);
    const rand = mulberry32(20240601);
    for (let i = 0; i < n; i += 500) {
      const feed = BENCH_FEEDS[Math.floor(rand() * BENCH_FEEDS.length)]!;
      const items: TaggedItem[] = [];
      for (let k = i; k < Math.min(n, i + 500); k++) items.push(benchItem(rand, k, n, feed));
      await seeding.addItems(feed.id, items, { alertable: () => false });
      if ((i / 500) % 200 === 0) log(`sqlite: ${i + items.length} items`);
    }
    await seeding.close();

    // 2. govwatch db copy into PostgreSQL.
    let lastLog = 0;
    const copy = await timed(() =>
      copyStore(sqlitePath, url, {
        batchSize: 1000,
        onProgress: (done, total) => {
          if (done - lastLog >= 50_000 || done === total) {
            lastLog = done;
            log(`copy: ${done}/${total}`);
          }
        },
      }),
    );
    lines.push(
      `items: ${n.toLocaleString('en')} (search-bench's corpus: en 60% / ru 20% / zh 20%, 200 feeds)`,
    );
    lines.push(
      `db copy SQLite → PostgreSQL: ${(copy.ms / 1000).toFixed(1)} s for ${copy.value.counts.items.target.toLocaleString(
        'en',
      )} items (${Math.round(n / (copy.ms / 1000)).toLocaleString('en')} items/s), counts ${
        Object.values(copy.value.counts).every((c) => c.source === c.target) ? 'match' : 'DIFFER'
      }`,
    );

    sqlite = openSqliteStore(sqlitePath);
    postgres = await openPostgresStoreImpl(url);

    // 3. The same queries on both, alternating which goes first.
    const queries = benchQueries();
    for (const q of queries.slice(0, 20)) {
      await postgres.search(q.query);
      await sqlite.search(q.query);
    }
    const onPg: number[] = [];
    const onSqlite: number[] = [];
    const byKind = new Map<string, { pg: number[]; sqlite: number[] }>();
    let sameTop = 0;
    let overlap = 0;
    for (const [i, q] of queries.entries()) {
      const runPg = () => timed(() => postgres!.search(q.query));
      const runSqlite = () => timed(() => sqlite!.search(q.query));
      const [a, b] =
        i % 2 ? [await runPg(), await runSqlite()] : [await runPg(), await runSqlite()].reverse();
      const [p, s] = i % 2 ? [a!, b!] : [b!, a!];
      onPg.push(p.ms);
      onSqlite.push(s.ms);
      const k = byKind.get(q.kind) ?? { pg: [], sqlite: [] };
      k.pg.push(p.ms);
      k.sqlite.push(s.ms);
      byKind.set(q.kind, k);
      const pIds = p.value.hits.map((h) => h.item.id);
      const sIds = s.value.hits.map((h) => h.item.id);
      if (pIds.join() === sIds.join()) sameTop += 1;
      overlap += sIds.length ? pIds.filter((id) => sIds.includes(id)).length / sIds.length : 1;
    }
    const sp = latencySummary(onPg);
    const ss = latencySummary(onSqlite);
    lines.push(
      `queries: ${queries.length} (search-bench's set: common/rare/multiword English, Russian, Chinese, filters)`,
    );
    lines.push(
      `PostgreSQL search: p50 ${f1(sp.p50)} ms  p95 ${f1(sp.p95)} ms  p99 ${f1(sp.p99)} ms  max ${f1(sp.max)} ms`,
    );
    lines.push(
      `SQLite search:     p50 ${f1(ss.p50)} ms  p95 ${f1(ss.p95)} ms  p99 ${f1(ss.p99)} ms  max ${f1(ss.max)} ms`,
    );
    lines.push(
      `ratio PostgreSQL/SQLite: p50 ×${f1(sp.p50 / ss.p50)}  p95 ×${f1(sp.p95 / ss.p95)}  p99 ×${f1(sp.p99 / ss.p99)}`,
    );
    lines.push(
      `same top-10 ids in the same order: ${sameTop}/${queries.length} queries; mean top-10 overlap ${(
        (overlap / queries.length) *
        100
      ).toFixed(0)}%`,
    );
    lines.push('p95 by query kind (PostgreSQL / SQLite):');
    for (const [kind, v] of byKind) {
      lines.push(
        `  ${kind.padEnd(20)} ${f1(latencySummary(v.pg).p95).padStart(7)} ms / ${f1(latencySummary(v.sqlite).p95).padStart(7)} ms`,
      );
    }

    // 4. Ingest through PostgreSQL's addItems (the path the poller uses), on top of the archive.
    const ingestN = opts.quick ? 10_000 : 50_000;
    const r2 = mulberry32(99);
    let ingestMs = 0;
    for (let i = 0; i < ingestN; i += 500) {
      const feed = BENCH_FEEDS[Math.floor(r2() * BENCH_FEEDS.length)]!;
      const items: TaggedItem[] = [];
      for (let k = i; k < Math.min(ingestN, i + 500); k++) {
        items.push({
          ...benchItem(r2, k, ingestN, feed),
          guid: `extra-${k}`,
          url: `https://example.org/extra/${k}`,
        });
      }
      ingestMs += (await timed(() => postgres!.addItems(feed.id, items, { alertable: () => false }))).ms;
    }
    lines.push(
      `PostgreSQL addItems (500-item batches, into the ${n.toLocaleString('en')}-item archive): ${Math.round(
        ingestN / (ingestMs / 1000),
      ).toLocaleString('en')} items/s`,
    );
    lines.push(
      `machine: ${cpus().length} cores, load average ${loadavg()[0]!.toFixed(1)} at the end (shared; PostgreSQL 15 on the same host)`,
    );
  } finally {
    await sqlite?.close();
    await postgres?.close();
    rmSync(dir, { recursive: true, force: true });
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => undefined);
    await admin.end();
  }
  return { name: NAME, lines };
}

await runWhenMain(import.meta.url, run);
