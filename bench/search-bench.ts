// Archive benchmark: ingest rate through Store.addItems, then search latency of the
// archive's search (bounded, recency-ordered candidate ranking) against the naive FTS5
// `MATCH … ORDER BY bm25 LIMIT 10` over the same index and data, in the same run.
//
//   npx tsx bench/search-bench.ts [--quick] [--items N]
//
// The corpus is synthetic but shaped like the real one: English, Russian (inflected forms)
// and Chinese (no spaces) text with Zipf-distributed words, so common terms match a large
// share of the archive and rare ones a handful; ids grow with publication time.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FeedSource, TaggedItem, ThemeId } from '../src/model.ts';
import { THEME_IDS } from '../src/model.ts';
import { parseQuery } from '../src/store/search-text.ts';
import { openSqliteStore, type SqliteStore } from '../src/store/sqlite/index.ts';
import { tagsText, textMatch } from '../src/store/sqlite/search.ts';
import type { SearchQuery } from '../src/store/types.ts';
import { indexText } from '../src/store/search-text.ts';
import type { BenchReport } from './lib.ts';
import { f1, latencySummary, runWhenMain } from './lib.ts';

// Seeded PRNG ---------------------------------------------------------------------------

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Zipf {
  private readonly cdf: number[];
  constructor(
    readonly words: string[],
    s = 1.05,
  ) {
    let acc = 0;
    this.cdf = words.map((_, i) => (acc += 1 / Math.pow(i + 1, s)));
    this.cdf = this.cdf.map((c) => c / acc);
  }
  pick(rand: () => number): string {
    const r = rand();
    let lo = 0;
    let hi = this.cdf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cdf[mid]! < r) lo = mid + 1;
      else hi = mid;
    }
    return this.words[lo]!;
  }
}

// Word lists (most frequent first) ------------------------------------------------------

const EN = (
  'internet government data digital security rights new law online report policy network users ' +
  'privacy surveillance access public freedom platform technology information countries human state ' +
  'global standard protection content censorship encryption court international access national ' +
  'companies social media election cyber ministry regulation president officials media blocked ' +
  'citizens researchers journalists telecom infrastructure mobile service services cable satellite ' +
  'spectrum standards working group draft consultation proposal framework treaty convention ' +
  'governance multistakeholder summit forum resolution commission parliament bill amendment ' +
  'spyware malware ransomware attack attacks vulnerability disclosure breach leak leaked hackers ' +
  'shutdown shutdowns throttling outage blackout measurement vpn tor proxy circumvention firewall ' +
  'facial recognition biometric identity retention interception wiretap warrant lawful backdoor ' +
  'algorithm artificial intelligence model models safety accountability transparency audit ' +
  'moderation takedown removal appeal liability intermediary competition antitrust marketplace ' +
  'sanctions export controls semiconductors chips supply chain vendor vendors huawei telecoms ' +
  'submarine routing rpki ipv6 dns icann registry domain names root servers resolver quic tls ' +
  'protocol specification rfc recommendation study itu ietf w3c iso etsi 3gpp ieee ' +
  'disinformation propaganda influence operation deepfake deepfakes bots trolls fact checking ' +
  'activist activists arrested detained sentenced prison blogger bloggers protest protesters ' +
  'children age verification scanning messages messaging apps app store stores developers ' +
  'cross border transfers adequacy localisation sovereignty fragmentation splinternet ' +
  'connectivity divide rural broadband affordability spectrum auction licensing regulator ' +
  'quantum postquantum cryptography keys signature certificate authority trust'
).split(' ');

