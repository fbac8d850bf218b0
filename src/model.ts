// Plain types shared by every flow. Nothing here imports a library: the ingest, tagging,
// digest, store and platform code all speak these shapes.

export const THEME_IDS = [
  'censorship',
  'surveillance',
  'encryption',
  'shutdowns',
  'standards',
  'internet-governance',
  'cybercrime',
  'cybersecurity',
  'privacy',
  'disinformation',
  'platforms',
  'ai-governance',
  'free-expression',
  'geopolitics',
  'infrastructure',
] as const;
export type ThemeId = (typeof THEME_IDS)[number];

export function isThemeId(value: string): value is ThemeId {
  return (THEME_IDS as readonly string[]).includes(value);
}

/** ISO 3166-1 alpha-2 code, or `EU` for the European Union as an actor. */
export type RegionCode = string;

export type SourceKind = 'standards' | 'rights' | 'government' | 'media';

/** A feed as configured: from feeds/sources.yaml (trusted) or added from chat (untrusted). */
export interface FeedSource {
  id: string;
  name: string;
  url: string;
  kind: SourceKind;
  /** BCP 47 primary language of the feed, e.g. `en`, `ru`, `zh`. */
  language: string;
  /** Themes the source usually covers: a prior for the tagger, never a verdict. */
  themes?: ThemeId[];
  /** The source's web site (OPML `htmlUrl`), when known. */
  homepage?: string;
  /** Who added it: operator files are trusted; chat users' URLs go through the address guard. */
  origin: 'operator' | 'chat';
}

/** Per-feed polling state, persisted between runs. */
export interface FeedState {
  etag: string | null;
  lastModified: string | null;
  /** ISO timestamps. */
  lastCheckAt: string | null;
  lastSuccessAt: string | null;
  lastErrorAt: string | null;
  lastError: string | null;
  consecutiveFailures: number;
  nextCheckAt: string | null;
  /** Set once the first successful poll has stored the feed's backlog. */
  backlogDone: boolean;
  /** Item-id strategy chosen for this feed (FreshRSS-style fallback when guids are unreliable). */
  idMode: 'guid' | 'link' | 'hash';
  /** Title of the feed as last seen. */
  feedTitle: string | null;
}

/** The state of a feed never polled yet. */
export function emptyFeedState(): FeedState {
  return {
    etag: null,
    lastModified: null,
    lastCheckAt: null,
    lastSuccessAt: null,
    lastErrorAt: null,
    lastError: null,
    consecutiveFailures: 0,
    nextCheckAt: null,
    backlogDone: false,
    idMode: 'guid',
    feedTitle: null,
  };
}

/**
 * Why a feed is not polled. Its items stay in the archive and in search; resuming it
 * polls it again. `sources-file`: an operator feed the sources file no longer lists (it
 * resumes by itself when the file lists it again); `operator`: `govwatch feeds pause`;
 * `chat`: `/feeds pause` by a chat admin (chat-added feeds only).
 */
export interface FeedPause {
  /** ISO time it was paused. */
  at: string;
  by: 'sources-file' | 'operator' | 'chat';
}

export interface FeedRecord extends FeedSource {
  state: FeedState;
  itemCount: number;
  /** Null while the feed is polled. */
  paused: FeedPause | null;
}

export type FeedFormat = 'rss0.9x' | 'rss1.0' | 'rss2.0' | 'atom0.3' | 'atom1.0' | 'json1.1';

/** An item after parsing and normalizing, before tagging. */
export interface NormalizedItem {
  /** Stable id within its feed: guid, else canonical link, else a hash of title and date. */
  guid: string;
  title: string;
  /** Canonical absolute URL (tracking parameters removed), or null when the item has none. */
  url: string | null;
  author: string | null;
  /** Plain text, entities decoded, whitespace folded, cut near 500 characters. */
  summary: string;
  /** ISO 8601 UTC ending in Z. When the feed gave no date this is the first-seen time. */
  published: string;
  /** True when `published` is the first-seen time because the feed gave no usable date. */
  publishedEstimated: boolean;
  /** Language of the text if known (item, feed or source). */
  lang: string | null;
}

export interface ParsedFeed {
  title: string;
  link: string | null;
  format: FeedFormat;
  items: NormalizedItem[];
  /** `<ttl>` in minutes, when the feed gives one. */
  ttlMinutes: number | null;
  /** Item-id strategy used for this feed's guids (see FeedState.idMode). */
  idMode?: 'guid' | 'link' | 'hash';
}

/** Why an item got a tag: theme id or region code → the terms that matched. */
export type TagExplanation = Record<string, string[]>;

export interface Tags {
  themes: ThemeId[];
  regions: RegionCode[];
  why: TagExplanation;
  /**
   * The themes tagged with confidence (the learned layer's per-theme precision threshold):
   * alerts fire only on these. Absent for the rules-only tagger and for items read back from
   * the archive (not stored); then every theme counts.
   */
  confident?: ThemeId[];
}

export type TaggedItem = NormalizedItem & Tags;

/** An item as stored in the archive. */
export interface StoredItem extends TaggedItem {
  /** Archive-wide id, stable and short enough to type (`/why 1234`). */
  id: number;
  feedId: string;
  sourceName: string;
  /** ISO time the archive first saw it. */
  firstSeen: string;
  /** False for a new feed's backlog: stored but not alerted. */
  alertable: boolean;
  /** Cluster of the same story across sources; equals `id` of the cluster's first item. */
  clusterId: number | null;
}

/** A place that receives digests and alerts. */
export interface Target {
  platform: 'discord' | 'slack' | 'console';
  /** Channel id, or user id for direct messages. */
  channelId: string;
  /** Guild or team id; empty for console. */
  workspaceId: string;
  kind: 'channel' | 'user';
}

export function targetKey(t: Target): string {
  return `${t.platform}:${t.workspaceId}:${t.kind}:${t.channelId}`;
}

export interface SubscriptionFilter {
  themes: ThemeId[];
  regions: RegionCode[];
  sources: string[];
  keywords: string[];
  /**
   * Excluded keywords (`-word`, `-"a phrase"`): an item matching any of them is left out,
   * whatever else matches. Absent in filters stored before exclusions existed.
   */
  exclude?: string[];
}

export interface Subscription {
  id: number;
  target: Target;
  filter: SubscriptionFilter;
  mode: 'digest' | 'alert';
  /** Cron expression (5 fields) for digests, e.g. `0 8 * * *`; null: GOVWATCH_DIGEST_CRON. */
  cron: string | null;
  /** IANA zone of the schedule; '': GOVWATCH_TIMEZONE. */
  timezone: string;
  createdBy: string;
  createdAt: string;
}

/** An error whose message is for the user (shown ephemeral in chat, one line on the CLI). */
export class UserError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'UserError';
  }
}
