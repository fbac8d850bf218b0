// Which items a served feed carries: newest first, at most FEED_SIZE. Themes, regions and
// sources narrow in the store's query; keywords and exclusions (saved searches) are matched like digests
// match them, over a bounded window of the newest candidates.
import { matchesFilter } from '../digest/filter.ts';
import type { StoredItem, SubscriptionFilter } from '../model.ts';
import type { Store } from '../store/types.ts';

export const FEED_SIZE = 50;
/** Candidates scanned for a keyword filter; older matches fall out of the feed. */
const KEYWORD_WINDOW = 2_000;

export async function selectFeedItems(store: Store, filter: SubscriptionFilter): Promise<StoredItem[]> {
  return byArrivalThenDate(await newestMatching(store, filter));
}

/** Newest arrivals first; within one poll's arrivals, newest publication first. */
function byArrivalThenDate(items: StoredItem[]): StoredItem[] {
  return items.sort(
    (a, b) => b.firstSeen.localeCompare(a.firstSeen) || b.published.localeCompare(a.published) || b.id - a.id,
  );
}

async function newestMatching(store: Store, filter: SubscriptionFilter): Promise<StoredItem[]> {
  const base = {
    order: 'id-desc' as const,
    ...(filter.themes.length ? { themes: filter.themes } : {}),
    ...(filter.regions.length ? { regions: filter.regions } : {}),
    ...(filter.sources.length ? { sources: filter.sources } : {}),
  };
  if (!filter.keywords.length && !filter.exclude?.length)
    return store.listItems({ ...base, limit: FEED_SIZE });
  const candidates = await store.listItems({ ...base, limit: KEYWORD_WINDOW });
  return candidates.filter((i) => matchesFilter(i, filter)).slice(0, FEED_SIZE);
}

/** The tagging explanation as one line per tag: `censorship: "blocked", "vpn"`. */
export function whyLines(item: StoredItem): string[] {
  return [...item.themes, ...item.regions].map((tag) => {
    const terms = item.why[tag] ?? [];
    return `${tag}: ${terms.length ? terms.map((t) => `"${t}"`).join(', ') : "(the source's usual theme)"}`;
  });
}