const RU_STEMS = (
  'интернет|государств|данн|закон|пользовател|сет|блокировк|цензур|слежк|безопасност|свобод|' +
  'провайдер|сервис|платформ|доступ|суд|журналист|активист|мессенджер|шифровани|регулятор|' +
  'роскомнадзор|министерств|депутат|законопроект|трафик|отключени|связ|оператор|реестр|' +
  'приложени|сайт|ресурс|обход|протокол|стандарт|технологи|информаци|пропаганд|выбор|' +
  'наблюдени|распознавани|биометри|идентификаци|персональн|утечк|взлом|атак|уязвимост|' +
  'суверенитет|управлени|сотрудничеств|соглашени|конвенци|киберпреступност|санкци|экспорт|' +
  'инфраструктур|кабел|спутник|частот|мобильн|регион|штраф|арест|приговор|публикаци|пост|' +
  'канал|видео|контент|модераци|удалени|требовани|правительств|президент|указ|поправк'
).split('|');
const RU_ENDINGS = [
  '',
  'а',
  'у',
  'ом',
  'е',
  'ы',
  'ов',
  'ам',
  'ами',
  'ах',
  'и',
  'ой',
  'ей',
  'ий',
  'ая',
  'ые',
  'ого',
];

const ZH = (
  '互联网|网络|数据|安全|治理|国家|管理|信息|技术|国际|合作|标准|规定|发展|平台|用户|个人|保护|' +
  '监管|法律|政府|审查|封锁|防火长城|翻墙|软件|境外|网站|人工智能|生成|内容|标识|隐私|监控|' +
  '人脸识别|主权|网信办|条例|出境|通信|运营商|基础设施|海底光缆|卫星|频谱|电信|协议|加密|' +
  '密码|量子|芯片|出口|管制|制裁|供应链|华为|中俄|联合国|峰会|论坛|多边|规则|数字|经济|' +
  '丝绸之路|记者|拘留|删除|账号|社交媒体|谣言|舆论|宣传|虚假信息|选举|断网|限速|测量'
).split('|');

const REGIONS = [
  'US',
  'CN',
  'RU',
  'EU',
  'GB',
  'IN',
  'IR',
  'TR',
  'BR',
  'DE',
  'FR',
  'UA',
  'BY',
  'KZ',
  'NG',
  'ZA',
  'PK',
  'MM',
  'VN',
  'EG',
];

/**
 * Rare words (names of people, places, drafts): 20,000 made-up Latin-letter words, one in a
 * third of the items, Zipf-distributed, so the tail has a handful of matches at 1M items and
 * the head a few thousand. Queries for "rare" words pick from these.
 */
const SYLLABLES = 'ka ro me ti su na lo ve pi da ze gu fo ri ba ne mu sa to li'.split(' ');
export const RARE_WORDS: string[] = Array.from({ length: 20_000 }, (_, i) => {
  let w = 'q';
  for (let k = i + 1; k > 0; k = Math.floor(k / SYLLABLES.length)) w += SYLLABLES[k % SYLLABLES.length];
  return w;
});
const rare = new Zipf(RARE_WORDS, 0.9);

const en = new Zipf(EN);
const zh = new Zipf(ZH);
const ruStems = new Zipf(RU_STEMS);

function sentence(rand: () => number, lang: 'en' | 'ru' | 'zh', words: number): string {
  const out: string[] = [];
  for (let i = 0; i < words; i++) {
    if (lang === 'en') out.push(en.pick(rand));
    else if (lang === 'ru')
      out.push(ruStems.pick(rand) + RU_ENDINGS[Math.floor(rand() * RU_ENDINGS.length)]!);
    else out.push(zh.pick(rand));
  }
  if (lang === 'zh') {
    const parts: string[] = [];
    for (let i = 0; i < out.length; i += 6) parts.push(out.slice(i, i + 6).join(''));
    return parts.join('，') + '。';
  }
  const s = out.join(' ');
  return s.charAt(0).toUpperCase() + s.slice(1) + '.';
}

export const BENCH_FEEDS: FeedSource[] = Array.from({ length: 200 }, (_, i) => ({
  id: `feed-${i}`,
  name: `Feed ${i}`,
  url: `https://example.org/feeds/${i}.xml`,
  kind: (['standards', 'rights', 'government', 'media'] as const)[i % 4]!,
  language: i % 10 < 6 ? 'en' : i % 10 < 8 ? 'ru' : 'zh',
  origin: 'operator',
}));

const START = Date.UTC(2021, 0, 1);
const SPAN_MS = 5 * 365 * 86_400_000;

