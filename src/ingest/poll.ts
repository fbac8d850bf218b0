// The ingest orchestrator: for each due feed, fetch → decode/parse/normalize → tag → store,
// then record the feed's state. One feed's failure is recorded on that feed and never
// stops the others.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Logger } from '../log.ts';
import type {
  FeedRecord,
  FeedState,
  NormalizedItem,
  ParsedFeed,
  StoredItem,
  TaggedItem,
  Tags,
  ThemeId,
} from '../model.ts';
import type { Store } from '../store/types.ts';
import type { FetchFeedResult } from './fetch.ts';
import { nextCheckAfterFailure, nextCheckAfterSuccess } from './next-check.ts';

/** fetchFeed with the configured limits bound (see createFeedFetcher); tests pass stand-ins. */
export type FetchFn = (
  url: string,
  opts: { etag: string | null; lastModified: string | null; guard: boolean; signal?: AbortSignal },
) => Promise<FetchFeedResult>;

export type ParseFn = (
  body: Buffer,
  opts: {
    contentType: string | null;
    baseUrl: string;
    now: Date;
    language: string | null;
    idMode: FeedState['idMode'];
  },
) => ParsedFeed;

export interface TaggerLike {
  tag(input: { title: string; summary: string; lang?: string | null; sourceThemes?: ThemeId[] }): Tags;
}

export interface PollDeps {
  store: Store;
  fetch: FetchFn;
  parse: ParseFn;
  tagger: TaggerLike;
  logger: Logger;
  /** Replica id: feed leases are taken in this name. */
  owner: string;
  intervalMs: number;
  /** Items of a new feed's first poll marked alertable (newest first). */
  newOnFirstPoll: number;
  allowPrivateUrls: boolean;
  now?: () => Date;
  /** Called with what each feed added (story clusters, alerts). Errors are logged, not fatal. */
  afterAdd?: (added: StoredItem[]) => Promise<void>;
}

export interface FeedPollResult {
  feedId: string;
  /** Who added the feed: chat-added feeds tell their channel when they break (feed-notices). */
  origin: FeedRecord['origin'];
  status: 'ok' | 'not-modified' | 'failed';
  added: number;
  duplicates: number;
  error?: string;
}

export interface PollSummary {
  feeds: FeedPollResult[];
  added: number;
  failed: number;
  /**
   * Event-loop delay during the pass (ms): how long a chat command arriving meanwhile could
   * have waited before its handler ran (Discord and Slack want an answer within 3 s).
   */
  eventLoop: { p99Ms: number; maxMs: number };
  /** With `all` and `spareBackingOff`: ids of the feeds left alone because they are backing off. */
  backingOff?: string[];
}

/** Items tagged between two yields to the event loop: a big feed does not hold up chat commands. */
const TAG_CHUNK = 50;

const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * One feed's CPU work at a time, across every lane and pass of this process. Without it the
 * lanes whose answers come in together (16 in flight) resume in the same turn of the event
 * loop and run back to back: seen as 0.5–1.1 s stalls in a first poll. The next holder is
 * let in by setImmediate, so pending I/O (a slash command) is served between two holders.
 */
let turnTail: Promise<void> = Promise.resolve();
async function takeTurn<T>(work: () => Promise<T>): Promise<T> {
  const previous = turnTail;
  let release!: () => void;
  turnTail = new Promise<void>((resolve) => (release = resolve));
  await previous;
  try {
    return await work();
  } finally {
    setImmediate(release);
  }
}

async function tagItems(
  feed: FeedRecord,
  items: NormalizedItem[],
  tagger: TaggerLike,
): Promise<TaggedItem[]> {
  const out: TaggedItem[] = [];
  for (const [i, item] of items.entries()) {
    if (i > 0 && i % TAG_CHUNK === 0) await yieldToLoop();
    out.push({
      ...item,
      ...tagger.tag({
        title: item.title,
        summary: item.summary,
        lang: item.lang ?? feed.language,
        sourceThemes: feed.themes ?? [],
      }),
    });
  }
  return out;
}

