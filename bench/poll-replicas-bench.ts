// Poll-cycle time with 1 and with 3 replicas on one PostgreSQL: 1,000 local feeds, each
// answering after 200 ms, polled once each by replica processes (test/support/replica-runner.ts,
// the same composition as `govwatch start`). The clock starts when the feeds are inserted
// (the replicas are already up and polling an empty table every 50 ms) and stops when the
// store shows every feed polled (lastSuccessAt set).
//
// What bounds one replica: its fetcher allows 16 requests in flight in all and 2 per host
// (createPollDeps), so 1,000 feeds × 200 ms ≥ 12.5 s for one replica and ≥ 4.2 s for three.
// The feeds are spread over 50 ports of 127.0.0.1 (the limiter's host is host:port), 20 feeds
// each, so the per-host limit (50 × 2 = 100 slots) is not what binds; on one port it would
// (2 in flight: ≥ 100 s per replica). Each replica claims due feeds a batch at a time
// (pollFeeds), so the three share one cycle instead of the first taking every feed.
//
// Needs PostgreSQL: GOVWATCH_TEST_DATABASE_URL or DATABASE_URL (a server where the user may
// CREATE DATABASE); skipped with a message otherwise. `--quick`: 300 feeds.
import { cpus, loadavg } from 'node:os';
import type { FeedSource } from '../src/model.ts';
import { openStore } from '../src/store/index.ts';
import type { GeneratedItem } from '../test/support/replicas.ts';
import {
  createScratchDatabase,
  rssDocument,
  startFeedServers,
  startReplica,
  stopReplica,
  waitFor,
} from '../test/support/replicas.ts';
import type { BenchReport } from './lib.ts';
import { runWhenMain } from './lib.ts';

const NAME = 'poll-replicas-bench';
const ANSWER_MS = 200;
const PORTS = 50;
const ITEMS_PER_FEED = 3;

function itemsOf(k: number): GeneratedItem[] {
  const base = Date.UTC(2026, 10, 26, 6, 0, 0);
  return Array.from({ length: ITEMS_PER_FEED }, (_, i) => ({
    guid: `b${k}-${i}`,
    url: `http://bench.test/f${k}/${i}`,
    title: `Standards body ${k} publishes note ${i} on routing security`,
    published: new Date(base + i * 60_000),
  }));
}

interface CycleResult {
  ms: number;
  /** Requests the feed servers answered in the cycle (one per feed when no feed is polled twice). */
  requests: number;
}

interface ReplicaRun {
  replicas: number;
  /** First cycle: every item is new (stored, clustered). */
  first: CycleResult;
  /** Next cycle: same content, items already archived (the usual cycle of a running bot). */
  steady: CycleResult;
  /** Feeds polled by each replica over both cycles. */
  perReplica: number[];
  /** CPU used by the replica processes over both cycles. */
  cpuMs: number;
}