/** Item `i` of `n` (deterministic for a seed): published time grows with i. */
export function benchItem(rand: () => number, i: number, n: number, feed: FeedSource): TaggedItem {
  const lang = feed.language as 'en' | 'ru' | 'zh';
  const published = new Date(START + (i / n) * SPAN_MS - rand() * 3 * 86_400_000).toISOString();
  const themes: ThemeId[] = [];
  const tcount = Math.floor(rand() * 3);
  for (let k = 0; k < tcount; k++) {
    const t = THEME_IDS[Math.floor(rand() * THEME_IDS.length)]!;
    if (!themes.includes(t)) themes.push(t);
  }
  const regions: string[] = [];
  const rcount = Math.floor(rand() * 3);
  for (let k = 0; k < rcount; k++) {
    const r = REGIONS[Math.floor(Math.pow(rand(), 2) * REGIONS.length)]!;
    if (!regions.includes(r)) regions.push(r);
  }
  const titleWords = lang === 'zh' ? 4 + Math.floor(rand() * 4) : 6 + Math.floor(rand() * 5);
  const summaryWords = lang === 'zh' ? 15 + Math.floor(rand() * 15) : 25 + Math.floor(rand() * 25);
  return {
    guid: `${feed.id}-${i}`,
    title: sentence(rand, lang, titleWords).replace(/[.。]$/, ''),
    url: `https://example.org/${feed.id}/${i}`,
    author: null,
    summary: sentence(rand, lang, summaryWords) + (rand() < 1 / 3 ? ` ${rare.pick(rand)}` : ''),
    published,
    publishedEstimated: false,
    lang,
    themes,
    regions,
    why: {},
  };
}

// Queries --------------------------------------------------------------------------------

export interface BenchQuery {
  kind: string;
  query: SearchQuery;
}

export function benchQueries(seed = 7, newestIso = new Date(START + SPAN_MS).toISOString()): BenchQuery[] {
  const rand = mulberry32(seed);
  const pick = <T>(list: readonly T[], from = 0, to = list.length): T =>
    list[from + Math.floor(rand() * (to - from))]!;
  const ruForm = (from: number, to: number) => pick(RU_STEMS, from, to) + pick(RU_ENDINGS);
  const out: BenchQuery[] = [];
  const add = (kind: string, text: string, extra: Partial<SearchQuery> = {}) =>
    out.push({ kind, query: { text, limit: 10, ...extra } });
  for (let i = 0; i < 30; i++) add('en common', pick(EN, 0, 15));
  for (let i = 0; i < 30; i++) add('en rare', pick(EN, 150));
  for (let i = 0; i < 30; i++)
    add('en multiword', `${pick(EN, 0, 40)} ${pick(EN, 20, 200)}${rand() < 0.5 ? ' ' + pick(EN) : ''}`);
  for (let i = 0; i < 30; i++)
    add('ru', i % 2 ? ruForm(0, 10) : `${ruForm(0, 30)} ${ruForm(10, RU_STEMS.length)}`);
  for (let i = 0; i < 30; i++)
    add('zh', i % 3 === 0 ? pick(ZH, 0, 10) : i % 3 === 1 ? pick(ZH, 20) : pick(ZH, 0, 20) + pick(ZH, 0, 40));
  const newest = Date.parse(newestIso);
  // The outliers: rare words (a few to ~150 matches at 1M items) and two words over
  // the last year.
  for (let i = 0; i < 30; i++) add('rare word', pick(RARE_WORDS, 300));
  const yearAgo = new Date(newest - 365 * 86_400_000).toISOString();
  for (let i = 0; i < 30; i++)
    add('two words since 365d', `${pick(EN, 0, 40)} ${pick(EN, 20, 200)}`, { since: yearAgo });
  for (let i = 0; i < 50; i++) {
    const text = i % 2 ? pick(EN, 0, 15) : rand() < 0.5 ? pick(ZH, 0, 20) : ruForm(0, 20);
    const f = i % 5;
    if (f === 0) add('filter theme', text, { themes: [pick(THEME_IDS)] });
    else if (f === 1) add('filter region', text, { regions: [pick(REGIONS, 0, 6)] });
    else if (f === 2) add('filter source', text, { sources: [`feed-${Math.floor(rand() * 200)}`] });
    else if (f === 3)
      add('filter since 30d', text, { since: new Date(newest - 30 * 86_400_000).toISOString() });
    else
      add('filter year + theme', text, {
        since: '2023-01-01T00:00:00Z',
        until: '2023-12-31T23:59:59Z',
        themes: [pick(THEME_IDS)],
      });
  }
  return out;
}

