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
import { assertTimeZone } from '../schedule/cron.ts';
import { meetingsUrl, parseMeetings } from './datatracker.ts';
import { discoverConsultations } from './discover.ts';
import { eventProcess, loadEvents } from './events.ts';
import { createTrackerIO, PageChangedError, type TrackerUrls } from './io.ts';
import { enqueueChangeNotices, enqueueReminders } from './notices.ts';
import { moduleFor } from './registry.ts';
import { emptyFetchState, type TrackedProcess } from './types.ts';

export interface TrackerPollDeps {
  store: Store;
  urls: TrackerUrls;
  /** Least time between two checks of one process (GOVWATCH_TRACKER_POLL_MINUTES). */
  intervalMs: number;
  fetch: Omit<FetchFeedOptions, 'etag' | 'lastModified' | 'now'>;
  /** feeds/events.yaml (GOVWATCH_EVENTS); null: none. */
  eventsPath: string | null;
  /** Also read upcoming IETF meetings from the Datatracker (once per interval). */
  ietfMeetings?: boolean;
  /** Find open ICANN and "Have your say" consultations matching these (GOVWATCH_CONSULTATION_KEYWORDS). */
  consultationKeywords?: string[];
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

const MEETINGS_NEXT = 'trackers.ietf-meetings.next-check';

/** Upcoming IETF meetings from the Datatracker become meetings (`event:ietf-<number>`), at most once per interval. */
export async function syncIetfMeetings(deps: TrackerPollDeps): Promise<number> {
  const now = deps.now();
  const next = await deps.store.settings.get(MEETINGS_NEXT);
  if (next && Date.parse(next) > now.getTime()) return 0;
  await deps.store.settings.set(MEETINGS_NEXT, new Date(now.getTime() + deps.intervalMs).toISOString());
  const { io } = createTrackerIO(emptyFetchState(), deps.urls, now, { ...deps.fetch, now: deps.now });
  const meetings = parseMeetings(
    await io.get(meetingsUrl(deps.urls.datatracker, now.toISOString().slice(0, 10))),
  );
  let n = 0;
  for (const m of meetings) {
    let timezone = m.timeZone;
    try {
      assertTimeZone(timezone);
    } catch {
      timezone = 'UTC';
    }
    const end = new Date(Date.parse(`${m.date}T00:00:00Z`) + Math.max(0, m.days - 1) * 86_400_000)
      .toISOString()
      .slice(0, 10);
    const id = `ietf-${m.number}`;
    const existing = await deps.store.trackers.get(`event:${id}`);
    const p = eventProcess(
      {
        id,
        name: `IETF ${m.number}`,
        organiser: 'IETF',
        start: m.date,
        end,
        timezone,
        place: [m.city, m.country].filter(Boolean).join(', '),
        url: `https://datatracker.ietf.org/meeting/${m.number}/`,
        themes: ['standards'],
        regions: /^[A-Z]{2}$/.test(m.country) ? [m.country] : [],
      },
      now,
      existing,
    );
    if (existing && JSON.stringify(existing) === JSON.stringify(p)) continue;
    await deps.store.trackers.upsert(p);
    n++;
  }
  return n;
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
    // Stopping (the poll's signal): not the tracked site's failure; nothing is recorded.
    if (deps.fetch.signal?.aborted) return { changed: false, notices: 0, error: null };
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
  if (deps.ietfMeetings) {
    try {
      await syncIetfMeetings(deps);
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      summary.errors.push({ id: 'ietf-meetings', error });
      deps.logger.warn({ err: error }, 'IETF meetings not read from the Datatracker');
    }
  }
  if (deps.consultationKeywords?.length) {
    const found = await discoverConsultations(deps, deps.consultationKeywords);
    for (const e of found.errors) {
      summary.errors.push(e);
      deps.logger.warn({ tracker: e.id, err: e.error }, 'consultation search failed');
    }
  }
  const now = deps.now().getTime();
  for (const p of await deps.store.trackers.list()) {
    if (deps.fetch.signal?.aborted) break;
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
