// Story clusters: reports of the same event by different sources share a `clusterId`, which
// is the id of the cluster's first item. Decided once, when an item is stored (after each
// poll), so digests and search only read `clusterId`.
//
// Two items are the same story when
// - they come from different feeds and have the same canonical URL (any age), or
// - they come from different feeds (or from one feed under one link), were published within
//   `windowDays` of each other, do
//   not disagree on region (both tagged with regions, none shared), and
//   - in the same language: their titles or texts share enough stemmed words, or
//   - across languages: they share at least two name-like anchors (Latin-script names,
//     transliterated Cyrillic names, acronyms, non-year numbers), at least one a name.
// A new item joins the best-matching existing cluster; clusters are never merged, so ids
// already shown to users stay valid.
import type { StoredItem } from '../model.ts';
import type { Store } from '../store/types.ts';
import type { StoryRow } from '../store/types-stories.ts';
import { storyFeatures, type StoryFeatures } from './story-features.ts';
import { keysOf, storyRecord } from './story-index.ts';

export interface ClusterOptions {
  /** Largest distance between publication times of one story's reports. Default 3. */
  windowDays?: number;
}

export interface ClusterAssignment {
  itemId: number;
  clusterId: number;
}

export interface StoryMatch {
  same: boolean;
  /** Higher is more alike; comparable between candidates for one item. */
  score: number;
  reason: 'url' | 'words' | 'names' | null;
}

const DAY_MS = 86_400_000;
const NO_MATCH: StoryMatch = { same: false, score: 0, reason: null };

function intersectionSize(a: Set<string>, b: Set<string>): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let n = 0;
  for (const x of small) if (large.has(x)) n++;
  return n;
}

function jaccard(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  const i = intersectionSize(a, b);
  return i / (a.size + b.size - i);
}

function sameLanguage(a: StoryFeatures, b: StoryFeatures): boolean {
  return a.script === b.script && (a.lang === null || b.lang === null || a.lang === b.lang);
}

/** Whether two items report the same story, and how strongly. */
export function compareStories(a: StoryFeatures, b: StoryFeatures, opts: ClusterOptions = {}): StoryMatch {
  const sameUrl = a.url !== null && a.url === b.url;
  if (sameUrl && a.feedId !== b.feedId) return { same: true, score: 2, reason: 'url' };
  // One feed's posts are distinct stories by design. Its items that share a link (a ministry
  // pointing every item at its press page; their guids told them apart) are one story only
  // when their text says so.
  if (a.feedId === b.feedId && !sameUrl) return NO_MATCH;
  const windowMs = (opts.windowDays ?? 3) * DAY_MS;
  if (Math.abs(a.time - b.time) > windowMs) return NO_MATCH;
  // Both tagged with regions and none in common: the same kind of event in two countries
  // ("Kenya blocks X" / "Tanzania blocks X"), which shared names alone cannot tell apart
  // across languages.
  if (a.regions.size > 0 && b.regions.size > 0 && intersectionSize(a.regions, b.regions) === 0) {
    return NO_MATCH;
  }

  if (sameLanguage(a, b)) {
    // Different numbers in both titles (RFC 9999 vs FIPS 206, "2.1" vs "Level 3") mark
    // different events even when an organisation's press releases share their wording.
    if (
      a.titleNumbers.size > 0 &&
      b.titleNumbers.size > 0 &&
      intersectionSize(a.titleNumbers, b.titleNumbers) === 0
    ) {
      return NO_MATCH;
    }
    const tShared = intersectionSize(a.titleWords, b.titleWords);
    const tJ = jaccard(a.titleWords, b.titleWords);
    const tOverlap = tShared / Math.max(1, Math.min(a.titleWords.size, b.titleWords.size));
    const wJ = jaccard(a.words, b.words);
    const sharedAnchors = intersectionSize(a.anchors, b.anchors);
    const same =
      tJ >= 0.5 ||
      wJ >= 0.3 ||
      (tShared >= 3 && tOverlap >= 0.6 && wJ >= 0.15) ||
      (sharedAnchors >= 2 && tShared >= 2 && wJ >= 0.2);
    return { same, score: Math.max(tJ, wJ) + 0.05 * sharedAnchors, reason: same ? 'words' : null };
  }

  const shared = new Set<string>();
  for (const k of a.anchors) if (b.keys.has(k)) shared.add(k);
  for (const k of b.anchors) if (a.keys.has(k)) shared.add(k);
  let names = 0;
  let numbers = 0;
  for (const k of shared) {
    if (/\d/.test(k)) numbers++;
    else names++;
  }
  const same = names >= 2 || (names >= 1 && numbers >= 1);
  return { same, score: 0.2 * (names + numbers), reason: same ? 'names' : null };
}