async function pollCycles(serverUrl: string, feedCount: number, replicaCount: number): Promise<ReplicaRun> {
  const bodies = Array.from({ length: feedCount }, (_, k) => rssDocument(`Bench feed ${k}`, itemsOf(k)));
  const feeds = await startFeedServers(feedCount, PORTS, (k, _req, res) => {
    setTimeout(() => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(bodies[k]), ANSWER_MS);
  });
  const db = await createScratchDatabase(serverUrl, 'govwatch_bench');
  const replicas: ReturnType<typeof startReplica>[] = [];
  const polledSince = async (iso: string): Promise<boolean> =>
    (
      await db.client.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM feeds WHERE last_success_at >= $1',
        [iso],
      )
    ).rows[0]?.n === feedCount;
  const hits = (): number => feeds.hits.reduce((a, b) => a + b, 0);
  try {
    // Migrations once, before the replicas start (they would take turns on the advisory lock).
    const store = await openStore({ dbPath: ':memory:', databaseUrl: db.url });
    await store.close();
    const env = {
      DATABASE_URL: db.url,
      GW_POLL_EVERY_MS: '50',
      GW_FEED_INTERVAL_MS: String(3_600_000),
      GW_FEED_LEASE_MS: '60000',
      GW_DIGEST_EVERY_MS: '0',
    };
    for (let r = 0; r < replicaCount; r++) replicas.push(startReplica(`bench-r${r}`, env));
    await Promise.all(replicas.map((r) => r.ready));

    // Cycle 1: the feeds appear (the replicas are polling an empty table every 50 ms).
    const setup = await openStore({ dbPath: ':memory:', databaseUrl: db.url });
    const sources: FeedSource[] = Array.from({ length: feedCount }, (_, k) => ({
      id: `bench-${String(k).padStart(4, '0')}`,
      name: `Bench feed ${k}`,
      url: feeds.urlOf(k),
      kind: 'standards',
      language: 'en',
      origin: 'operator',
    }));
    const t1 = new Date();
    await setup.upsertFeeds(sources);
    await setup.close();
    await waitFor('every feed polled', () => polledSince(t1.toISOString()), {
      timeoutMs: 600_000,
      everyMs: 20,
    });
    const first = { ms: Date.now() - t1.getTime(), requests: hits() };

    // Cycle 2: every feed due again at once.
    const before = hits();
    const t2 = new Date();
    await db.client.query('UPDATE feeds SET next_check_at = NULL');
    await waitFor('every feed polled again', () => polledSince(t2.toISOString()), {
      timeoutMs: 600_000,
      everyMs: 20,
    });
    const steady = { ms: Date.now() - t2.getTime(), requests: hits() - before };

    await Promise.all(replicas.map((r) => stopReplica(r)));
    const stats = replicas.map((r) => r.stats());
    return {
      replicas: replicaCount,
      first,
      steady,
      perReplica: stats.map((x) => x?.polled ?? -1),
      cpuMs: stats.reduce((n, x) => n + (x?.cpuMs ?? 0), 0),
    };
  } finally {
    await Promise.all(replicas.map((r) => stopReplica(r)));
    await feeds.close();
    await db.drop();
  }
}

export async function run(opts: { quick: boolean }): Promise<BenchReport> {
  const url = process.env.GOVWATCH_TEST_DATABASE_URL || process.env.DATABASE_URL || '';
  if (!url) {
    return {
      name: NAME,
      lines: ['skipped: set GOVWATCH_TEST_DATABASE_URL (or DATABASE_URL) to a PostgreSQL server to run it'],
    };
  }
  const feedCount = opts.quick ? 300 : 1_000;
  const loadBefore = loadavg()[0]!;
  const one = await pollCycles(url, feedCount, 1);
  const three = await pollCycles(url, feedCount, 3);
  const loadAfter = loadavg()[0]!;
  const bound = (n: number): string => ((feedCount * ANSWER_MS) / (16 * n) / 1000).toFixed(2);
  const sec = (ms: number): string => (ms / 1000).toFixed(2);
  const line = (r: ReplicaRun): string =>
    `${r.replicas} replica${r.replicas > 1 ? 's' : ' '}: first cycle ${sec(r.first.ms)} s, ` +
    `steady cycle ${sec(r.steady.ms)} s (fetch-limit bound ${bound(r.replicas)} s); ` +
    `${r.first.requests}+${r.steady.requests} requests; polled per replica ${r.perReplica.join('/')}; ` +
    `replica CPU ${sec(r.cpuMs)} s`;
  return {
    name: NAME,
    lines: [
      `${feedCount} feeds answering after ${ANSWER_MS} ms, ${ITEMS_PER_FEED} items each, on ${PORTS} ports; PostgreSQL`,
      line(one),
      line(three),
      `speed-up 3 vs 1 replica, steady cycle: ${(one.steady.ms / three.steady.ms).toFixed(2)}× (target ≥ 2.5×)`,
      `speed-up 3 vs 1 replica, first cycle (all items new, clustered): ${(one.first.ms / three.first.ms).toFixed(2)}×`,
      // The replicas, PostgreSQL and the feed servers share this machine: when its cores are
      // busy the cycle is bound by CPU, not by the fetch limits, and the ratio shrinks.
      `machine: ${cpus().length} cores, load average ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after`,
    ],
  };
}

await runWhenMain(import.meta.url, run);
