// Build a platform-neutral Digest from the archive.
//
// What goes in: items stored after the target's digest mark (`afterId`), or, for a target
// that never had a digest, items first seen or published in its period (`seenSince`,
// `publishedSince`). A new feed's backlog (items stored without alerting) counts only when
// published in the period (`backlogSince`), so a first digest shows the news and a feed
// added yesterday brings its recent items, never its years of archive (`includeBacklog`
// lets `govwatch digest`, a reader looking back, see all of it). Of those, the items
// matching the target's subscriptions (see filter.ts), one entry per story cluster.
//
// Order: the most-reported stories first (sources in the cluster), then the newest; the cap
// (default 25) keeps the top stories and the rest is counted in `omitted` with a search
// (`moreQuery`) that finds them. Shown stories are grouped by the lead item's primary theme;
// sections with more stories come first, `other` last.
import { THEME_IDS, type StoredItem, type SubscriptionFilter, type Target, type ThemeId } from '../model.ts';
import type { Store } from '../store/types.ts';
import { digestAgenda } from '../trackers/deadlines.ts';
import { deadlineVerb } from '../trackers/notices.ts';
import { matchesAnyFilter, primaryTheme } from './filter.ts';
import type { Digest, DigestEntry, DigestSection } from './types.ts';

export const DEFAULT_DIGEST_CAP = 25;
/** Items read per query while collecting. */
const PAGE = 1000;

export interface ComposeDigestOptions {
  target: Target | null;
  /** The target's subscriptions' filters; an item matching any is in. Empty = everything. */
  filters: SubscriptionFilter[];
  now: Date;
  /** Most stories shown; default 25. */
  cap?: number;
  title?: string;
  /** ISO start of the period covered; default: the earliest first-seen time among the items. */
  since?: string;
  /** Also show a new feed's backlog (items stored without alerting); for `govwatch digest`. */
  includeBacklog?: boolean;
  /** Show backlog items published at or after this ISO time (the digest's period). */
  backlogSince?: string;
}

export interface BuildDigestOptions extends Omit<ComposeDigestOptions, 'filters'> {
  /** One filter (a single subscription); or use `filters`. */
  filter?: SubscriptionFilter;
  filters?: SubscriptionFilter[];
  /** The digest mark: only items with a larger id. */
  afterId?: number;
  /** With no mark: only items first seen at or after this ISO time. */
  seenSince?: string;
  /** With no mark: also the items published at or after this ISO time (whenever seen). */
  publishedSince?: string;
  /** Upper bound on items read (the rest waits for the next digest). Default 20,000. */
  maxItems?: number;
  /**
   * Days ahead of "Deadlines and meetings" shown first (14 for a daily digest, 31 for a
   * weekly one); absent: no such section.
   */
  agendaDays?: number;
}

export interface PreparedDigest {
  digest: Digest;
  /** Highest item id read (matching or not): where the next digest starts. */
  lastItemId: number;
  /** Items read, before filtering. */
  considered: number;
}

function filtersOf(opts: BuildDigestOptions): SubscriptionFilter[] {
  return [...(opts.filters ?? []), ...(opts.filter ? [opts.filter] : [])];
}

function timeOf(iso: string): number {
  const t = Date.parse(iso);
  return Number.isFinite(t) ? t : 0;
}

interface RankedEntry extends DigestEntry {
  reports: number;
  newest: number;
}

