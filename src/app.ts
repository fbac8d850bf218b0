// Composition root of the bot: config → archive → poller, scheduler, outbox worker →
// Discord / Slack / the terminal. Everything else receives what it needs from here.
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { allCommands } from '../commands/index.ts';
import { RECOVERY_GRACE_MS, recoverUnalertedItems } from './alerts.ts';
import { describeSync, openArchive } from './archive.ts';
import type { Config } from './config.ts';
import type { ChatSender } from './delivery/types.ts';
import { createDeliveryWorker, type DeliveryWorker } from './delivery/worker.ts';
import { noticeFeedHealth } from './ingest/feed-notices.ts';
import { pollFeeds } from './ingest/poll.ts';
import type { Logger } from './log.ts';
import type { Target } from './model.ts';
import { createPollDeps } from './pipeline.ts';
import {
  CONSOLE_TARGET,
  TERMINAL_SUBSCRIPTION_REMOVED,
  createConsoleSender,
} from './platforms/console/index.ts';
import { firstTerminalDigest } from './platforms/console/first-digest.ts';
import { defaultOwner } from './owner.ts';
import { createScheduler, type Scheduler } from './scheduler.ts';
import { withEvidence } from './evidence/attach.ts';
import { evidenceServiceFor } from './evidence/service.ts';
import { createEvidenceWorker, type EvidenceWorker } from './evidence/worker.ts';
import type { Store } from './store/types.ts';
import { shutdownBudget, type ShutdownBudget } from './shutdown.ts';
import { createTrackerDeps, runTrackerRound } from './trackers/wiring.ts';
import type { HttpServer } from './http/server.ts';
import { instrumentSender, instrumentStore, instrumentTagger, recordPoll } from './metrics/instrument.ts';
import { noopMetrics, type Metrics } from './metrics/types.ts';

export interface Bot {
  store: Store;
  owner: string;
  platforms: Array<Target['platform']>;
  /** The heartbeat (poll, digests); tests drive it with runPoll()/runDueDigests()/tick(). */
  scheduler: Scheduler;
  /** The outbox worker (running unless `autoStart: false`); runOnce() delivers what is due. */
  worker: DeliveryWorker;
  /** Slack HTTP mode: the port Bolt listens on (SLACK_PORT=0 picks one); otherwise null. */
  slackPort: number | null;
  /** Background evidence fetching (GOVWATCH_EVIDENCE=on); null when off. */
  evidence: EvidenceWorker | null;
  /** GOVWATCH_HTTP_PORT set: the port the HTTP server listens on (0 picks one); otherwise null. */
  httpPort: number | null;
  /**
   * Stop within `deadlineMs` (default GOVWATCH_SHUTDOWN_TIMEOUT_MS) whatever a platform, the
   * database or a feed does: take no more work, abort fetches and sends in flight, leave the
   * platforms without waiting for their answers, release this owner's leases, close the
   * archive. Resolves with the steps that had not finished when the deadline passed (empty:
   * a clean stop). Calling it again returns the same promise.
   */
  stop(opts?: { deadlineMs?: number }): Promise<ShutdownReport>;
  /** While stop() runs: the steps not finished yet (what a signal handler logs at its deadline). */
  stopPending(): string[];
}

export interface ShutdownReport {
  /** Steps abandoned at the deadline; empty when everything settled. */
  pending: string[];
  /** Steps that threw (e.g. releasing leases on a database that is gone). */
  failed: string[];
  elapsedMs: number;
}

/** Of the shutdown budget, kept back for releasing leases and closing the archive. */
const STORE_RESERVE_SHARE = 0.25;

/**
 * In terminal mode the terminal gets a digest of everything unless told otherwise. Its
 * schedule is stored as "the configured default" (no cron, no zone), so it follows
 * GOVWATCH_DIGEST_CRON and GOVWATCH_TIMEZONE whenever they change.
 */
async function ensureConsoleSubscription(store: Store): Promise<void> {
  const existing = await store.listSubscriptions({ target: CONSOLE_TARGET });
  if (existing.length || (await store.settings.get(TERMINAL_SUBSCRIPTION_REMOVED))) return;
  await store.addSubscription({
    target: CONSOLE_TARGET,
    filter: { themes: [], regions: [], sources: [], keywords: [] },
    mode: 'digest',
    cron: null,
    timezone: '',
    createdBy: 'govwatch',
  });
}

/** Seams for tests and embedders; the CLI passes none. */
export interface StartBotOptions {
  /** The clock of the scheduler and the poller (due feeds, digest slots). Default: real time. */
  now?: () => Date;
  /**
   * false: neither the scheduler's heartbeat nor the outbox loop starts; the caller drives
   * bot.scheduler and bot.worker (e.g. runPoll() then worker.runOnce()). Default true.
   */
  autoStart?: boolean;
  /** Slack HTTP mode: the interface to bind (default: all interfaces). */
  slackHost?: string;
}

