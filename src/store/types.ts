// The archive's contract. SQLite (default) and PostgreSQL adapters both implement it and
// both pass test/store/contract.ts. Methods are async so either adapter fits.
import type { EvidenceStore } from './types-evidence.ts';
import type { SettingsStore } from './types-settings.ts';
import type { StoryIndexStore } from './types-stories.ts';
import type { TrackerStore } from '../trackers/types.ts';
import type { FeedTokenStore } from './types-feed-tokens.ts';
import type { TrendStore } from './types-trends.ts';
import type {
  FeedPause,
  FeedRecord,
  FeedSource,
  FeedState,
  RegionCode,
  StoredItem,
  Subscription,
  TaggedItem,
  Target,
  ThemeId,
} from '../model.ts';

export interface SearchQuery {
  /** Free text from a user: never passed raw into a query syntax. Empty means "filters only". */
  text: string;
  themes?: ThemeId[];
  regions?: RegionCode[];
  sources?: string[];
  /** ISO lower bound on `published`. */
  since?: string;
  until?: string;
  /** Default 10, at most 100. */
  limit?: number;
  offset?: number;
}

/** A snippet cut from the title or summary, split so renderers can escape text and mark hits. */
export type Snippet = Array<{ text: string; hit: boolean }>;

export interface SearchHit {
  item: StoredItem;
  score: number;
  snippet: Snippet;
}

export interface SearchResult {
  hits: SearchHit[];
  /** Total matches (may be capped at a large number for speed; then `totalIsEstimate`). */
  total: number;
  totalIsEstimate: boolean;
}

export interface ListItemsQuery {
  /** Only items with `id` greater than this (the digest mark). */
  afterId?: number;
  /** ISO bound on firstSeen. */
  seenSince?: string;
  seenUntil?: string;
  /** ISO bound on `published` (a first digest covers its period by publication date). */
  publishedSince?: string;
  /** Only alertable items whose alerts were never enqueued (recovery after a crash). */
  unalertedOnly?: boolean;
  themes?: ThemeId[];
  regions?: RegionCode[];
  sources?: string[];
  alertableOnly?: boolean;
  limit?: number;
  /** Default 'id-asc'. */
  order?: 'id-asc' | 'id-desc';
}

export interface AddItemsOptions {
  alertable: (item: TaggedItem, index: number) => boolean;
  /**
   * Whether a canonical URL the feed already has (or that repeats in this batch) makes an
   * item a duplicate. Default true. The poller passes false for a feed whose guids are
   * trusted (id mode 'guid'): there distinct items may share one link (a press page).
   */
  urlIsIdentity?: boolean;
}

export interface AddItemsResult {
  /** Items newly stored, with their archive ids, in insertion order. */
  added: StoredItem[];
  /** Items already in the archive (same guid or same canonical URL in this feed). */
  duplicates: number;
}

/** Where a target's last digest stopped: digests select `id > lastItemId`. */
export interface DigestMark {
  lastItemId: number;
  /** ISO time of the last digest slot delivered (or enqueued). */
  lastSlot: string;
}

export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'failed';

export interface NewOutboxEntry {
  /** Unique delivery key: enqueueing the same key twice is a no-op (exactly-once). */
  key: string;
  target: Target;
  kind: 'digest' | 'alert' | 'reply';
  /** JSON-serialisable, platform-neutral content (a Digest part, an item, …). */
  payload: unknown;
}

export interface OutboxEntry extends NewOutboxEntry {
  id: number;
  status: OutboxStatus;
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  claimedBy: string | null;
  claimedUntil: string | null;
  /** Platform message ids recorded after a successful send. */
  sentRefs: string[];
  createdAt: string;
  sentAt: string | null;
}

export type OutboxResult =
  | { ok: true; sentRefs: string[] }
  | { ok: false; error: string; /** null = give up, mark failed */ retryAt: string | null };

/** A subscription before the store assigns its id and creation time. */
export type NewSubscription = Omit<Subscription, 'id' | 'createdAt'>;