/** The best match among `candidates` (ties: the lowest id), or null. */
function bestMatch(
  f: StoryFeatures,
  candidates: Iterable<StoryFeatures>,
  opts: ClusterOptions,
): StoryFeatures | null {
  let best: { cand: StoryFeatures; score: number } | null = null;
  for (const cand of candidates) {
    const m = compareStories(f, cand, opts);
    if (
      m.same &&
      (best === null || m.score > best.score || (m.score === best.score && cand.id < best.cand.id))
    ) {
      best = { cand, score: m.score };
    }
  }
  return best?.cand ?? null;
}

/**
 * Record `item`'s cluster given its best match: joins the match's cluster, and a match that
 * was a story of its own until now founds it. Pushes the assignments made to `out`.
 */
function join(
  itemId: number,
  match: StoryFeatures | null,
  clusterOf: Map<number, number>,
  out: ClusterAssignment[],
): void {
  let clusterId = itemId;
  if (match) {
    const existing = clusterOf.get(match.id);
    if (existing === undefined) {
      clusterOf.set(match.id, match.id);
      out.push({ itemId: match.id, clusterId: match.id });
    }
    clusterId = clusterOf.get(match.id)!;
  }
  clusterOf.set(itemId, clusterId);
  out.push({ itemId, clusterId });
}

/**
 * Cluster ids for `newItems` (and for any earlier item that becomes a cluster's first member).
 * `recentItems` are candidates already stored; their `clusterId` is respected. In memory, for
 * tests and benchmarks; the poller uses clusterNewItems (the archive's index).
 */
export function assignClusters(
  newItems: StoredItem[],
  recentItems: StoredItem[],
  opts: ClusterOptions = {},
): ClusterAssignment[] {
  const newIds = new Set(newItems.map((i) => i.id));
  const clusterOf = new Map<number, number>();
  const pool = new CandidateIndex();
  for (const item of recentItems) {
    if (newIds.has(item.id)) continue;
    if (item.clusterId !== null) clusterOf.set(item.id, item.clusterId);
    pool.add(storyFeatures(item));
  }
  const out: ClusterAssignment[] = [];
  for (const item of [...newItems].sort((a, b) => a.id - b.id)) {
    const f = storyFeatures(item);
    join(item.id, bestMatch(f, pool.candidates(f), opts), clusterOf, out);
    pool.add(f);
  }
  return out;
}

/**
 * Candidates for a comparison: items sharing at least one word, key, anchor or URL with the
 * item. Every rule in compareStories needs one of those in common, so nothing is missed.
 */
class CandidateIndex {
  private readonly items: StoryFeatures[] = [];
  private readonly postings = new Map<string, number[]>();

  add(f: StoryFeatures): void {
    const index = this.items.push(f) - 1;
    for (const term of termsOf(f)) {
      const list = this.postings.get(term);
      if (list) list.push(index);
      else this.postings.set(term, [index]);
    }
  }

  candidates(f: StoryFeatures): StoryFeatures[] {
    const seen = new Set<number>();
    for (const term of termsOf(f)) {
      for (const i of this.postings.get(term) ?? []) seen.add(i);
    }
    return [...seen].sort((a, b) => a - b).map((i) => this.items[i]!);
  }
}

function termsOf(f: StoryFeatures): Set<string> {
  const terms = new Set<string>();
  if (f.url !== null) terms.add(`u:${f.url}`);
  for (const w of f.words) terms.add(`w:${w}`);
  for (const k of f.keys) terms.add(`k:${k}`);
  for (const a of f.anchors) terms.add(`k:${a}`);
  return terms;
}

