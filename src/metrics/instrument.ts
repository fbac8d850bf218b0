// Decorators that feed Metrics without touching the flows they wrap: app.ts wraps the
// chat senders, the tagger, the store's search and the poll pass once, here.
import { performance } from 'node:perf_hooks';
import type { ChatSender } from '../delivery/types.ts';
import { SendError } from '../delivery/types.ts';
import type { PollSummary, TaggerLike } from '../ingest/poll.ts';
import type { Store } from '../store/types.ts';
import type { Metrics } from './types.ts';
import { failureReason } from './types.ts';

/** Deliveries by platform, kind and outcome; 429s with Retry-After as rate-limit waits. */
export function instrumentSender(sender: ChatSender, metrics: Metrics): ChatSender {
  return {
    platform: sender.platform,
    async send(target, message, opts) {
      try {
        const refs = await sender.send(target, message, opts);
        metrics.delivery(sender.platform, message.kind, 'sent');
        return refs;
      } catch (err) {
        const retryable = err instanceof SendError ? err.retryable : true;
        metrics.delivery(sender.platform, message.kind, retryable ? 'retry' : 'failed');
        if (err instanceof SendError && err.retryAfterMs !== null)
          metrics.rateLimitWait(sender.platform, err.retryAfterMs / 1000);
        throw err;
      }
    },
  };
}

export function instrumentTagger(tagger: TaggerLike, metrics: Metrics): TaggerLike {
  return {
    tag(input) {
      const t0 = performance.now();
      try {
        return tagger.tag(input);
      } finally {
        metrics.taggingSeconds((performance.now() - t0) / 1000);
      }
    },
  };
}

/** The same store, with search() timed (chat commands, feeds of saved searches). */
export function instrumentStore(store: Store, metrics: Metrics): Store {
  const timedSearch: Store['search'] = async (q) => {
    const t0 = performance.now();
    try {
      return await store.search(q);
    } finally {
      metrics.searchSeconds((performance.now() - t0) / 1000);
    }
  };
  return new Proxy(store, {
    get(target, prop) {
      if (prop === 'search') return timedSearch;
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

export function recordPoll(metrics: Metrics, summary: PollSummary, seconds: number): void {
  metrics.pollDone('ok', seconds);
  metrics.itemsStored(summary.added);
  for (const f of summary.feeds) if (f.status === 'failed') metrics.feedFailed(failureReason(f.error ?? ''));
}
