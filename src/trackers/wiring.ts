// Tracker poll dependencies from the configuration (shared by `govwatch start`,
// `govwatch trackers poll` and the demo).
import type { Config } from '../config.ts';
import { createFetchLimiter } from '../ingest/limiter.ts';
import type { Logger } from '../log.ts';
import type { Store } from '../store/types.ts';
import { pollTrackers, type TrackerPollDeps, type TrackerPollSummary } from './poll.ts';

export function createTrackerDeps(
  config: Config,
  store: Store,
  logger: Logger,
  now: () => Date = () => new Date(),
): TrackerPollDeps | null {
  if (!config.trackers) return null;
  return {
    store,
    urls: config.trackers.urls,
    intervalMs: config.trackers.intervalMs,
    eventsPath: config.trackers.eventsPath,
    ietfMeetings: true,
    consultationKeywords: config.trackers.consultationKeywords,
    // One request at a time per host: these are public services, not feeds built for polling.
    fetch: {
      timeoutMs: config.fetch.timeoutMs,
      maxBytes: config.fetch.maxBytes,
      limiter: createFetchLimiter({ perHost: 1, global: 4 }),
    },
    logger,
    now,
  };
}

/** One tracker round in the heartbeat; a failure is logged, never thrown into the feed poll. */
export async function runTrackerRound(
  deps: TrackerPollDeps,
  owner: string,
): Promise<TrackerPollSummary | null> {
  const lock = 'trackers-poll';
  if (!(await deps.store.tryLock(lock, owner, 10 * 60_000))) return null;
  try {
    return await pollTrackers(deps);
  } catch (err) {
    deps.logger.error({ err: String(err) }, 'tracker poll failed');
    return null;
  } finally {
    await deps.store.unlock(lock, owner);
  }
}
