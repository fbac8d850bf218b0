// One govwatch replica for the multi-process tests and the poll benchmark, composed the way
// startBot (src/app.ts) composes `govwatch start`: archive → poller, digest scheduler and
// outbox worker → the Discord REST sender. Two differences, both about time:
// - the loops run every few hundred milliseconds instead of node-cron's minute heartbeat
//   (the same Scheduler methods, runPoll and runDueDigests, are driven by a timer), and
//   leases are seconds long, so a killed replica's work comes back within the test;
// - the scheduler may run on a scaled clock (GW_CLOCK_ORIGIN/GW_CLOCK_SPEED, the same for all
//   replicas), so a five-field cron such as `* * * * *` yields a digest slot every few seconds.
// No Discord gateway: delivery only needs REST (DISCORD_TOKEN, DISCORD_API_URL).
//
// Run: node --import tsx test/support/replica-runner.ts, with DATABASE_URL and
// GOVWATCH_REPLICA_ID set. Prints `ready <id>` on stdout once its loops run; SIGTERM stops it
// cleanly (exit 0, after printing `stats <id> polled=<feeds> cpu_ms=<CPU since ready>`); the tests also SIGKILL it.
import type { ChatSender } from '../../src/delivery/types.ts';
import { createDeliveryWorker } from '../../src/delivery/worker.ts';
import { loadConfig } from '../../src/config.ts';
import { pollFeeds } from '../../src/ingest/poll.ts';
import { createLogger } from '../../src/log.ts';
import type { Target } from '../../src/model.ts';
import { createPollDeps } from '../../src/pipeline.ts';
import { createDiscordRest, createDiscordSender } from '../../src/platforms/discord/sender.ts';
import { createScheduler } from '../../src/scheduler.ts';
import { openStore } from '../../src/store/index.ts';

/** Test timings; every one has a default so the benchmark only sets what it needs. */
export interface ReplicaTimings {
  /** GW_POLL_EVERY_MS: how often a poll pass may start (the heartbeat). 0 = never poll. */
  pollEveryMs: number;
  /** GW_FEED_INTERVAL_MS: a polled feed is due again after this. */
  feedIntervalMs: number;
  /** GW_FEED_LEASE_MS: how long a claimed feed stays leased. */
  feedLeaseMs: number;
  /** GW_POLL_CONCURRENCY: feeds in flight per pass (the fetcher still limits 2 per host, 16 in all). */
  pollConcurrency: number;
  /** GW_DIGEST_EVERY_MS: how often due digest slots are looked for. 0 = no digests. */
  digestEveryMs: number;
  /** GW_DIGEST_LOCK_MS: digest slot lease. */
  digestLockMs: number;
  /** GW_DIGEST_CAP: stories per digest. */
  digestCap: number;
  /** GW_OUTBOX_LEASE_MS: how long a claimed outbox row stays leased. */
  outboxLeaseMs: number;
  /** GW_CLOCK_ORIGIN / GW_CLOCK_SPEED: scheduler time = origin + (now − origin) × speed. */
  clockOrigin: number;
  clockSpeed: number;
}

function num(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n)) throw new Error(`${name} must be a number, got ${raw}`);
  return n;
}

export function timingsFromEnv(env: NodeJS.ProcessEnv): ReplicaTimings {
  return {
    pollEveryMs: num(env, 'GW_POLL_EVERY_MS', 200),
    feedIntervalMs: num(env, 'GW_FEED_INTERVAL_MS', 60_000),
    feedLeaseMs: num(env, 'GW_FEED_LEASE_MS', 2_000),
    pollConcurrency: num(env, 'GW_POLL_CONCURRENCY', 16),
    digestEveryMs: num(env, 'GW_DIGEST_EVERY_MS', 250),
    digestLockMs: num(env, 'GW_DIGEST_LOCK_MS', 3_000),
    digestCap: num(env, 'GW_DIGEST_CAP', 5),
    outboxLeaseMs: num(env, 'GW_OUTBOX_LEASE_MS', 2_000),
    clockOrigin: num(env, 'GW_CLOCK_ORIGIN', Date.now()),
    clockSpeed: num(env, 'GW_CLOCK_SPEED', 1),
  };
}

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  if (!config.databaseUrl) throw new Error('replica-runner: DATABASE_URL is required');
  const t = timingsFromEnv(process.env);
  const owner = config.replicaId ?? `replica-${process.pid}`;
  const logger = createLogger(config.logLevel).child({ replica: owner });
  const store = await openStore(config, logger);

  const senders = new Map<Target['platform'], ChatSender>();
  if (config.discord) {
    const rest = createDiscordRest({
      token: config.discord.token,
      ...(config.discord.apiUrl ? { apiUrl: config.discord.apiUrl } : {}),
    });
    senders.set('discord', createDiscordSender({ rest, logger }));
  }
  const worker = createDeliveryWorker({
    store,
    senders,
    owner,
    logger,
    leaseMs: t.outboxLeaseMs,
    idleMs: 100,
    backoff: { baseMs: 200, maxMs: 2_000 },
  });
  const pollDeps = { ...createPollDeps({ store, config, logger, owner }), intervalMs: t.feedIntervalMs };
  let polled = 0;
  const clock = (): Date => new Date(t.clockOrigin + (Date.now() - t.clockOrigin) * t.clockSpeed);
  const scheduler = createScheduler({
    store,
    poll: async () => {
      const summary = await pollFeeds(pollDeps, { leaseMs: t.feedLeaseMs, concurrency: t.pollConcurrency });
      polled += summary.feeds.length;
    },
    defaultCron: config.digestCron,
    defaultTimeZone: config.timezone,
    owner,
    logger,
    now: clock,
    digestLockTtlMs: t.digestLockMs,
    digestCap: t.digestCap,
    shutdownTimeoutMs: 2_000,
  });

  // The heartbeat, faster: each loop waits for its own work before the next round.
  let running = true;
  const every = (ms: number, fn: () => Promise<unknown>): Promise<void> =>
    (async () => {
      while (running && ms > 0) {
        await fn().catch((err: unknown) => logger.error({ err: String(err) }, 'replica loop failed'));
        await new Promise((r) => setTimeout(r, ms));
      }
    })();
  worker.start();
  const loops = [
    every(t.pollEveryMs, () => scheduler.runPoll()),
    every(t.digestEveryMs, () => scheduler.runDueDigests()),
  ];
  const cpuAtReady = process.cpuUsage();
  process.stdout.write(`ready ${owner}\n`);

  const stop = async (): Promise<void> => {
    running = false;
    await scheduler.stop();
    await Promise.all(loops);
    await worker.stop();
    await store.close();
    const cpu = process.cpuUsage(cpuAtReady);
    process.stdout.write(
      `stats ${owner} polled=${polled} cpu_ms=${Math.round((cpu.user + cpu.system) / 1000)}\n`,
    );
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
}

await main();