// Naive baseline --------------------------------------------------------------------------

/** The obvious query: same index, same matching, every match ranked by bm25, filters in SQL. */
function naiveSearch(store: SqliteStore, q: SearchQuery): number[] {
  const parsed = parseQuery(q.text);
  if (parsed.terms.length === 0) return [];
  const where: string[] = ['item_fts MATCH ?'];
  const args: unknown[] = [textMatch(parsed.terms, 'AND')];
  if (q.themes?.length) {
    where.push(
      `EXISTS (SELECT 1 FROM json_each(items.themes) WHERE value IN (${q.themes.map(() => '?').join(',')}))`,
    );
    args.push(...q.themes);
  }
  if (q.regions?.length) {
    where.push(
      `EXISTS (SELECT 1 FROM json_each(items.regions) WHERE value IN (${q.regions.map(() => '?').join(',')}))`,
    );
    args.push(...q.regions);
  }
  if (q.sources?.length) {
    where.push(`items.feed_id IN (${q.sources.map(() => '?').join(',')})`);
    args.push(...q.sources);
  }
  if (q.since) {
    where.push('items.published >= ?');
    args.push(new Date(q.since).toISOString());
  }
  if (q.until) {
    where.push('items.published <= ?');
    args.push(new Date(q.until).toISOString());
  }
  const rows = store.db
    .prepare(
      `SELECT item_fts.rowid AS id FROM item_fts JOIN items ON items.id = item_fts.rowid
       WHERE ${where.join(' AND ')} ORDER BY bm25(item_fts, 4.0, 1.0, 0.0) LIMIT 10`,
    )
    .all(...args) as Array<{ id: number }>;
  return rows.map((r) => r.id);
}

/**
 * The plainest FTS5 query, as the issue names its baseline: the query's words matched on the
 * same index, `ORDER BY rank LIMIT 10`, no filters and no join.
 */
export function plainFtsSearch(db: SqliteStore['db'], q: SearchQuery): number[] {
  const parsed = parseQuery(q.text);
  if (parsed.terms.length === 0) return [];
  const rows = db
    .prepare('SELECT rowid AS id FROM item_fts WHERE item_fts MATCH ? ORDER BY rank LIMIT 10')
    .raw()
    .all(textMatch(parsed.terms, 'AND')) as Array<[number]>;
  return rows.map((r) => r[0]);
}

/** Segments of the FTS5 index (the segment id is the top bits of a data row's id). */
export function ftsSegments(db: SqliteStore['db']): number {
  return (
    db.prepare('SELECT count(DISTINCT id >> 37) AS n FROM item_fts_data WHERE id >= (1 << 37)').get() as {
      n: number;
    }
  ).n;
}

/** One query in a new process (bench/search-cold.ts): the first query after opening the archive. */
function coldQuery(
  path: string,
  engine: 'ours' | 'plain',
  q: SearchQuery,
): Promise<{ ms: number; faults: number; cpu: number; wait: number }> {
  const script = fileURLToPath(new URL('./search-cold.ts', import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, path, engine, JSON.stringify(q)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d: string) => (out += d));
    child.on('error', reject);
    child.on('exit', (code) => {
      const [ms, faults, cpu, wait] = (out.trim().split('\n').at(-1) ?? '').split(' ').map(Number);
      if (code === 0 && Number.isFinite(ms))
        resolve({ ms: ms!, faults: faults ?? NaN, cpu: cpu ?? NaN, wait: wait ?? NaN });
      else reject(new Error(`search-cold exited ${code}: ${out}`));
    });
  });
}

const pctLine = (label: string, ms: number[]): string => {
  const s = latencySummary(ms);
  return `${label} p50 ${f1(s.p50)} ms  p95 ${f1(s.p95)} ms  p99 ${f1(s.p99)} ms  max ${f1(s.max)} ms (${ms.length} queries)`;
};