export async function startBot(config: Config, logger: Logger, options: StartBotOptions = {}): Promise<Bot> {
  const { owner, stable } = defaultOwner(config);
  const startedAt = (options.now ?? (() => new Date()))().getTime();
  const { store, sync } = await openArchive(config, logger);
  for (const line of describeSync(sync, config.sourcesPath)) {
    logger.warn({ paused: sync.paused, resumed: sync.resumed }, line);
  }
  // What this owner held before a crash or kill is stale: take it back now rather than
  // waiting out the leases (deliveries go again with their idempotency keys).
  if (stable) await store.releaseOwner(owner);
  const terminalOnly = !config.discord && !config.slack;
  const senders = new Map<Target['platform'], ChatSender>();
  const stops: Array<[string, () => Promise<void>]> = [];
  const connections: Array<() => { platform: string; ok: boolean; detail: string }> = [];
  let slackPort: number | null = null;
  // prom-client is loaded only when the HTTP server is on; otherwise metrics go nowhere.
  const prom = config.http
    ? (await import('./metrics/prom.ts')).createPromMetrics({
        store,
        ...(options.now ? { now: options.now } : {}),
      })
    : null;
  const metrics: Metrics = prom ?? noopMetrics;
  // Chat commands search through this one, so /metrics has search latency.
  const chatStore = prom ? instrumentStore(store, metrics) : store;
  try {
    // Weekly digest charts on the terminal go beside the SQLite archive (charts/).
    const chartDir =
      config.dbPath && config.dbPath !== ':memory:' && !config.databaseUrl
        ? join(dirname(config.dbPath), 'charts')
        : undefined;
    senders.set('console', createConsoleSender(undefined, config.timezone, chartDir));
    if (config.discord) {
      const { startDiscord } = await import('./platforms/discord/index.ts');
      const discord = await startDiscord({
        config,
        store: chatStore,
        commands: allCommands,
        logger,
        owner,
        globalRequestsPerSecond: config.discord.globalRequestsPerSecond,
      });
      senders.set('discord', discord.sender);
      stops.push(['discord', () => discord.stop()]);
      connections.push(() => ({ platform: 'discord', ...discord.connection() }));
    }
    if (config.slack) {
      const { startSlack } = await import('./platforms/slack/index.ts');
      const slack = await startSlack({
        config,
        store: chatStore,
        commands: allCommands,
        logger,
        ...(options.slackHost ? { host: options.slackHost } : {}),
      });
      slackPort = slack.port;
      senders.set('slack', slack.sender);
      stops.push(['slack', () => slack.stop()]);
      connections.push(() => ({ platform: 'slack', ...slack.connection() }));
    }
    if (terminalOnly) await ensureConsoleSubscription(store);
  } catch (err) {
    for (const [, stop] of stops.reverse()) await stop().catch(() => {});
    await store.close();
    throw err;
  }

  // Evidence beside shutdown/censorship stories: fetched in the background after a poll,
  // shown under the stories when an alert or digest is sent.
  const evidenceService = config.evidence.attach ? evidenceServiceFor(store, config.evidence, logger) : null;
  const evidence = evidenceService ? createEvidenceWorker(evidenceService, logger, options.now) : null;
  const worker = createDeliveryWorker({
    store,
    senders: prom ? new Map([...senders].map(([p, s]) => [p, instrumentSender(s, metrics)])) : senders,
    owner,
    logger,
    ...(evidenceService ? { prepare: (m) => withEvidence(m, evidenceService, logger) } : {}),
  });
  const pollDeps = createPollDeps({
    store,
    config,
    logger,
    owner,
    ...(options.now ? { now: options.now } : {}),
    ...(evidence ? { afterStored: (items) => evidence.enqueue(items) } : {}),
  });
  if (prom) pollDeps.tagger = instrumentTagger(pollDeps.tagger, metrics);
  const trackerDeps = createTrackerDeps(config, store, logger, options.now);
  const clock = options.now ?? (() => new Date());
  let passes = 0;
  const scheduler = createScheduler({
    store,
    poll: async (signal) => {
      // Items stored by a process that died before alerting them: all at start, then those
      // older than the grace (younger ones may still be on their way to the outbox).
      const recovered = await recoverUnalertedItems(store, {
        ...(passes > 0 ? { seenBefore: new Date(clock().getTime() - RECOVERY_GRACE_MS) } : {}),
      });
      if (recovered) logger.warn({ items: recovered }, 'alerted items stored before a crash');
      const t0 = performance.now();
      let summary;
      try {
        summary = await pollFeeds(pollDeps, { signal });
        recordPoll(metrics, summary, (performance.now() - t0) / 1000);
      } catch (err) {
        metrics.pollDone('failed', (performance.now() - t0) / 1000);
        throw err;
      }
      if (signal.aborted) return;
      await noticeFeedHealth(store, summary.feeds, { after: config.feedFailureNoticeAfter, logger });
      if (passes++ === 0 && terminalOnly) {
        const first = await firstTerminalDigest(store, {
          owner,
          now: clock(),
          defaultCron: config.digestCron,
          defaultTimeZone: config.timezone,
        });
        if (first) logger.info({ outcome: first.status }, 'first terminal digest');
      }
      // After the feeds, and never in their way: a tracker failure is logged and recorded.
      if (trackerDeps && !signal.aborted)
        await runTrackerRound({ ...trackerDeps, fetch: { ...trackerDeps.fetch, signal } }, owner);
    },
    pollMinutes: config.pollMinutes,
    defaultCron: config.digestCron,
    defaultTimeZone: config.timezone,
    owner,
    logger,
    ...(options.now ? { now: options.now } : {}),
  });
  let schedulerRunning = false;
  if (options.autoStart !== false) {
    worker.start();
    scheduler.start();
    schedulerRunning = true;
  }
  let http: HttpServer | null = null;
  if (config.http && prom) {
    const { startBotHttp } = await import('./http/index.ts');
    try {
      http = await startBotHttp({
        config,
        http: config.http,
        store: chatStore,
        metrics: prom,
        logger,
        health: {
          schedulerRunning: () => schedulerRunning,
          startedAt,
          pollMinutes: config.pollMinutes,
          connections: () => connections.map((c) => c()),
          ...(options.now ? { now: options.now } : {}),
        },
      });
    } catch (err) {
      await scheduler.stop();
      await worker.stop();
      for (const [, stop] of stops.reverse()) await stop().catch(() => {});
      await store.close();
      throw err;
    }
  }
  logger.info({ owner, platforms: [...senders.keys()], http_port: http?.port ?? null }, 'govwatch started');

  let stopping: Promise<ShutdownReport> | null = null;
  let budget: ShutdownBudget | null = null;
  const stopAll = async (deadlineMs: number): Promise<ShutdownReport> => {
    const started = Date.now();
    const b = (budget = shutdownBudget(deadlineMs));
    const reserveMs = Math.round(deadlineMs * STORE_RESERVE_SHARE);
    const failed: string[] = [];
    const warn = (step: string) => (err: unknown) => {
      failed.push(step);
      logger.error({ step, err: String(err) }, 'shutdown step failed');
    };
    schedulerRunning = false;
    // Take no more work and abort what is in flight, all at once: the scheduler aborts the
    // poll (fetches cancelled, no more feeds claimed), the outbox worker aborts its sends
    // (their entries stay claimed, as after a crash, and are released below), the platforms
    // stop receiving commands. Each wait is bounded; the archive keeps a share of the time.
    const quiet = await Promise.all([
      b.step('scheduler (poll, digests)', () => scheduler.stop(b.remaining()), {
        reserveMs,
        onError: warn('scheduler'),
      }),
      b.step('outbox sends', () => worker.stop(), { reserveMs, onError: warn('outbox') }),
      ...(evidence ? [b.step('evidence fetches', () => evidence.stop(), { reserveMs })] : []),
      ...(http ? [b.step('http server', () => http!.close(), { reserveMs, onError: warn('http') })] : []),
      ...stops.map(([name, stop]) => b.step(name, stop, { reserveMs, onError: warn(name) })),
    ]);
    // Whatever this process still holds (outbox claims of aborted sends, feed leases, digest
    // locks, the gateway lease) goes back now rather than when the leases run out.
    await b.step('releasing leases', () => store.releaseOwner(owner), { onError: warn('release') });
    if (quiet.includes('timeout'))
      logger.warn({ pending: b.pending() }, 'closing the archive with work still pending');
    if ((await b.step('closing the archive', () => store.close(), { onError: warn('close') })) === 'done')
      logger.info({}, 'archive closed');
    return { pending: b.pending(), failed, elapsedMs: Date.now() - started };
  };
  return {
    store,
    owner,
    platforms: [...senders.keys()],
    scheduler,
    worker,
    slackPort,
    evidence,
    httpPort: http?.port ?? null,
    stop: (opts = {}) => (stopping ??= stopAll(opts.deadlineMs ?? config.shutdownTimeoutMs)),
    stopPending: () => budget?.pending() ?? [],
  };
}
