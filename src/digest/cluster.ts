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
import { storyFeatures, type StoryFeatures } from './story-features.ts';

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

/**
 * Cluster ids for `newItems` (and for any earlier item that becomes a cluster's first member).
 * `recentItems` are candidates already stored; their `clusterId` is respected.
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
    pool.add(featuresOf(item));
  }
  const out: ClusterAssignment[] = [];
  for (const item of [...newItems].sort((a, b) => a.id - b.id)) {
    const f = featuresOf(item);
    let best: { cand: StoryFeatures; score: number } | null = null;
    for (const cand of pool.candidates(f)) {
      const m = compareStories(f, cand, opts);
      if (
        m.same &&
        (best === null || m.score > best.score || (m.score === best.score && cand.id < best.cand.id))
      ) {
        best = { cand, score: m.score };
      }
    }
    let clusterId = item.id;
    if (best) {
      const existing = clusterOf.get(best.cand.id);
      if (existing === undefined) {
        // The candidate was a story of its own until now: it founds the cluster.
        clusterOf.set(best.cand.id, best.cand.id);
        out.push({ itemId: best.cand.id, clusterId: best.cand.id });
      }
      clusterId = clusterOf.get(best.cand.id)!;
    }
    clusterOf.set(item.id, clusterId);
    out.push({ itemId: item.id, clusterId });
    pool.add(f);
  }
  return out;
}

/**
 * Candidates for a comparison: items sharing at least one word, key, anchor or URL with the
 * item. Every rule in compareStories needs one of those in common, so nothing is missed,
 * and a batch is compared with a few dozen items instead of the whole recent archive.
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

// Stored items do not change, so their features are kept between polls (bounded).
const FEATURE_CACHE_MAX = 20_000;
const featureCache = new Map<number, { signature: string; features: StoryFeatures }>();

/** Every field the features depend on: a reused id (another archive, a test) is not a hit. */
function signatureOf(i: StoredItem): string {
  return [i.feedId, i.url, i.published, i.publishedEstimated, i.firstSeen, i.lang, i.title, i.summary].join(
    '\u0000',
  );
}

/** Forget cached features (benchmarks measure a cold start with it). */
export function clearFeatureCache(): void {
  featureCache.clear();
}

function featuresOf(item: StoredItem): StoryFeatures {
  const signature = signatureOf(item);
  const hit = featureCache.get(item.id);
  if (hit && hit.signature === signature) return hit.features;
  const features = storyFeatures(item);
  featureCache.delete(item.id); // re-insert at the young end
  featureCache.set(item.id, { signature, features });
  if (featureCache.size > FEATURE_CACHE_MAX) {
    const oldest = featureCache.keys().next().value;
    if (oldest !== undefined) featureCache.delete(oldest);
  }
  return features;
}

/**
 * After a poll: cluster the newly stored items against the recent archive and items with the
 * same URL, and record the result. Returns the assignments written.
 */
export async function clusterNewItems(
  store: Store,
  added: StoredItem[],
  now: Date,
  opts: ClusterOptions & { maxRecent?: number } = {},
): Promise<ClusterAssignment[]> {
  if (added.length === 0) return [];
  const windowDays = opts.windowDays ?? 3;
  const addedIds = new Set(added.map((i) => i.id));
  const candidates = new Map<number, StoredItem>();
  // Reports of one story are published within the window, but may be first seen a day later.
  const recent = await store.listItems({
    seenSince: new Date(now.getTime() - (windowDays + 1) * DAY_MS).toISOString(),
    order: 'id-desc',
    limit: opts.maxRecent ?? 3000,
  });
  for (const item of recent) if (!addedIds.has(item.id)) candidates.set(item.id, item);
  const urls = new Set(added.map((i) => i.url).filter((u): u is string => u !== null));
  for (const url of urls) {
    for (const item of await store.findItemsByUrl(url)) {
      if (!addedIds.has(item.id)) candidates.set(item.id, item);
    }
  }
  const assignments = assignClusters(added, [...candidates.values()], { windowDays });
  // Only write what changes: an existing member keeps its id.
  const addedById = new Map(added.map((i) => [i.id, i]));
  const changed = assignments.filter((a) => {
    const known = candidates.get(a.itemId) ?? addedById.get(a.itemId);
    return known?.clusterId !== a.clusterId;
  });
  if (changed.length > 0) await store.setClusters(changed);
  return assignments;
}
