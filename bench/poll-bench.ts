// The whole ingest path at scale (`npm run bench -- poll`): N local feeds × M items, every
// answer delayed (default 500 × 20, 200 ms), each feed on its own port (the fetch limiter's
// host is host:port, so 500 "hosts"), polled by pollFeeds with the real fetcher, parser,
// tagger, store and story clustering (createPollDeps, as `govwatch start` wires them).
// Cycles: first (every item new), unchanged (every feed answers 304 to the conditional
// request), and 50 feeds with 2 new items each.
//
// Baseline, same run, same servers: a plain loop of rss-parser with the same 16 requests in
// flight, inserting into one SQLite table (no conditional requests: it gets 200s).
// Bound of a cycle set by concurrency and latency: N ÷ 16 × latency.
//
// Then the cost per new item with 10k, 100k (and with --million, 1M) items already archived
// (SQLite, prefilled by direct inserts of generated items with their search rows, and story
// features for the recent window — older items' are pruned in a running archive).
//
// Flags: --quick (120 feeds × 10 items, archive sizes 10k and 50k), --pg (also on
// PostgreSQL; implied by GOVWATCH_TEST_DATABASE_URL), --million, --no-archive, --archive-only
// (only the cost per new item against the archive's size).
// Event-loop delay (perf_hooks.monitorEventLoopDelay) is reported per cycle: p99 and max.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import Parser from 'rss-parser';
import { loadConfig } from '../src/config.ts';
import { clusterNewItems } from '../src/digest/cluster.ts';
import { storyRecord } from '../src/digest/story-index.ts';
import { pollFeeds, type PollSummary } from '../src/ingest/poll.ts';
import { silentLogger } from '../src/log.ts';
import type { FeedSource, StoredItem, TaggedItem } from '../src/model.ts';
import { THEMES_FILE } from '../src/paths.ts';
import { createPollDeps } from '../src/pipeline.ts';
import { openStore } from '../src/store/index.ts';
import { indexText } from '../src/store/search-text.ts';
import { tagsText } from '../src/store/sqlite/search.ts';
import { openSqliteStore, type SqliteStore } from '../src/store/sqlite/store.ts';
import type { Store } from '../src/store/types.ts';
import { loadTagger, type Tagger } from '../src/tagging/tagger.ts';
import { createScratchDatabase, startFeedServers } from '../test/support/replicas.ts';
import type { BenchReport } from './lib.ts';
import { runWhenMain } from './lib.ts';

const NAME = 'poll-bench';
const CONCURRENCY = 16;
const CHANGED_FEEDS = 50;
const NEW_PER_CHANGED = 2;

// ---- generated feeds ------------------------------------------------------------------

interface Text {
  title: string;
  summary: string;
  lang: string;
}

function fixtureTexts(): Text[] {
  const out: Text[] = [];
  for (const name of ['pairs.jsonl', 'heldout.jsonl', 'heldout2.jsonl']) {
    const path = fileURLToPath(new URL(`../test/fixtures/clusters/${name}`, import.meta.url));
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const p = JSON.parse(line) as { a: Text; b: Text };
      out.push(p.a, p.b);
    }
  }
  return out;
}

function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TEXTS = fixtureTexts();

