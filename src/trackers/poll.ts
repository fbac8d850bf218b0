// The trackers' poll: curated events in, each due process observed by its module, a
// change recorded in its history and told to its followers, reminders enqueued. Fetch
// rules are the feeds' (src/ingest/fetch.ts): conditional requests, limits, Retry-After,
// exponential backoff; a failing or changed source is recorded as the process's last
// error (shown by /tracked and govwatch track list) and never stops the others.
import { FetchError } from '../ingest/errors.ts';
import type { FetchFeedOptions } from '../ingest/fetch.ts';
import { nextCheckAfterFailure, nextCheckAfterSuccess } from '../ingest/next-check.ts';
import type { Logger } from '../log.ts';
import type { Store } from '../store/types.ts';
import { eventProcess, loadEvents } from './events.ts';
import { createTrackerIO, PageChangedError, type TrackerUrls } from './io.ts';
import { enqueueChangeNotices, enqueueReminders } from './notices.ts';
import { moduleFor } from './registry.ts';
import type { TrackedProcess } from './types.ts';

export interface TrackerPollDeps {
  store: Store;
  urls: TrackerUrls;
  /** Least time between two checks of one process (GOVWATCH_TRACKER_POLL_MINUTES). */
  intervalMs: number;
  fetch: Omit<FetchFeedOptions, 'etag' | 'lastModified' | 'now'>;
  /** feeds/events.yaml (GOVWATCH_EVENTS); null: none. */
  eventsPath: string | null;
  logger: Logger;
  now: () => Date;
}

export interface TrackerPollSummary {
  checked: number;
  changed: number;
  errors: Array<{ id: string; error: string }>;
  notices: number;
  reminders: number;
}

export async function syncEvents(store: Store, path: string, now: Date): Promise<number> {
  let n = 0;
  for (const e of loadEvents(path)) {
    const existing = await store.trackers.get(`event:${e.id}`);
    const next = eventProcess(e, now, existing);
    if (existing && JSON.stringify(existing) === JSON.stringify(next)) continue;
    await store.trackers.upsert(next);
    n++;
  }
  return n;
}

/** Observe one process now and record the result. */
export async function checkProcess(
  p: TrackedProcess,
  deps: TrackerPollDeps,
): Promise<{ changed: boolean; notices: number; error: string | null }> {
  const mod = moduleFor(p);
  if (!mod) return { changed: false, notices: 0, error: null };
  const now = deps.now();
  const { io, validators } = createTrackerIO(p.fetch, deps.urls, now, { ...deps.fetch, now: deps.now });
  const stamp = now.toISOString();
  try {
    const obs = await mod.observe(p, io);
    const fetch = {
      ...p.fetch,
      etag: validators.etag,
      lastModified: validators.lastModified,
      lastCheckAt: stamp,
      lastSuccessAt: stamp,
      lastError: null,
      consecutiveFailures: 0,
      nextCheckAt: nextCheckAfterSuccess(now, deps.intervalMs, {
        freshUntil: validators.freshUntil,
      }).toISOString(),
    };
    if (!obs) {
      await deps.store.trackers.upsert({ ...p, fetch });
      return { changed: false, notices: 0, error: null };
    }
    const notes = obs.notes ?? [];
    const firstLook = p.history.length === 0;
    const changed =
      firstLook || p.state !== obs.state || (p.deadline ?? null) !== obs.deadline || notes.length > 0;
    const after: TrackedProcess = {
      ...p,
      title: obs.title ?? p.title,
      state: obs.state,
      deadline: obs.deadline,
      details: obs.details,
      fetch,
      updatedAt: changed ? stamp : p.updatedAt,
      history: changed
        ? [
            ...p.history,
            {
              at: stamp,
              state: obs.state,
              deadline: obs.deadline,
              ...(notes.length ? { note: notes.join('; ') } : {}),
            },
          ]
        : p.history,
    };
    // Notices first: if the process is not saved after them (crash), the next poll sees the
    // same change, builds the same keys (history index), and the outbox ignores the repeat.
    const notices = changed && !firstLook ? await enqueueChangeNotices(deps.store, p, after, notes) : 0;
    await deps.store.trackers.upsert(after);
    return { changed: changed && !firstLook, notices, error: null };
  } catch (err) {
    const message =
      err instanceof PageChangedError || err instanceof FetchError
        ? err.message
        : `tracker failed: ${err instanceof Error ? err.message : String(err)}`;
    const failures = p.fetch.consecutiveFailures + 1;
    const retryAfter = err instanceof FetchError ? err.retryAfterMs : null;
    await deps.store.trackers.upsert({
      ...p,
      fetch: {
        ...p.fetch,
        lastCheckAt: stamp,
        lastErrorAt: stamp,
        lastError: message.split('\n')[0]!,
        consecutiveFailures: failures,
        nextCheckAt: nextCheckAfterFailure(now, deps.intervalMs, failures, retryAfter).toISOString(),
      },
    });
    deps.logger.warn({ tracker: p.id, err: message, failures }, 'tracker check failed');
    return { changed: false, notices: 0, error: message };
  }
}

export async function pollTrackers(
  deps: TrackerPollDeps,
  opts: { force?: boolean } = {},
): Promise<TrackerPollSummary> {
  const summary: TrackerPollSummary = { checked: 0, changed: 0, errors: [], notices: 0, reminders: 0 };
  if (deps.eventsPath) {
    try {
      await syncEvents(deps.store, deps.eventsPath, deps.now());
    } catch (err) {
      summary.errors.push({ id: 'events', error: (err as Error).message });
      deps.logger.error({ err: (err as Error).message }, 'events file not loaded');
    }
  }
  const now = deps.now().getTime();
  for (const p of await deps.store.trackers.list()) {
    if (p.source === 'events') continue;
    if (!opts.force && p.fetch.nextCheckAt && Date.parse(p.fetch.nextCheckAt) > now) continue;
    const r = await checkProcess(p, deps);
    summary.checked++;
    if (r.changed) summary.changed++;
    summary.notices += r.notices;
    if (r.error) summary.errors.push({ id: p.id, error: r.error });
  }
  summary.reminders = await enqueueReminders(deps.store, deps.now());
  return summary;
}