/** Which items of this poll may raise alerts: all once the backlog is in, else the newest N. */
function alertableFor(
  feed: FeedRecord,
  items: TaggedItem[],
  newOnFirstPoll: number,
): (item: TaggedItem) => boolean {
  if (feed.state.backlogDone) return () => true;
  if (newOnFirstPoll <= 0) return () => false;
  const newest = new Set(
    [...items]
      .sort((a, b) => b.published.localeCompare(a.published))
      .slice(0, newOnFirstPoll)
      .map((i) => i.guid),
  );
  return (item) => newest.has(item.guid);
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function retryAfterOf(err: unknown): number | null {
  const value = (err as { retryAfterMs?: unknown } | null)?.retryAfterMs;
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** Thrown by pollFeed when its signal aborted it: the feed's state is left as it was. */
export class PollAbortedError extends Error {
  constructor(feedId: string) {
    super(`poll of ${feedId} aborted`);
    this.name = 'PollAbortedError';
  }
}

/**
 * Poll one feed. `passStart`: when the pass that claimed it began; its next regular check
 * counts from there (see next-check.ts). Default: now. With `signal` aborted (shutdown) the
 * fetch is cancelled and nothing is recorded: a stop is not the feed's failure, so it
 * neither backs off nor counts a failure (PollAbortedError).
 */
export async function pollFeed(
  feed: FeedRecord,
  deps: PollDeps,
  passStart?: Date,
  signal?: AbortSignal,
): Promise<FeedPollResult> {
  const now = deps.now?.() ?? new Date();
  const scheduledAt = passStart ?? now;
  const state: FeedState = { ...feed.state, lastCheckAt: now.toISOString() };
  const log = deps.logger.child({ feed_id: feed.id });
  try {
    const fetched = await deps.fetch(feed.url, {
      etag: feed.state.etag,
      lastModified: feed.state.lastModified,
      guard: feed.origin === 'chat' && !deps.allowPrivateUrls,
      ...(signal ? { signal } : {}),
    });
    if (signal?.aborted) throw new PollAbortedError(feed.id);
    if (fetched.status === 'not-modified') {
      Object.assign(state, {
        etag: fetched.etag ?? state.etag,
        lastModified: fetched.lastModified ?? state.lastModified,
        lastSuccessAt: now.toISOString(),
        // A 304 after a failure is a recovery: clear the error like a 200 does.
        lastError: null,
        consecutiveFailures: 0,
        nextCheckAt: nextCheckAfterSuccess(
          now,
          deps.intervalMs,
          { freshUntil: fetched.freshUntil ?? null },
          scheduledAt,
        ).toISOString(),
      });
      await deps.store.saveFeedState(feed.id, state);
      log.debug('feed not modified');
      return { feedId: feed.id, origin: feed.origin, status: 'not-modified', added: 0, duplicates: 0 };
    }
    // On SQLite, answers that arrive together take turns at the work (parse, tag, store,
    // cluster: all of it CPU, the store being synchronous), with the event loop's I/O in
    // between, so a chat command waits for one feed's work at most. On PostgreSQL the store's
    // round trips overlap across lanes; taking turns there would serialise them (first cycle
    // 24 s → 35 s), and its stalls stay short without it.
    const inTurn = deps.store.kind === 'sqlite' ? takeTurn : <T>(work: () => Promise<T>) => work();
    return await inTurn(async () => {
      if (signal?.aborted) throw new PollAbortedError(feed.id); // stopped while waiting its turn
      const parsed = deps.parse(fetched.body, {
        contentType: fetched.contentType,
        baseUrl: fetched.finalUrl,
        now,
        language: feed.language,
        idMode: feed.state.idMode,
      });
      await yieldToLoop(); // parsing was one synchronous stretch; tagging and storing are more
      const tagged = await tagItems(feed, parsed.items, deps.tagger);
      const result = await deps.store.addItems(feed.id, tagged, {
        alertable: alertableFor(feed, tagged, deps.newOnFirstPoll),
        // Trusted guids are the identity: distinct items may share one link (a press page).
        // Without them the link dedupes, also against items stored under an earlier mode.
        urlIsIdentity: (parsed.idMode ?? feed.state.idMode) !== 'guid',
      });
      Object.assign(state, {
        etag: fetched.etag,
        lastModified: fetched.lastModified,
        lastSuccessAt: now.toISOString(),
        lastError: null,
        consecutiveFailures: 0,
        backlogDone: true,
        idMode: parsed.idMode ?? state.idMode,
        feedTitle: parsed.title || state.feedTitle,
        nextCheckAt: nextCheckAfterSuccess(
          now,
          deps.intervalMs,
          { freshUntil: fetched.freshUntil, ttlMinutes: parsed.ttlMinutes },
          scheduledAt,
        ).toISOString(),
      });
      await deps.store.saveFeedState(feed.id, state);
      if (result.added.length && deps.afterAdd) {
        await deps
          .afterAdd(result.added)
          .catch((err: unknown) =>
            log.error({ err: errorMessage(err) }, 'post-processing of new items failed'),
          );
      }
      log.info({ added: result.added.length, duplicates: result.duplicates }, 'feed polled');
      return {
        feedId: feed.id,
        origin: feed.origin,
        status: 'ok',
        added: result.added.length,
        duplicates: result.duplicates,
      };
    });
  } catch (err) {
    if (signal?.aborted) throw new PollAbortedError(feed.id);
    const message = errorMessage(err);
    const failures = feed.state.consecutiveFailures + 1;
    Object.assign(state, {
      lastErrorAt: now.toISOString(),
      lastError: message,
      consecutiveFailures: failures,
      nextCheckAt: nextCheckAfterFailure(
        now,
        deps.intervalMs,
        failures,
        retryAfterOf(err),
        scheduledAt,
      ).toISOString(),
    });
    await deps.store
      .saveFeedState(feed.id, state)
      .catch((saveErr: unknown) =>
        log.error({ err: errorMessage(saveErr) }, 'could not record feed failure'),
      );
    log.warn({ err: message, consecutive_failures: failures }, 'feed failed');
    return {
      feedId: feed.id,
      origin: feed.origin,
      status: 'failed',
      added: 0,
      duplicates: 0,
      error: message,
    };
  }
}

export interface PollOptions {
  /** Poll every unpaused feed now, ignoring next-check times (`govwatch poll --once/--force`, the demo). */
  all?: boolean;
  /**
   * With `all`: leave out feeds backing off after failures (or told to wait by Retry-After)
   * until their next check, so a dead or rate-limiting site is not hit again (`poll --once`).
   */
  spareBackingOff?: boolean;
  /** How many feeds are in flight at once (the fetcher also limits per host). */
  concurrency?: number;
  /** How long a claimed feed stays leased to this replica. Default 5 minutes. */
  leaseMs?: number;
  /** Feeds claimed per round trip to the store. Default: `concurrency`. */
  claimBatch?: number;
  /** Called as each feed finishes; `total` counts the feeds claimed so far in this pass. */
  onFeedDone?: (result: FeedPollResult, done: number, total: number) => void;
  /**
   * Aborts the pass (shutdown): in-flight fetches are cancelled, no further feed is claimed
   * or started, claimed feeds are released, and the pass returns what finished.
   */
  signal?: AbortSignal;
}

const LEASE_MS = 5 * 60_000;
/** Upper bound on the feeds one pass claims, whatever the store keeps handing out. */
const MAX_FEEDS_PER_PASS = 10_000;

/**
 * Poll the due feeds (or all), in parallel, each feed leased to this replica while it runs.
 * Due feeds are claimed a batch at a time as lanes free up, not all at once: with several
 * replicas on one PostgreSQL each takes what it can poll now and the others share the rest,
 * instead of the first replica to wake leasing every due feed for itself. Due means due at
 * the pass's start, so a pass ends (a feed polled in it is not due again in it, however short
 * its interval); each lease still runs `leaseMs` from the moment of its claim. A polled
 * feed's next regular check counts from the pass's start, so the next pass (one interval
 * later) finds it due however far into this pass it was fetched.
 */
export async function pollFeeds(deps: PollDeps, opts: PollOptions = {}): Promise<PollSummary> {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  try {
    const summary = await pollPass(deps, opts);
    const eventLoop = { p99Ms: delay.percentile(99) / 1e6, maxMs: delay.max / 1e6 };
    deps.logger.info(
      {
        feeds: summary.feeds.length,
        added: summary.added,
        failed: summary.failed,
        event_loop_p99_ms: Math.round(eventLoop.p99Ms),
        event_loop_max_ms: Math.round(eventLoop.maxMs),
      },
      'poll pass done',
    );
    return { ...summary, eventLoop };
  } finally {
    delay.disable();
  }
}

async function pollPass(deps: PollDeps, opts: PollOptions): Promise<Omit<PollSummary, 'eventLoop'>> {
  const passStart = deps.now?.() ?? new Date();
  const concurrency = Math.max(1, opts.concurrency ?? 16);
  const leaseMs = opts.leaseMs ?? LEASE_MS;
  const batch = Math.max(1, opts.claimBatch ?? concurrency);
  // Paused feeds are never polled, not even by --force.
  const listed = opts.all ? (await deps.store.listFeeds()).filter((f) => !f.paused) : [];
  const backingOff = (f: FeedRecord): boolean =>
    f.state.consecutiveFailures > 0 &&
    f.state.nextCheckAt !== null &&
    Date.parse(f.state.nextCheckAt) > passStart.getTime();
  const spared = opts.spareBackingOff ? listed.filter(backingOff) : [];
  const queue: FeedRecord[] = opts.spareBackingOff ? listed.filter((f) => !backingOff(f)) : listed;
  let claimed = queue.length;
  let exhausted = Boolean(opts.all);
  let claiming: Promise<void> | null = null;
  const claimMore = async (): Promise<void> => {
    const room = Math.min(batch, MAX_FEEDS_PER_PASS - claimed);
    const elapsed = Math.max(0, (deps.now?.() ?? new Date()).getTime() - passStart.getTime());
    const got =
      room > 0 ? await deps.store.claimDueFeeds(deps.owner, passStart, room, leaseMs + elapsed) : [];
    if (got.length < room || got.length === 0) exhausted = true;
    claimed += got.length;
    queue.push(...got);
  };
  const results: FeedPollResult[] = [];
  let reported = 0;
  const signal = opts.signal;
  const worker = async (): Promise<void> => {
    for (;;) {
      if (signal?.aborted) return;
      if (!queue.length) {
        if (exhausted) return;
        claiming ??= claimMore()
          .catch((err: unknown) => {
            exhausted = true; // the store is failing: finish what is claimed, then report
            throw err;
          })
          .finally(() => (claiming = null));
        await claiming;
        continue;
      }
      const feed = queue.shift()!;
      let result: FeedPollResult;
      try {
        result = await pollFeed(feed, deps, passStart, signal);
        results.push(result);
      } catch (err) {
        if (err instanceof PollAbortedError) return;
        throw err;
      } finally {
        if (!opts.all) await deps.store.releaseFeed(feed.id, deps.owner);
      }
      // This feed's own result and a count of its own: while the lease was being released,
      // other workers may have finished too.
      opts.onFeedDone?.(result, ++reported, claimed);
    }
  };
  const lanes = opts.all ? Math.min(concurrency, queue.length) : concurrency;
  await Promise.all(Array.from({ length: lanes }, worker));
  // Claimed by this pass but never started (the pass was aborted): hand them back.
  if (!opts.all && signal?.aborted) {
    for (const feed of queue.splice(0)) await deps.store.releaseFeed(feed.id, deps.owner);
  }
  return {
    feeds: results,
    added: results.reduce((n, r) => n + r.added, 0),
    failed: results.filter((r) => r.status === 'failed').length,
    ...(opts.spareBackingOff ? { backingOff: spared.map((f) => f.id) } : {}),
  };
}