/** Item `i` of feed `k`: a fixture text with a third of its words swapped, so most are distinct stories. */
function text(k: number, i: number): Text {
  const rand = rng(k * 100_003 + i);
  const base = TEXTS[(k * 31 + i) % TEXTS.length]!;
  const vary = (s: string) =>
    s
      .split(' ')
      .map((w) => (rand() < 0.33 ? `zq${Math.floor(rand() * 50_000).toString(36)}` : w))
      .join(' ');
  return { title: vary(base.title), summary: vary(base.summary), lang: base.lang };
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Feed k at version v: `items` items, plus NEW_PER_CHANGED more per version, newest first. */
function feedXml(k: number, items: number, v: number, now: number): string {
  const n = items + v * NEW_PER_CHANGED;
  let body = '';
  for (let i = n - 1; i >= 0; i--) {
    const t = text(k, i);
    const published = new Date(now - (n - i) * 600_000).toUTCString();
    body +=
      `<item><title>${esc(t.title)}</title><link>http://news.test/f${k}/${i}</link>` +
      `<guid isPermaLink="false">f${k}-${i}</guid><pubDate>${published}</pubDate>` +
      `<description>${esc(t.summary)}</description></item>`;
  }
  return (
    `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Bench feed ${k}</title>` +
    `<link>http://news.test/</link><description>generated</description><language>en</language>${body}</channel></rss>`
  );
}

interface FeedSite {
  urlOf: (k: number) => string;
  /** Give feed k one more version (NEW_PER_CHANGED new items). */
  bump: (k: number) => void;
  close: () => Promise<void>;
}

async function startSite(feeds: number, items: number, latencyMs: number): Promise<FeedSite> {
  const now = Date.now();
  const version = new Array<number>(feeds).fill(0);
  const cache = new Map<string, string>();
  const body = (k: number): string => {
    const key = `${k}:${version[k]}`;
    let xml = cache.get(key);
    if (!xml) {
      xml = feedXml(k, items, version[k]!, now);
      cache.set(key, xml);
    }
    return xml;
  };
  const servers = await startFeedServers(feeds, feeds, (k, req, res) => {
    setTimeout(() => {
      const etag = `"f${k}-v${version[k]}"`;
      if (req.headers['if-none-match'] === etag) {
        res.writeHead(304, { etag }).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/rss+xml', etag }).end(body(k));
    }, latencyMs);
  });
  for (let k = 0; k < feeds; k++) body(k); // generated before the clock starts
  return { urlOf: servers.urlOf, bump: (k) => version[k]!++, close: servers.close };
}

// ---- measuring ------------------------------------------------------------------------

interface Cycle {
  ms: number;
  /** CPU time of this process (user + system) during the cycle: comparable on a loaded machine. */
  cpuMs: number;
  added: number;
  loopP99: number;
  loopMax: number;
}

async function measure(fn: () => Promise<number>): Promise<Cycle> {
  const h = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const added = await fn();
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  h.disable();
  return {
    ms,
    cpuMs: (cpu.user + cpu.system) / 1000,
    added,
    loopP99: h.percentile(99) / 1e6,
    loopMax: h.max / 1e6,
  };
}

function sources(site: FeedSite, feeds: number): FeedSource[] {
  return Array.from({ length: feeds }, (_, k) => ({
    id: `bench-${String(k).padStart(4, '0')}`,
    name: `Bench feed ${k}`,
    url: site.urlOf(k),
    kind: 'media',
    language: 'en',
    origin: 'operator',
  }));
}

async function govwatchCycles(
  store: Store,
  site: FeedSite,
  feeds: number,
  tagger: Tagger,
): Promise<{ first: Cycle; unchanged: Cycle; changed: Cycle }> {
  await store.upsertFeeds(sources(site, feeds));
  const config = loadConfig({ GOVWATCH_DB: ':memory:' });
  const deps = createPollDeps({ store, config, logger: silentLogger(), owner: 'bench', tagger });
  const pass = async (): Promise<number> => {
    const s: PollSummary = await pollFeeds(deps, { all: true, concurrency: CONCURRENCY });
    if (s.failed) throw new Error(`${s.failed} feeds failed: ${s.feeds.find((f) => f.error)?.error}`);
    return s.added;
  };
  const first = await measure(pass);
  const unchanged = await measure(pass);
  for (let k = 0; k < CHANGED_FEEDS; k++) site.bump(k * Math.floor(feeds / CHANGED_FEEDS));
  const changed = await measure(pass);
  return { first, unchanged, changed };
}

async function plainCycles(
  site: FeedSite,
  feeds: number,
): Promise<{ first: Cycle; unchanged: Cycle; changed: Cycle }> {
  const dir = mkdtempSync(join(tmpdir(), 'gw-plain-'));
  const db = new Database(join(dir, 'plain.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(
    'CREATE TABLE items (guid TEXT PRIMARY KEY, feed INTEGER, title TEXT, link TEXT, summary TEXT, published TEXT)',
  );
  const insert = db.prepare('INSERT OR IGNORE INTO items VALUES (?, ?, ?, ?, ?, ?)');
  const parser = new Parser();
  const pass = async (): Promise<number> => {
    let next = 0;
    let added = 0;
    const lane = async (): Promise<void> => {
      for (let k = next++; k < feeds; k = next++) {
        const res = await fetch(site.urlOf(k));
        const feed = await parser.parseString(await res.text());
        db.transaction(() => {
          for (const it of feed.items) {
            added += insert.run(
              it.guid,
              k,
              it.title,
              it.link,
              it.contentSnippet ?? '',
              it.isoDate ?? '',
            ).changes;
          }
        })();
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, lane));
    return added;
  };
  try {
    const first = await measure(pass);
    const unchanged = await measure(pass);
    const changed = await measure(pass);
    return { first, unchanged, changed };
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---- cost per new item against the archive's size --------------------------------------

/** Items in the recent window of every prefilled archive (the same for each size). */
const WINDOW_ITEMS = 5_000;
const ARCHIVE_FEEDS = 500;

function generatedItem(n: number, tagger: Tagger, published: string): TaggedItem {
  const t = text(n % 9973, Math.floor(n / 9973));
  return {
    guid: `g${n}`,
    title: t.title,
    url: `http://archive.test/${n}`,
    author: null,
    summary: t.summary,
    published,
    publishedEstimated: false,
    lang: t.lang,
    ...tagger.tag({ title: t.title, summary: t.summary, lang: t.lang }),
  };
}

function prefill(store: SqliteStore, size: number, tagger: Tagger, now: number): void {
  const db = store.db;
  const insertItem = db.prepare(`INSERT INTO items
    (id, feed_id, guid, url, title, author, summary, published, published_estimated, lang, themes, regions, why,
     first_seen, alertable)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, 1)`);
  const insertFts = db.prepare('INSERT INTO item_fts (rowid, title, body, tags) VALUES (?, ?, ?, ?)');
  const feature = db.prepare('INSERT INTO story_features (item_id, features) VALUES (?, ?)');
  const windowStart = size - WINDOW_ITEMS;
  const CHUNK = 20_000;
  for (let start = 0; start < size; start += CHUNK) {
    db.transaction(() => {
      for (let n = start; n < Math.min(size, start + CHUNK); n++) {
        const recent = n >= windowStart;
        // Old items over the past two years; the window's over the last day.
        const at = recent
          ? now - 86_400_000 + ((n - windowStart) / WINDOW_ITEMS) * 82_800_000
          : now - 2 * 365 * 86_400_000 + (n / size) * 700 * 86_400_000;
        const iso = new Date(at).toISOString();
        const feedId = `bench-${String(n % ARCHIVE_FEEDS).padStart(4, '0')}`;
        const it = generatedItem(n, tagger, iso);
        const id = n + 1;
        insertItem.run(
          id,
          feedId,
          it.guid,
          it.url,
          it.title,
          null,
          it.summary,
          iso,
          it.lang,
          JSON.stringify(it.themes),
          JSON.stringify(it.regions),
          JSON.stringify(it.why),
          iso,
        );
        insertFts.run(
          id,
          indexText(it.title),
          indexText(it.summary),
          tagsText({ themes: it.themes, regions: it.regions, feedId, published: iso }),
        );
        if (recent) {
          const stored: StoredItem = {
            ...it,
            id,
            feedId,
            sourceName: feedId,
            firstSeen: iso,
            alertable: true,
            clusterId: null,
          };
          const r = storyRecord(stored);
          feature.run(id, r.features);
        }
      }
    })();
  }
}

interface ArchiveCost {
  size: number;
  prefillS: number;
  itemsPerS: number;
  loopMax: number;
  /** Wall ms per new item in addItems and in clusterNewItems (the median round). */
  storeMs: number;
  clusterMs: number;
}

async function archiveCost(size: number, tagger: Tagger, log: (l: string) => void): Promise<ArchiveCost> {
  const dir = mkdtempSync(join(tmpdir(), 'gw-archive-'));
  const now = Date.now();
  const store = openSqliteStore(join(dir, 'archive.db'), { now: () => new Date() });
  try {
    const feedSources: FeedSource[] = Array.from({ length: ARCHIVE_FEEDS }, (_, k) => ({
      id: `bench-${String(k).padStart(4, '0')}`,
      name: `Bench feed ${k}`,
      url: `http://archive.test/feed/${k}`,
      kind: 'media',
      language: 'en',
      origin: 'operator',
    }));
    await store.upsertFeeds(feedSources);
    const t0 = performance.now();
    prefill(store, size, tagger, now);
    store.db.exec('ANALYZE');
    const prefillS = (performance.now() - t0) / 1000;
    log(`  archive of ${size} items prefilled in ${prefillS.toFixed(1)} s`);
    // As a running archive is kept: its search index merged after writes (a prefill in
    // 20,000-row transactions leaves dozens of segments, which the store would otherwise
    // merge in the background during the measurement) and its WAL checkpointed.
    const m0 = performance.now();
    const steps = store.mergeSearchIndex();
    store.db.pragma('wal_checkpoint(TRUNCATE)');
    log(
      `  search index merged (${steps} steps) and WAL checkpointed in ${((performance.now() - m0) / 1000).toFixed(1)} s`,
    );
    // New items: 100 feeds × 10, stored and clustered feed by feed as the poller does.
    const rounds: Array<{ perS: number; storeMs: number; clusterMs: number }> = [];
    let loopMax = 0;
    for (let round = 0; round < 3; round++) {
      const batch = Array.from({ length: 100 }, (_, f) =>
        Array.from({ length: 10 }, (_, i) =>
          generatedItem(size + 1_000_000 * (round + 1) + f * 10 + i, tagger, new Date().toISOString()),
        ),
      );
      let storeMs = 0;
      let clusterMs = 0;
      const c = await measure(async () => {
        let added = 0;
        for (let f = 0; f < batch.length; f++) {
          const feedId = feedSources[(f * 5 + round) % ARCHIVE_FEEDS]!.id;
          const t0 = performance.now();
          const res = await store.addItems(feedId, batch[f]!, { alertable: () => true });
          const t1 = performance.now();
          await clusterNewItems(store, res.added, new Date());
          storeMs += t1 - t0;
          clusterMs += performance.now() - t1;
          added += res.added.length;
        }
        return added;
      });
      rounds.push({
        perS: (c.added / c.ms) * 1000,
        storeMs: storeMs / c.added,
        clusterMs: clusterMs / c.added,
      });
      loopMax = Math.max(loopMax, c.loopMax);
    }
    // The median round (the first also builds the in-memory story index of the window).
    rounds.sort((a, b) => a.perS - b.perS);
    const mid = rounds[1]!;
    return { size, prefillS, itemsPerS: mid.perS, loopMax, storeMs: mid.storeMs, clusterMs: mid.clusterMs };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---- report ---------------------------------------------------------------------------

export async function run(opts: { quick: boolean }): Promise<BenchReport> {
  const argv = process.argv;
  const feeds = opts.quick ? 120 : 500;
  const items = opts.quick ? 10 : 20;
  const latency = 200;
  const pgUrl =
    argv.includes('--pg') || process.env.GOVWATCH_TEST_DATABASE_URL
      ? process.env.GOVWATCH_TEST_DATABASE_URL || process.env.DATABASE_URL || ''
      : '';
  const log = (l: string) => process.stderr.write(`${l}\n`);
  const tagger = loadTagger(THEMES_FILE);
  const lines: string[] = [
    `${feeds} feeds × ${items} items on ${feeds} ports, answers after ${latency} ms; ${CONCURRENCY} requests in flight`,
  ];
  const bound = (feeds / CONCURRENCY) * latency;
  const sec = (ms: number) => (ms / 1000).toFixed(2);
  const loop = (c: Cycle) =>
    `event loop p99 ${c.loopP99.toFixed(0)} ms, max ${c.loopMax.toFixed(0)} ms; CPU ${sec(c.cpuMs)} s`;

  const runOn = async (label: string, open: () => Promise<{ store: Store; done: () => Promise<void> }>) => {
    const site = await startSite(feeds, items, latency);
    const siteForPlain = await startSite(feeds, items, latency);
    try {
      log(`${label}: plain loop…`);
      const plain = await plainCycles(siteForPlain, feeds);
      log(`${label}: govwatch…`);
      const { store, done } = await open();
      let gw;
      try {
        gw = await govwatchCycles(store, site, feeds, tagger);
      } finally {
        await done();
      }
      lines.push(
        `${label} first cycle: govwatch ${sec(gw.first.ms)} s (${gw.first.added} new), plain loop ${sec(plain.first.ms)} s (${plain.first.added}) → ${(gw.first.ms / plain.first.ms).toFixed(2)}× (target ≤ 1.5×); ${loop(gw.first)} (plain: ${loop(plain.first)})`,
        `${label} unchanged (304s): govwatch ${sec(gw.unchanged.ms)} s = ${(gw.unchanged.ms / bound).toFixed(2)}× the bound ${sec(bound)} s (target ≤ 1.2×); plain loop (200s) ${sec(plain.unchanged.ms)} s → ${(gw.unchanged.ms / plain.unchanged.ms).toFixed(2)}×; ${loop(gw.unchanged)}`,
        `${label} ${CHANGED_FEEDS} feeds with ${NEW_PER_CHANGED} new items: govwatch ${sec(gw.changed.ms)} s (${gw.changed.added} new), plain loop ${sec(plain.changed.ms)} s → ${(gw.changed.ms / plain.changed.ms).toFixed(2)}× (target ≤ 1.3×); ${loop(gw.changed)}`,
      );
    } finally {
      await site.close();
      await siteForPlain.close();
    }
  };

  const cycles = !argv.includes('--archive-only');
  if (cycles)
    await runOn('SQLite', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'gw-poll-'));
      const store = await openStore({ dbPath: join(dir, 'archive.db'), databaseUrl: undefined });
      return {
        store,
        done: async () => {
          await store.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    });
  if (pgUrl && cycles) {
    await runOn('PostgreSQL', async () => {
      const db = await createScratchDatabase(pgUrl, 'govwatch_pollbench');
      const store = await openStore({ dbPath: ':memory:', databaseUrl: db.url });
      return {
        store,
        done: async () => {
          await store.close();
          await db.drop();
        },
      };
    });
  } else if (cycles) {
    lines.push('PostgreSQL: skipped (give --pg with GOVWATCH_TEST_DATABASE_URL)');
  }

  if (!argv.includes('--no-archive')) {
    const sizes = opts.quick ? [10_000, 50_000] : [10_000, 100_000];
    if (argv.includes('--million')) sizes.push(1_000_000);
    const costs: ArchiveCost[] = [];
    for (const size of sizes) {
      log(`archive of ${size} items…`);
      costs.push(await archiveCost(size, tagger, log));
    }
    const base = costs[0]!.itemsPerS;
    lines.push(
      `new items stored and clustered (SQLite, ${WINDOW_ITEMS} items in the recent window of each archive; 1000 new items in 100 feeds, median of 3):`,
      ...costs.map(
        (c) =>
          `  ${c.size.toLocaleString('en')} archived: ${c.itemsPerS.toFixed(0)} new items/s = ${(c.itemsPerS / base).toFixed(2)}× the ${costs[0]!.size.toLocaleString('en')} figure (target within 0.8–1.2×); store ${c.storeMs.toFixed(2)} ms + cluster ${c.clusterMs.toFixed(2)} ms a new item; event loop max ${c.loopMax.toFixed(0)} ms; prefill ${c.prefillS.toFixed(0)} s`,
      ),
    );
    if (!argv.includes('--million')) lines.push('  (1M archived: run with --million)');
  }
  return { name: NAME, lines };
}

await runWhenMain(import.meta.url, run);