// Measurement -----------------------------------------------------------------------------

/** Where built archives are kept between runs (git-ignored). */
export const BENCH_CACHE_DIR = fileURLToPath(new URL('./.cache/', import.meta.url));
/** Bump when benchItem or the ingest below changes: older cached archives are then rebuilt. */
const ARCHIVE_VERSION = 2;

export interface IngestFigures {
  perSec: number;
  perCpuSec: number;
}

/** Generate `n` items into a new archive at `path` through Store.addItems. */
async function buildArchive(path: string, n: number, log: (line: string) => void): Promise<IngestFigures> {
  const store = openSqliteStore(path);
  try {
    await store.upsertFeeds(BENCH_FEEDS);
    const rand = mulberry32(20240601);
    const batch = 500;
    let ingestMs = 0;
    let ingestCpuUs = 0;
    for (let i = 0; i < n; i += batch) {
      const feed = BENCH_FEEDS[Math.floor(rand() * BENCH_FEEDS.length)]!;
      const items: TaggedItem[] = [];
      for (let k = i; k < Math.min(n, i + batch); k++) items.push(benchItem(rand, k, n, feed));
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      await store.addItems(feed.id, items, { alertable: () => false });
      const c = process.cpuUsage(c0);
      ingestCpuUs += c.user + c.system;
      ingestMs += performance.now() - t0;
      if ((i / batch) % 200 === 0) log(`ingested ${i + items.length} items`);
    }
    // Everything into the main file: only it is renamed into the cache.
    store.db.pragma('wal_checkpoint(TRUNCATE)');
    return { perSec: n / (ingestMs / 1000), perCpuSec: n / (ingestCpuUs / 1e6) };
  } finally {
    await store.close();
  }
}

/**
 * The same archive as buildArchive, written by direct inserts of the rows addItems writes
 * (items and their search rows, the same normalized text), 20,000 items per transaction:
 * several times faster, for the cached 1M archive. Ids, published times and index content
 * are identical to addItems' for the same seed.
 */