/** An index key shared by more recent items than this names no story (a feed's boilerplate). */
const MAX_KEY_ITEMS = 100;
/** Such keys are remembered (per archive, bounded) and not looked up again for a while. */
const COMMON_KEY_TTL_MS = 3_600_000;
const COMMON_KEYS_MAX = 100_000;
const commonKeys = new WeakMap<Store, Map<number, number>>();
/** Candidates compared with one new item: the ones sharing the most keys with it. */
const MAX_CANDIDATES = 64;
/** Comparisons between two yields to the event loop (chat commands wait meanwhile). */
const YIELD_EVERY = 300;
const PRUNE_EVERY_MS = 3_600_000;
const PRUNE_CHUNK = 20_000;

const lastPrune = new WeakMap<Store, number>();
const backfilled = new WeakMap<Store, number>();

const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Features of an item stored before the index existed, or copied: computed and stored now. */
async function backfill(store: Store, minId: number): Promise<void> {
  if ((backfilled.get(store) ?? Infinity) <= minId) return;
  for (;;) {
    const items = await store.stories.unindexed(minId, 500);
    if (!items.length) break;
    await store.stories.put(items.map(storyRecord));
    await yieldToLoop();
  }
  backfilled.set(store, minId);
}

/** Keys and features of items that left the window: at most hourly, in chunks. */
async function pruneWindow(store: Store, minId: number, now: number): Promise<void> {
  if (now - (lastPrune.get(store) ?? 0) < PRUNE_EVERY_MS) return;
  lastPrune.set(store, now);
  while ((await store.stories.prune(minId, PRUNE_CHUNK)) >= PRUNE_CHUNK) await yieldToLoop();
}

/** Stand-in features of an item without stored ones (out of the window): only its URL can match. */
function urlOnly(row: StoryRow): StoryFeatures {
  const empty = new Set<string>();
  return {
    id: row.id,
    feedId: row.feedId,
    url: row.url,
    time: -Infinity,
    script: 'other',
    lang: null,
    titleWords: empty,
    words: empty,
    keys: empty,
    anchors: empty,
    regions: empty,
    titleNumbers: empty,
  };
}

/**
 * After a poll: cluster the newly stored items (their features and keys were stored with
 * them) and record the result. Candidates come from the archive's story index: items of the
 * recent window sharing an index key, and items of any age with the same URL; so the work per
 * item depends on how many reports share its keys, not on how many items are archived.
 * Returns the assignments (new items and earlier items that founded a cluster).
 */