export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  close(): Promise<void>;
  /** Named facts the archive keeps about itself (src/store/types-settings.ts). */
  readonly settings: SettingsStore;
  /** Story features and index keys of recent items (src/store/types-stories.ts). */
  readonly stories: StoryIndexStore;
  /** Tracked processes (drafts, treaties, consultations, meetings) and who follows them. */
  readonly trackers: TrackerStore;
  /** Private feed tokens (`/subscribe … mode:feed`), src/store/types-feed-tokens.ts. */
  readonly feedTokens: FeedTokenStore;
  /** Trend counts for charts, src/store/types-trends.ts. */
  readonly trends: TrendStore;
  /** What the evidence APIs answered, per source, query, country and day (src/evidence/). */
  readonly evidence: EvidenceStore;

  // Feeds ------------------------------------------------------------------------------
  /** Insert or update sources (name, url, kind, …), keeping each feed's polling state. */
  upsertFeeds(sources: FeedSource[]): Promise<void>;
  removeFeed(id: string): Promise<boolean>;
  getFeed(id: string): Promise<FeedRecord | null>;
  listFeeds(): Promise<FeedRecord[]>;
  saveFeedState(id: string, state: FeedState): Promise<void>;
  /** Pause a feed (not polled; items kept) or resume it (null). False when there is no such feed. */
  setFeedPaused(id: string, pause: FeedPause | null): Promise<boolean>;
  /**
   * Feeds whose next check is due at `now` and that are not paused, leased to `owner` for `leaseMs` so other
   * replicas skip them. SQLite (one process) may ignore the owner but must honour the lease.
   */
  claimDueFeeds(owner: string, now: Date, limit: number, leaseMs: number): Promise<FeedRecord[]>;
  releaseFeed(id: string, owner: string): Promise<void>;

  // Items ------------------------------------------------------------------------------
  /**
   * Store items of one feed, skipping ones already archived: always by guid (the id chosen
   * per feed, see ingest/item-id.ts); by canonical URL too unless `urlIsIdentity` is false.
   */
  addItems(feedId: string, items: TaggedItem[], opts: AddItemsOptions): Promise<AddItemsResult>;
  getItem(id: number): Promise<StoredItem | null>;
  listItems(q: ListItemsQuery): Promise<StoredItem[]>;
  /** Items whose canonical URL equals `url`, any feed (for story clusters). */
  findItemsByUrl(url: string): Promise<StoredItem[]>;
  setClusters(assignments: Array<{ itemId: number; clusterId: number }>): Promise<void>;
  countItems(): Promise<number>;
  /** Record that these items' alerts are in the outbox (recovery skips them from now on). */
  markAlerted(ids: number[]): Promise<void>;
  search(q: SearchQuery): Promise<SearchResult>;

  // Subscriptions ----------------------------------------------------------------------
  addSubscription(sub: NewSubscription): Promise<Subscription>;
  removeSubscription(id: number): Promise<boolean>;
  /** Change a digest subscription's schedule (`/digest schedule`). */
  updateSubscriptionSchedule(id: number, cron: string, timezone: string): Promise<boolean>;
  listSubscriptions(filter?: { target?: Target; mode?: 'digest' | 'alert' }): Promise<Subscription[]>;

  // Digests and delivery ---------------------------------------------------------------
  getDigestMark(targetKey: string): Promise<DigestMark | null>;
  /**
   * Atomically: insert the entries (ignoring keys already present) and move the target's
   * digest mark. Returns how many entries were new. This is the one place a digest is
   * recorded, so a crash before it repeats nothing and a crash after it loses nothing.
   */
  enqueue(entries: NewOutboxEntry[], mark?: { targetKey: string; mark: DigestMark }): Promise<number>;
  /** Claim up to `limit` due entries for `owner` (status → sending, lease until now+leaseMs). */
  claimOutbox(owner: string, now: Date, limit: number, leaseMs: number): Promise<OutboxEntry[]>;
  completeOutbox(id: number, owner: string, result: OutboxResult): Promise<void>;
  listOutbox(filter?: { status?: OutboxStatus; targetKey?: string; limit?: number }): Promise<OutboxEntry[]>;

  // Coordination -----------------------------------------------------------------------
  /** A named lease (e.g. a digest slot run) held by `owner` until now+ttlMs; false if held by another. */
  tryLock(name: string, owner: string, ttlMs: number): Promise<boolean>;
  unlock(name: string, owner: string): Promise<void>;
  /**
   * Hand back everything `owner` holds: named locks, feed leases, and outbox claims (those
   * entries become pending again, to be re-sent with their idempotency key). A restarted
   * process with a stable owner calls it at start, so it does not wait out its own leases.
   */
  releaseOwner(owner: string): Promise<void>;
}
