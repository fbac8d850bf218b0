// The Prometheus side of Metrics (prom-client), with its own registry so tests and several
// bots in one process do not share counters. Loaded only when the HTTP server is on.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Store } from '../store/types.ts';
import type { Metrics } from './types.ts';

export interface PromMetrics extends Metrics {
  registry: Registry;
  /** Unix ms of the last finished poll pass, or null before the first. */
  lastPollAt(): number | null;
}

/** Outbox entries counted for the depth gauge at most; a deeper queue reads as this. */
const OUTBOX_COUNT_CAP = 10_000;

export function createPromMetrics(opts: { store: Store; now?: () => Date }): PromMetrics {
  const registry = new Registry();
  const now = opts.now ?? (() => new Date());
  collectDefaultMetrics({ register: registry, prefix: 'govwatch_process_' });
  let lastPoll: number | null = null;

  const polls = new Counter({
    name: 'govwatch_polls_total',
    help: 'Poll passes over the due feeds, by outcome',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const pollSeconds = new Histogram({
    name: 'govwatch_poll_duration_seconds',
    help: 'How long one poll pass took',
    buckets: [0.1, 0.5, 1, 5, 15, 60, 300],
    registers: [registry],
  });
  const lastPollGauge = new Gauge({
    name: 'govwatch_last_poll_timestamp_seconds',
    help: 'Unix time of the last finished poll pass (0 before the first)',
    registers: [registry],
    collect() {
      this.set(lastPoll === null ? 0 : lastPoll / 1000);
    },
  });
  const feedFailures = new Counter({
    name: 'govwatch_feed_failures_total',
    help: 'Feed fetches or parses that failed, by reason',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  const items = new Counter({
    name: 'govwatch_items_stored_total',
    help: 'New items stored in the archive',
    registers: [registry],
  });
  const tagging = new Counter({
    name: 'govwatch_tagging_seconds_total',
    help: 'Time spent tagging items (theme and region rules)',
    registers: [registry],
  });
  const deliveries = new Counter({
    name: 'govwatch_deliveries_total',
    help: 'Digest, alert and reply deliveries, by platform, kind and outcome',
    labelNames: ['platform', 'kind', 'outcome'] as const,
    registers: [registry],
  });
  const rateWaits = new Counter({
    name: 'govwatch_rate_limit_waits_total',
    help: 'Times a chat platform asked us to wait (429 / Retry-After)',
    labelNames: ['platform'] as const,
    registers: [registry],
  });
  const rateWaitSeconds = new Counter({
    name: 'govwatch_rate_limit_wait_seconds_total',
    help: 'Seconds chat platforms asked us to wait',
    labelNames: ['platform'] as const,
    registers: [registry],
  });
  const search = new Histogram({
    name: 'govwatch_search_duration_seconds',
    help: 'Archive search latency',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const feedRequests = new Counter({
    name: 'govwatch_http_feed_requests_total',
    help: 'Requests to the Atom / JSON Feed endpoints, by route and status',
    labelNames: ['route', 'status'] as const,
    registers: [registry],
  });
  new Gauge({
    name: 'govwatch_outbox_depth',
    help: `Outbox entries waiting to be sent (pending or sending; counted up to ${OUTBOX_COUNT_CAP})`,
    registers: [registry],
    async collect() {
      const [pending, sending] = await Promise.all([
        opts.store.listOutbox({ status: 'pending', limit: OUTBOX_COUNT_CAP }),
        opts.store.listOutbox({ status: 'sending', limit: OUTBOX_COUNT_CAP }),
      ]);
      this.set(Math.min(OUTBOX_COUNT_CAP, pending.length + sending.length));
    },
  });
  new Gauge({
    name: 'govwatch_outbox_oldest_age_seconds',
    help: 'Age of the oldest entry still waiting in the outbox (0 when empty)',
    registers: [registry],
    async collect() {
      const [oldest] = await opts.store.listOutbox({ status: 'pending', limit: 1 });
      const age = oldest ? (now().getTime() - Date.parse(oldest.createdAt)) / 1000 : 0;
      this.set(Math.max(0, age));
    },
  });
  void lastPollGauge;

  return {
    registry,
    lastPollAt: () => lastPoll,
    pollDone(outcome, seconds) {
      polls.inc({ outcome });
      pollSeconds.observe(seconds);
      lastPoll = now().getTime();
    },
    feedFailed: (reason) => feedFailures.inc({ reason }),
    itemsStored: (n) => items.inc(n),
    taggingSeconds: (s) => tagging.inc(s),
    delivery: (platform, kind, outcome) => deliveries.inc({ platform, kind, outcome }),
    rateLimitWait(platform, seconds) {
      rateWaits.inc({ platform });
      rateWaitSeconds.inc({ platform }, seconds);
    },
    searchSeconds: (s) => search.observe(s),
    feedRequest: (route, status) => feedRequests.inc({ route, status: String(status) }),
  };
}