async function fillArchive(path: string, n: number, log: (line: string) => void): Promise<void> {
  const store = openSqliteStore(path);
  const db = store.db;
  try {
    db.pragma('synchronous = OFF');
    await store.upsertFeeds(BENCH_FEEDS);
    const insertItem = db.prepare(`INSERT INTO items
      (id, feed_id, guid, url, title, author, summary, published, published_estimated, lang, themes, regions, why,
       first_seen, alertable)
      VALUES (?, ?, ?, ?, ?, NULL, ?, ?, 0, ?, ?, ?, '{}', ?, 0)`);
    const insertFts = db.prepare('INSERT INTO item_fts (rowid, title, body, tags) VALUES (?, ?, ?, ?)');
    const rand = mulberry32(20240601);
    const firstSeen = new Date().toISOString();
    const batch = 500;
    let id = 0;
    for (let chunk = 0; chunk < n; chunk += 20_000) {
      db.transaction(() => {
        for (let i = chunk; i < Math.min(n, chunk + 20_000); i += batch) {
          const feed = BENCH_FEEDS[Math.floor(rand() * BENCH_FEEDS.length)]!;
          for (let k = i; k < Math.min(n, i + batch); k++) {
            const it = benchItem(rand, k, n, feed);
            id += 1;
            insertItem.run(
              id,
              feed.id,
              it.guid,
              it.url,
              it.title,
              it.summary,
              it.published,
              it.lang,
              JSON.stringify(it.themes),
              JSON.stringify(it.regions),
              firstSeen,
            );
            insertFts.run(
              id,
              indexText(it.title),
              indexText(it.summary),
              tagsText({ themes: it.themes, regions: it.regions, feedId: feed.id, published: it.published }),
            );
          }
        }
      })();
      log(`filled ${Math.min(n, chunk + 20_000)} items`);
    }
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
}

/**
 * The archive of `n` generated items, built once into bench/cache/ and reused by later runs
 * (seeding 1M items takes many minutes). Built under a temporary name and renamed when
 * complete, so an interrupted build is never taken for a finished one. `fresh`: build anew
 * through Store.addItems into a temporary file, and measure the ingest.
 */
export async function benchArchive(
  n: number,
  opts: { fresh?: boolean; log?: (line: string) => void } = {},
): Promise<{ path: string; ingest: IngestFigures | null; cleanup: () => void }> {
  const log = opts.log ?? (() => {});
  if (opts.fresh) {
    const dir = mkdtempSync(join(tmpdir(), 'govwatch-search-bench-'));
    const path = join(dir, 'archive.db');
    const ingest = await buildArchive(path, n, log);
    return { path, ingest, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
  }
  const path = join(BENCH_CACHE_DIR, `search-archive-v${ARCHIVE_VERSION}-${n}.db`);
  if (existsSync(path)) return { path, ingest: null, cleanup: () => {} };
  mkdirSync(BENCH_CACHE_DIR, { recursive: true });
  const building = `${path}.building-${process.pid}`;
  log(`building the ${n.toLocaleString('en')}-item archive once into ${path}`);
  await fillArchive(building, n, log);
  renameSync(building, path);
  return { path, ingest: null, cleanup: () => {} };
}

export async function run(opts: {
  quick: boolean;
  items?: number;
  fresh?: boolean;
  log?: (line: string) => void;
}): Promise<BenchReport> {
  const n = opts.items ?? (opts.quick ? 50_000 : 1_000_000);
  const log = opts.log ?? (() => {});
  const archive = await benchArchive(n, { fresh: opts.fresh ?? process.argv.includes('--fresh'), log });
  const path = archive.path;
  const store = openSqliteStore(path);
  const lines: string[] = [];
  try {
    const sizeMb =
      (statSync(path).size + (statSync(`${path}-wal`, { throwIfNoEntry: false })?.size ?? 0)) / 1e6;
    lines.push(
      `items: ${n.toLocaleString('en')} (en 60% / ru 20% / zh 20%, 200 feeds), db ${sizeMb.toFixed(0)} MB`,
    );
    // The index as govwatch keeps it: after polls the store merges the search index's
    // segments in the background (src/store/sqlite/index-merge.ts); a cached archive built by
    // direct inserts is merged here once (later runs find nothing left to merge).
    const segmentsBefore = ftsSegments(store.db);
    const mergeStart = performance.now();
    const steps = store.mergeSearchIndex();
    lines.push(
      `search index: ${ftsSegments(store.db)} segments (${segmentsBefore} before; ${steps} merge steps now, ${f1((performance.now() - mergeStart) / 1000)} s)`,
    );
    if (archive.ingest) {
      const { perSec, perCpuSec } = archive.ingest;
      lines.push(
        `ingest via Store.addItems (500-item batches): ${Math.round(perSec).toLocaleString('en')} items/s wall-clock, ${Math.round(perCpuSec).toLocaleString('en')} items per CPU-second (target ≥ 5,000/s: ${perSec >= 5000 ? 'met' : 'NOT met'} on wall-clock)`,
      );
    } else {
      lines.push(
        `archive reused from ${path} (ingest not measured; --fresh builds a new one and measures it)`,
      );
    }

    const queries = benchQueries();
    const kinds = [...new Set(queries.map((q) => q.kind))];
    // Ours in one pass, the baselines in a second. Interleaved, ours paid for the baselines'
    // memory churn: a bm25 over 200k matches allocates and frees hundreds of MB, and the next
    // FTS5 query in the process faults that memory back in (20-340 ms on the development VM,
    // where a page fault costs 15-60 µs). A bot never runs those queries.
    for (const q of queries.slice(0, 20)) await store.search(q.query);
    const ours: Array<{ ms: number; cpu: number; ids: number[] }> = [];
    for (const [i, q] of queries.entries()) {
      const c = process.cpuUsage();
      const t = performance.now();
      const res = await store.search(q.query);
      const ms = performance.now() - t;
      const cpu = process.cpuUsage(c);
      ours.push({ ms, cpu: (cpu.user + cpu.system) / 1000, ids: res.hits.map((h) => h.item.id) });
      if (i % 100 === 99) log(`queries (ours): ${i + 1}/${queries.length}`);
    }
    for (const q of queries.slice(0, 20)) naiveSearch(store, q.query);
    const naive: Array<{ ms: number; cpu: number; ids: number[] }> = [];
    const plain: number[] = [];
    for (const [i, q] of queries.entries()) {
      const c = process.cpuUsage();
      const t = performance.now();
      const ids = naiveSearch(store, q.query);
      const ms = performance.now() - t;
      const cpu = process.cpuUsage(c);
      naive.push({ ms, cpu: (cpu.user + cpu.system) / 1000, ids });
      const tp = performance.now();
      plainFtsSearch(store.db, q.query);
      plain.push(performance.now() - tp);
      if (i % 50 === 49) log(`queries (baselines): ${i + 1}/${queries.length}`);
    }
    let overlap = 0;
    let compared = 0;
    for (const [i, b] of naive.entries()) {
      if (b.ids.length === 0) continue;
      compared += 1;
      overlap += ours[i]!.ids.filter((id) => b.ids.includes(id)).length / Math.min(10, b.ids.length);
    }
    const of = (list: Array<{ ms: number; cpu: number }>, key: 'ms' | 'cpu') => list.map((r) => r[key]);
    const so = latencySummary(of(ours, 'ms'));
    const sn = latencySummary(of(naive, 'ms'));
    lines.push(
      `queries: ${queries.length} (common/rare/multiword English, Russian forms, Chinese, rare words, two words over 365 days, 50 with filters)`,
    );
    lines.push(
      `search (ours):  p50 ${f1(so.p50)} ms  p95 ${f1(so.p95)} ms  p99 ${f1(so.p99)} ms  max ${f1(so.max)} ms (incl. loading items and snippets)`,
    );
    lines.push(
      `naive bm25:     p50 ${f1(sn.p50)} ms  p95 ${f1(sn.p95)} ms  p99 ${f1(sn.p99)} ms  max ${f1(sn.max)} ms`,
    );
    lines.push(
      `ratio naive/ours: p50 ×${f1(sn.p50 / so.p50)}  p95 ×${f1(sn.p95 / so.p95)}  p99 ×${f1(sn.p99 / so.p99)}  (target p95 < 50 ms: ${so.p95 < 50 ? 'met' : 'NOT met'})`,
    );
    const co = latencySummary(of(ours, 'cpu'));
    const cn = latencySummary(of(naive, 'cpu'));
    lines.push(
      `CPU time per query (robust to other load): ours p50 ${f1(co.p50)} / p95 ${f1(co.p95)} / p99 ${f1(co.p99)} ms; naive p50 ${f1(cn.p50)} / p95 ${f1(cn.p95)} / p99 ${f1(cn.p99)} ms; ratio p95 ×${f1(cn.p95 / co.p95)}`,
    );
    lines.push(pctLine('naive FTS5 (plain MATCH, ORDER BY rank LIMIT 10, no filters):', plain));
    lines.push(
      `warm p99: ours ${f1(so.p99)} ms vs plain FTS5 ${f1(latencySummary(plain).p99)} ms (target ours < 50 ms: ${so.p99 < 50 ? 'met' : 'NOT met'})`,
    );
    lines.push(
      'warm, by query kind: ours p50 / p95 / p99 (CPU p99), bm25 p95 / p99, plain FTS5 p50 / p95 / p99 (ms):',
    );
    for (const kind of kinds) {
      const at = queries.flatMap((q, i) => (q.kind === kind ? [i] : []));
      const o = latencySummary(at.map((i) => ours[i]!.ms));
      const oc = latencySummary(at.map((i) => ours[i]!.cpu));
      const nv = latencySummary(at.map((i) => naive[i]!.ms));
      const pl = latencySummary(at.map((i) => plain[i]!));
      lines.push(
        `  ${kind.padEnd(22)} ours ${f1(o.p50).padStart(5)} / ${f1(o.p95).padStart(5)} / ${f1(o.p99).padStart(5)} (${f1(oc.p99).padStart(5)})${o.p99 < 50 ? '' : ' MISS'}  bm25 ${f1(nv.p95).padStart(6)} / ${f1(nv.p99).padStart(6)}  plain ${f1(pl.p50).padStart(6)} / ${f1(pl.p95).padStart(6)} / ${f1(pl.p99).padStart(6)}`,
      );
    }
    // Fresh process: each query the first in a new process (the OS file cache stays warm).
    const special = new Set(['rare word', 'two words since 365d']);
    const coldSet = kinds.flatMap((kind) =>
      queries.filter((q) => q.kind === kind).slice(0, opts.quick ? 2 : special.has(kind) ? 10 : 4),
    );
    const coldOurs: number[] = [];
    const coldPlain: number[] = [];
    const coldFaults: number[] = [];
    const coldCpu: number[] = [];
    const coldPlainCpu: number[] = [];
    const coldWait: number[] = [];
    const coldByKind = new Map<
      string,
      { ours: number[]; plain: number[]; faults: number[]; cpu: number[]; plainCpu: number[] }
    >();
    for (const [i, q] of coldSet.entries()) {
      const o = await coldQuery(path, 'ours', q.query);
      const pl = await coldQuery(path, 'plain', q.query);
      coldOurs.push(o.ms);
      coldPlain.push(pl.ms);
      coldFaults.push(o.faults);
      coldCpu.push(o.cpu);
      coldPlainCpu.push(pl.cpu);
      coldWait.push(o.wait);
      const k = coldByKind.get(q.kind) ?? { ours: [], plain: [], faults: [], cpu: [], plainCpu: [] };
      k.ours.push(o.ms);
      k.plain.push(pl.ms);
      k.faults.push(o.faults);
      k.cpu.push(o.cpu);
      k.plainCpu.push(pl.cpu);
      coldByKind.set(q.kind, k);
      if (i % 10 === 9) log(`fresh-process queries: ${i + 1}/${coldSet.length}`);
    }
    lines.push('first query in a freshly started process (OS file cache warm):');
    lines.push(pctLine('  ours:      ', coldOurs));
    lines.push(pctLine('  plain FTS5:', coldPlain));
    lines.push(pctLine('  ours, main thread on CPU:      ', coldCpu));
    lines.push(pctLine('  ours, main thread waiting for a CPU:', coldWait));
    lines.push(pctLine('  plain FTS5, main thread on CPU:', coldPlainCpu));
    lines.push(
      `  fresh-process p99: ours ${f1(latencySummary(coldOurs).p99)} ms (target < 50 ms: ${latencySummary(coldOurs).p99 < 50 ? 'met' : 'NOT met'}); minor page faults per query (ours) p50 ${latencySummary(coldFaults).p50} / max ${latencySummary(coldFaults).max}`,
    );
    lines.push(
      '  by query kind: ours p50 / p95 / p99 (on-CPU p99), plain FTS5 p50 / p95 / p99 (on-CPU p99) (ms), page faults p50:',
    );
    for (const kind of kinds) {
      const k = coldByKind.get(kind);
      if (!k) continue;
      const o = latencySummary(k.ours);
      const pl = latencySummary(k.plain);
      const oc = latencySummary(k.cpu);
      const pc = latencySummary(k.plainCpu);
      lines.push(
        `    ${kind.padEnd(22)} ours ${f1(o.p50).padStart(6)} / ${f1(o.p95).padStart(6)} / ${f1(o.p99).padStart(6)} (${f1(oc.p99).padStart(5)})${o.p99 < 50 ? '' : ' MISS'}  plain ${f1(pl.p50).padStart(6)} / ${f1(pl.p95).padStart(6)} / ${f1(pl.p99).padStart(6)} (${f1(pc.p99).padStart(6)})  faults ${latencySummary(k.faults).p50} (${k.ours.length} queries)`,
      );
    }
    lines.push(
      `result overlap with naive top-10 (mean, queries with matches): ${((overlap / Math.max(1, compared)) * 100).toFixed(0)}% — ours favours recent items by design`,
    );
    const load = loadavg()[0]!;
    lines.push(
      `machine: ${cpus().length} cores, load average ${load.toFixed(1)} at the end (shared with other work; wall-clock figures vary between runs)`,
    );
  } finally {
    await store.close();
    archive.cleanup();
  }
  return { name: 'search-bench: SQLite archive search vs naive FTS5 bm25', lines };
}

await runWhenMain(import.meta.url, run);