export async function clusterNewItems(
  store: Store,
  added: StoredItem[],
  now: Date,
  opts: ClusterOptions = {},
): Promise<ClusterAssignment[]> {
  if (added.length === 0) return [];
  const windowDays = opts.windowDays ?? 3;
  const sorted = [...added].sort((a, b) => a.id - b.id);
  const addedIds = new Set(sorted.map((i) => i.id));
  // Reports of one story are published within the window, but may be first seen a day later.
  const since = new Date(now.getTime() - (windowDays + 1) * DAY_MS).toISOString();
  const minId = Math.min((await store.stories.firstIdSeenSince(since)) ?? sorted[0]!.id, sorted[0]!.id);
  await backfill(store, minId);
  await pruneWindow(store, minId, now.getTime());

  // Features of the new items (cached when they were stored) and their keys.
  const own = new Map<number, StoryRow>();
  for (const row of await store.stories.load([...addedIds])) own.set(row.id, row);
  // New items without stored features (stored by another tool, or features pruned under
  // them) are indexed now, so later items find them: the backfill looks once per window.
  const missing = sorted.filter((i) => own.has(i.id) && !own.get(i.id)!.features);
  if (missing.length) await store.stories.put(missing.map(storyRecord));
  const featuresOf = new Map<number, StoryFeatures>();
  const keysOfItem = new Map<number, number[]>();
  for (const item of sorted) {
    const features = own.get(item.id)?.features ?? storyFeatures(item);
    featuresOf.set(item.id, features);
    keysOfItem.set(item.id, keysOf(features));
  }

  // Candidates: one lookup of every key of the batch, one of every URL.
  let common = commonKeys.get(store);
  if (!common) commonKeys.set(store, (common = new Map()));
  const nowMs = Date.now();
  const allKeys = [...new Set([...keysOfItem.values()].flat())].filter((k) => (common.get(k) ?? 0) < nowMs);
  const idsOfKey = new Map<number, number[]>();
  for (const { key, itemIds } of await store.stories.lookup(allKeys, minId, MAX_KEY_ITEMS + 1)) {
    idsOfKey.set(key, itemIds);
  }
  for (const [key, list] of idsOfKey) {
    if (list.length <= MAX_KEY_ITEMS) continue;
    common.delete(key);
    common.set(key, nowMs + COMMON_KEY_TTL_MS);
    if (common.size > COMMON_KEYS_MAX) common.delete(common.keys().next().value!);
  }
  const urls = [...new Set(sorted.map((i) => i.url).filter((u): u is string => u !== null))];
  const urlIds = await store.stories.idsByUrls(urls);
  const candidatesOf = new Map<number, Set<number>>();
  const wanted = new Set<number>(urlIds);
  for (const item of sorted) {
    // The items sharing the most keys with this one, at most MAX_CANDIDATES of them.
    const shared = new Map<number, number>();
    for (const key of keysOfItem.get(item.id)!) {
      const list = idsOfKey.get(key);
      if (!list || list.length > MAX_KEY_ITEMS) continue;
      for (const id of list) if (id !== item.id) shared.set(id, (shared.get(id) ?? 0) + 1);
    }
    const ids = new Set(
      shared.size <= MAX_CANDIDATES
        ? shared.keys()
        : [...shared]
            .sort((x, y) => y[1] - x[1] || x[0] - y[0])
            .slice(0, MAX_CANDIDATES)
            .map(([id]) => id),
    );
    candidatesOf.set(item.id, ids);
    for (const id of ids) if (!addedIds.has(id)) wanted.add(id);
  }
  const rows = new Map<number, StoryRow>();
  for (const row of await store.stories.load([...wanted])) rows.set(row.id, row);
  const byUrl = new Map<string, number[]>();
  for (const id of urlIds) {
    const url = rows.get(id)?.url;
    if (url) byUrl.set(url, [...(byUrl.get(url) ?? []), id]);
  }

  const clusterOf = new Map<number, number>();
  const candidateFeatures = (id: number): StoryFeatures | null => {
    if (featuresOf.has(id)) return featuresOf.get(id)!;
    const row = rows.get(id);
    if (!row) return null;
    if (row.clusterId !== null) clusterOf.set(id, row.clusterId);
    const f = row.features ?? urlOnly(row);
    featuresOf.set(id, f);
    return f;
  };
  const out: ClusterAssignment[] = [];
  let compared = 0;
  for (const item of sorted) {
    const f = featuresOf.get(item.id)!;
    const ids = new Set(candidatesOf.get(item.id));
    for (const id of byUrl.get(item.url ?? '') ?? []) if (id !== item.id) ids.add(id);
    const cands: StoryFeatures[] = [];
    for (const id of ids) {
      // A new item is compared with earlier new items only, as they were stored in order.
      if (addedIds.has(id) && id > item.id) continue;
      const cf = candidateFeatures(id);
      if (cf && (cf.feedId !== f.feedId || cf.url === f.url)) cands.push(cf);
    }
    join(item.id, bestMatch(f, cands, { windowDays }), clusterOf, out);
    compared += cands.length + 1;
    if (compared >= YIELD_EVERY) {
      compared = 0;
      await yieldToLoop();
    }
  }
  // Only write what changes: an existing member keeps its id.
  const changed = out.filter((a) =>
    addedIds.has(a.itemId) ? true : rows.get(a.itemId)?.clusterId !== a.clusterId,
  );
  if (changed.length > 0) await store.setClusters(changed);
  return out;
}
