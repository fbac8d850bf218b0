// Story clustering cost per poll: assigning clusters to a batch of new items against the
// recent archive (what clusterNewItems does after each poll), against the baseline of only
// extracting the same items' text features (tokenising, stemming, anchors), in the same run.
// Runnable alone: `npx tsx bench/cluster-bench.ts [--quick]`.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { assignClusters, clusterNewItems } from '../src/digest/cluster.ts';
import { openSqliteStore } from '../src/store/sqlite/index.ts';
import { storyFeatures } from '../src/digest/story-features.ts';
import type { StoredItem } from '../src/model.ts';
import type { BenchReport } from './lib.ts';
import { runWhenMain } from './lib.ts';

interface PairItem {
  feedId: string;
  sourceName: string;
  lang: string;
  title: string;
  summary: string;
  url: string | null;
}

function texts(): PairItem[] {
  const out: PairItem[] = [];
  for (const name of ['pairs.jsonl', 'heldout.jsonl']) {
    const path = fileURLToPath(new URL(`../test/fixtures/clusters/${name}`, import.meta.url));
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const p = JSON.parse(line) as { a: PairItem; b: PairItem };
      out.push(p.a, p.b);
    }
  }
  return out;
}

/** Deterministic pseudo-random numbers (mulberry32). */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Half of the words swapped for made-up ones, so copies of a fixture text are distinct stories. */
function vary(text: string, rand: () => number): string {
  return text
    .split(' ')
    .map((w) => (rand() < 0.5 ? `zq${Math.floor(rand() * 5000).toString(36)}` : w))
    .join(' ');
}

/** `n` items made from the fixture texts, spread over four days and 60 feeds. */
function corpus(n: number, firstId: number): StoredItem[] {
  const base = texts();
  const rand = rng(firstId);
  const start = Date.parse('2026-11-20T00:00:00Z');
  return Array.from({ length: n }, (_, i) => {
    const t0 = base[i % base.length]!;
    const t = { ...t0, title: vary(t0.title, rand), summary: vary(t0.summary, rand) };
    const id = firstId + i;
    const published = new Date(start + ((i * 7_919_000) % (4 * 86_400_000))).toISOString();
    return {
      id,
      guid: `b-${id}`,
      title: t.title,
      url: `https://bench.example/${id}`,
      author: null,
      summary: t.summary,
      published,
      publishedEstimated: false,
      lang: t.lang,
      themes: [],
      regions: [],
      why: {},
      feedId: `feed-${i % 60}`,
      sourceName: `Feed ${i % 60}`,
      firstSeen: published,
      alertable: true,
      clusterId: null,
    };
  });
}

function time(fn: () => void, reps: number): number {
  fn(); // warm-up
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < reps; i++) fn();
  return Number(process.hrtime.bigint() - t0) / 1e6 / reps;
}

export async function run(opts: { quick: boolean }): Promise<BenchReport> {
  const recentN = opts.quick ? 1000 : 3000;
  const newN = opts.quick ? 50 : 200;
  const reps = opts.quick ? 2 : 5;
  const recent = corpus(recentN, 1);
  const fresh = corpus(newN, recentN + 1);
  const all = [...recent, ...fresh];
  const featuresMs = time(() => {
    for (const item of all) storyFeatures(item);
  }, reps);
  // The in-memory scan (every recent item's features, then the batch against them).
  let assigned = 0;
  const scanMs = time(() => {
    assigned = assignClusters(fresh, recent).length;
  }, reps);
  // The poller's path: the archive's story index (features stored with each item).
  const indexedMs: number[] = [];
  const clusterMs: number[] = [];
  for (let rep = 0; rep < reps; rep++) {
    const store = openSqliteStore(':memory:', { now: () => new Date('2026-11-24T00:00:00Z') });
    const feeds = [...new Set(all.map((i) => i.feedId))];
    await store.upsertFeeds(
      feeds.map((id) => ({
        id,
        name: id,
        url: `https://bench.example/${id}`,
        kind: 'media' as const,
        language: 'en',
        origin: 'operator' as const,
      })),
    );
    const add = async (items: StoredItem[]) => {
      const out: StoredItem[] = [];
      for (const feedId of feeds) {
        const mine = items.filter((i) => i.feedId === feedId);
        if (mine.length) out.push(...(await store.addItems(feedId, mine, { alertable: () => true })).added);
      }
      return out;
    };
    await add(recent);
    const t0 = process.hrtime.bigint();
    const stored = await add(fresh);
    const t1 = process.hrtime.bigint();
    await clusterNewItems(store, stored, new Date('2026-11-24T00:00:00Z'));
    const t2 = process.hrtime.bigint();
    indexedMs.push(Number(t2 - t0) / 1e6);
    clusterMs.push(Number(t2 - t1) / 1e6);
    await store.close();
  }
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[xs.length >> 1]!;
  const indexed = median(indexedMs);
  const clustering = median(clusterMs);
  const joined = assigned - newN; // earlier items that became a cluster's first member
  return {
    name: 'cluster-bench',
    lines: [
      `batch: ${newN} new items against ${recentN} recent (${all.length} items)`,
      `baseline (text features of the same items only): ${featuresMs.toFixed(1)} ms`,
      `assignClusters (in-memory scan of the recent items): ${scanMs.toFixed(1)} ms per batch = ${(scanMs / featuresMs).toFixed(2)}x the baseline; ${joined} earlier items founded clusters`,
      `store + clusterNewItems (story index, cold cache): ${indexed.toFixed(1)} ms per batch (clustering ${clustering.toFixed(1)} ms) = ${(indexed / featuresMs).toFixed(2)}x the baseline; ${((newN / indexed) * 1000).toFixed(0)} new items/s`,
    ],
  };
}

await runWhenMain(import.meta.url, run);