/** Pure: items (any order) → Digest. */
export function composeDigest(items: StoredItem[], opts: ComposeDigestOptions): Digest {
  const cap = Math.max(1, opts.cap ?? DEFAULT_DIGEST_CAP);
  const backlogFrom = opts.backlogSince ? timeOf(opts.backlogSince) : Infinity;
  const candidates = items
    .filter((i) => opts.includeBacklog || i.alertable || timeOf(i.published) >= backlogFrom)
    .sort((a, b) => a.id - b.id);
  const clusters = new Map<number, StoredItem[]>();
  for (const item of candidates) {
    const key = item.clusterId ?? item.id;
    const list = clusters.get(key);
    if (list) list.push(item);
    else clusters.set(key, [item]);
  }
  const ranked: RankedEntry[] = [];
  for (const members of clusters.values()) {
    // The lead is the first matching report; the others (matching or not) are credited.
    const lead = members.find((m) => matchesAnyFilter(m, opts.filters));
    if (!lead) continue;
    const seenFeeds = new Set([lead.feedId]);
    const alsoReportedBy: DigestEntry['alsoReportedBy'] = [];
    for (const m of members) {
      if (seenFeeds.has(m.feedId)) continue;
      seenFeeds.add(m.feedId);
      alsoReportedBy.push({ itemId: m.id, source: m.sourceName, url: m.url });
    }
    const newest = Math.max(...members.map((m) => timeOf(m.published)));
    ranked.push({ item: lead, alsoReportedBy, reports: 1 + alsoReportedBy.length, newest });
  }
  ranked.sort((a, b) => b.reports - a.reports || b.newest - a.newest || b.item.id - a.item.id);
  const shown = ranked.slice(0, cap);

  const wanted = [...new Set(opts.filters.flatMap((f) => f.themes))];
  const bySection = new Map<ThemeId | 'other', DigestEntry[]>();
  for (const { item, alsoReportedBy } of shown) {
    const theme = primaryTheme(item, wanted);
    const list = bySection.get(theme) ?? [];
    list.push({ item, alsoReportedBy });
    bySection.set(theme, list);
  }
  const order = (t: ThemeId | 'other'): number => (t === 'other' ? THEME_IDS.length : THEME_IDS.indexOf(t));
  const sections: DigestSection[] = [...bySection]
    .map(([theme, entries]) => ({ theme, entries }))
    .sort(
      (a, b) =>
        Number(a.theme === 'other') - Number(b.theme === 'other') ||
        b.entries.length - a.entries.length ||
        order(a.theme) - order(b.theme),
    );

  const until = opts.now.toISOString();
  const earliest = candidates.reduce<string | null>(
    (min, i) => (min === null || i.firstSeen < min ? i.firstSeen : min),
    null,
  );
  const since = opts.since ?? earliest ?? until;
  const omitted = ranked.length - shown.length;
  return {
    target: opts.target,
    title: opts.title ?? 'govwatch digest',
    since,
    until,
    sections,
    totalStories: ranked.length,
    omitted,
    moreQuery: omitted > 0 ? moreQueryFor(opts.filters, since) : null,
  };
}

/**
 * The `/search` line for stories beyond the cap. One subscription maps onto search options;
 * several cannot be expressed as one search, so only the date bound is kept.
 */
export function moreQueryFor(filters: SubscriptionFilter[], since: string): string {
  const parts = ['/search'];
  const f = filters.length === 1 ? filters[0] : undefined;
  if (f) {
    if (f.keywords.length === 1) parts.push(JSON.stringify(f.keywords[0]));
    if (f.themes.length) parts.push(`theme:${f.themes.join(',')}`);
    if (f.regions.length) parts.push(`region:${f.regions.join(',')}`);
    if (f.sources.length) parts.push(`source:${f.sources.join(',')}`);
  }
  parts.push(`since:${since.slice(0, 10)}`);
  return parts.join(' ');
}

/** Read the items after the mark (or since a time) and compose the digest. */
export async function prepareDigest(store: Store, opts: BuildDigestOptions): Promise<PreparedDigest> {
  const maxItems = opts.maxItems ?? 20_000;
  const byId = new Map<number, StoredItem>();
  let lastItemId = opts.afterId ?? 0;
  const collect = async (bound: { seenSince?: string; publishedSince?: string }): Promise<void> => {
    let cursor = opts.afterId;
    let read = 0;
    for (;;) {
      const page = await store.listItems({
        ...(cursor !== undefined ? { afterId: cursor } : {}),
        ...bound,
        order: 'id-asc',
        limit: Math.min(PAGE, maxItems - read),
      });
      read += page.length;
      for (const item of page) byId.set(item.id, item);
      const last = page[page.length - 1];
      if (last) {
        lastItemId = Math.max(lastItemId, last.id);
        cursor = last.id;
      }
      if (page.length < PAGE || read >= maxItems) break;
    }
  };
  if (opts.afterId !== undefined) await collect({});
  else {
    await collect(opts.seenSince ? { seenSince: opts.seenSince } : {});
    if (opts.publishedSince) await collect({ publishedSince: opts.publishedSince });
  }
  const items = [...byId.values()];
  const digest = composeDigest(items, { ...opts, filters: filtersOf(opts) });
  if (opts.agendaDays) {
    const agenda = await digestAgenda(store, {
      target: opts.target,
      themes: [...new Set(filtersOf(opts).flatMap((f) => f.themes))],
      now: opts.now,
      days: opts.agendaDays,
    });
    if (agenda.length)
      digest.agenda = agenda.map((p) => ({
        id: p.id,
        title: p.title,
        url: p.url,
        state: p.state,
        deadline: p.deadline!,
        verb: deadlineVerb(p),
      }));
  }
  return { digest, lastItemId, considered: items.length };
}

/** The digest of everything after the mark that the filter selects. */
export async function buildDigest(store: Store, opts: BuildDigestOptions): Promise<Digest> {
  return (await prepareDigest(store, opts)).digest;
}
