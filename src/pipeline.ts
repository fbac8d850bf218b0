// Wiring of the ingest flow from the configuration: the real fetcher, parser and tagger,
// and what happens to new items (story clusters, then alerts).
import { enqueueAlerts } from './alerts.ts';
import type { Config } from './config.ts';
import { clusterNewItems } from './digest/cluster.ts';
import { createFeedFetcher } from './ingest/fetch.ts';
import { createFetchLimiter } from './ingest/limiter.ts';
import { parseFeedBytes } from './ingest/parse.ts';
import type { PollDeps } from './ingest/poll.ts';
import type { Logger } from './log.ts';
import { THEMES_FILE } from './paths.ts';
import type { StoredItem } from './model.ts';
import type { Store } from './store/types.ts';
import { loadTagger } from './tagging/tagger.ts';
import type { Tagger } from './tagging/tagger.ts';

export interface PipelineOptions {
  store: Store;
  config: Config;
  logger: Logger;
  owner: string;
  tagger?: Tagger;
  now?: () => Date;
  /** Called (not awaited) with new items once they are stored and alerted: evidence fetching. */
  afterStored?: (items: StoredItem[]) => void;
}

export function createPollDeps(opts: PipelineOptions): PollDeps {
  const { store, config, logger } = opts;
  const now = opts.now ?? (() => new Date());
  const fetch = createFeedFetcher({
    timeoutMs: config.fetch.timeoutMs,
    maxBytes: config.fetch.maxBytes,
    allowPrivate: config.allowPrivateUrls,
    limiter: createFetchLimiter({ perHost: 2, global: 16 }),
    // The same clock as the poll, so Cache-Control/Retry-After deadlines and next checks agree.
    now,
  });
  return {
    store,
    fetch,
    parse: (body, o) => parseFeedBytes(body, o),
    tagger: opts.tagger ?? loadTagger(THEMES_FILE),
    logger,
    owner: opts.owner,
    intervalMs: config.pollMinutes * 60_000,
    newOnFirstPoll: config.newOnFirstPoll,
    allowPrivateUrls: config.allowPrivateUrls,
    now,
    afterAdd: async (added) => {
      // Clusters first, so an alert or digest built right after sees the story's cluster.
      // A clustering failure must not cost the alerts: these items are never "new" again.
      let items = added;
      try {
        const assignments = await clusterNewItems(store, added, now());
        const clusterOf = new Map(assignments.map((a) => [a.itemId, a.clusterId]));
        items = added.map((i) => (clusterOf.has(i.id) ? { ...i, clusterId: clusterOf.get(i.id)! } : i));
      } catch (err) {
        logger.error(
          { err: String(err), items: added.length },
          'story clustering failed; alerting without it',
        );
      }
      await enqueueAlerts(store, items);
      opts.afterStored?.(items);
    },
  };
}
