// The bot's clock: a node-cron heartbeat once a minute that
// - starts a poll every `pollMinutes` (the poll itself respects each feed's next-check time
//   through store.claimDueFeeds), never two at once: a tick that finds the previous poll
//   still running skips and logs it. A polled feed's next regular check counts from its
//   pass's start (ingest/next-check.ts), so with a 1-minute interval every heartbeat polls it;
// - runs each digest target's due slot, at the target's own cron expression and IANA time
//   zone (default daily 08:00). Due means: the latest slot at or before now is after the
//   target's mark. A bot that was down for days therefore sends one digest when it comes
//   back, for the latest slot, not one per missed slot. A named lease per slot and one per
//   target (store.tryLock) keep replicas from building the same digest twice or two slots'
//   digests from one mark, and runDigest's mark check and idempotent outbox key make a late
//   duplicate of the same slot a no-op.
//
// A target with several digest subscriptions gets one digest: items matching any of them,
// on the schedule of its oldest subscription (`/digest schedule` sets them all alike).
//
// The clock is injectable (`now`) and `tick()` is public, so tests drive time directly.
import cron, { type ScheduledTask } from 'node-cron';
import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import type { Logger } from './log.ts';
import { silentLogger } from './log.ts';
import { targetKey, type Subscription, type SubscriptionFilter, type Target } from './model.ts';
import type { Store } from './store/types.ts';
import { runDigest, type RunDigestResult } from './digest/run.ts';
import { intervalSlackMs } from './ingest/next-check.ts';
import {
  assertTimeZone,
  latestDueSlot,
  nextOccurrence,
  parseCron,
  previousOccurrence,
  type CronSpec,
} from './schedule/cron.ts';

export const DEFAULT_DIGEST_CRON = '0 8 * * *';

export interface DigestPlan {
  target: Target;
  targetKey: string;
  filters: SubscriptionFilter[];
  cron: string;
  timezone: string;
  /** ISO creation time of the oldest subscription: slots before it are never due. */
  createdAt: string;
  subscriptionIds: number[];
}

/** Group digest subscriptions into one plan per target. */
export function digestPlans(
  subs: Subscription[],
  defaults: { cron?: string; timezone?: string } = {},
): DigestPlan[] {
  const byTarget = new Map<string, Subscription[]>();
  for (const s of subs) {
    if (s.mode !== 'digest') continue;
    const key = targetKey(s.target);
    const list = byTarget.get(key) ?? [];
    list.push(s);
    byTarget.set(key, list);
  }
  return [...byTarget].map(([key, list]) => {
    const sorted = [...list].sort((a, b) => a.id - b.id);
    const first = sorted[0]!;
    return {
      target: first.target,
      targetKey: key,
      filters: sorted.map((s) => s.filter),
      cron: first.cron ?? defaults.cron ?? DEFAULT_DIGEST_CRON,
      timezone: first.timezone || defaults.timezone || 'UTC',
      createdAt: sorted.reduce((min, s) => (s.createdAt < min ? s.createdAt : min), first.createdAt),
      subscriptionIds: sorted.map((s) => s.id),
    };
  });
}

export interface SchedulerOptions {
  store: Store;
  /** One poll pass; receives a signal that aborts when the scheduler stops. */
  poll?: (signal: AbortSignal) => Promise<void>;
  /** Default 15. */
  pollMinutes?: number;
  /**
   * The heartbeat as a node-cron expression. Default `* * * * *` (each minute); benchmarks
   * use a six-field one with a seconds field to measure poll timing in seconds, not minutes.
   */
  heartbeat?: string;
  /** For subscriptions without a cron. Default `0 8 * * *`. */
  defaultCron?: string;
  /** For subscriptions without a time zone. Default UTC. */
  defaultTimeZone?: string;
  /** Replica id for slot leases. Default: a random id per process. */
  owner?: string;
  now?: () => Date;
  logger?: Logger;
  /** How long a digest slot lease lasts. Default 10 minutes. */
  digestLockTtlMs?: number;
  /** How long stop() waits for in-flight work to wind down before returning. Default 30 s. */
  shutdownTimeoutMs?: number;
  /** Called after each digest run (terminal printing, waking the outbox worker). */
  onDigest?: (result: RunDigestResult, plan: DigestPlan) => void | Promise<void>;
  /** Digest options passed through to runDigest. */
  digestCap?: number;
  postEmptyDigests?: boolean;
}

export interface DigestRunReport {
  targetKey: string;
  slot: string;
  outcome: RunDigestResult['status'] | 'locked' | 'failed';
  error?: string;
}

export interface Scheduler {
  /** Start the minute heartbeat and run a first tick at once (poll + missed digests). */
  start(): void;
  /**
   * Stop the heartbeat, start nothing new, abort in-flight work (the poll's signal: fetches
   * are cancelled, no more feeds are claimed), wait up to the timeout for it to wind down,
   * and return. Work that ignores the signal is abandoned at the timeout. Closing the store
   * is the caller's job.
   */
  stop(timeoutMs?: number): Promise<void>;
  /** One heartbeat; resolves when the work it started has finished. */
  tick(): Promise<void>;
  /** Poll now unless a poll is running ('skipped') or the scheduler is stopping. */
  runPoll(): Promise<'ran' | 'skipped' | 'stopped' | 'failed'>;
  /** Run every target's due digest slot once. */
  runDueDigests(): Promise<DigestRunReport[]>;
  isBusy(): boolean;
}

export function createScheduler(opts: SchedulerOptions): Scheduler {
  const log = opts.logger ?? silentLogger();
  const now = opts.now ?? (() => new Date());
  const pollMs = (opts.pollMinutes ?? 15) * 60_000;
  const owner = opts.owner ?? `scheduler-${randomUUID()}`;
  const lockTtl = opts.digestLockTtlMs ?? 10 * 60_000;
  const inFlight = new Set<Promise<unknown>>();
  const abort = new AbortController();
  // Every fetch of a poll listens to it (16 at once, and those waiting for a slot).
  setMaxListeners(0, abort.signal);
  const specs = new Map<string, CronSpec | null>();
  /** Per plan signature: no slot can be due before this instant (saves reading marks). */
  const notBefore = new Map<string, number>();
  let task: ScheduledTask | null = null;
  let stopping = false;
  let pollRunning: Promise<unknown> | null = null;
  let digestsRunning: Promise<DigestRunReport[]> | null = null;
  let lastPollStart: number | null = null;

  function track<T>(p: Promise<T>): Promise<T> {
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p)).catch(() => undefined);
    return p;
  }

  function specFor(plan: DigestPlan): CronSpec | null {
    const sig = `${plan.cron}|${plan.timezone}`;
    if (!specs.has(sig)) {
      try {
        assertTimeZone(plan.timezone);
        specs.set(sig, parseCron(plan.cron));
      } catch (err) {
        log.error(
          {
            target_key: plan.targetKey,
            cron: plan.cron,
            timezone: plan.timezone,
            err: (err as Error).message,
          },
          'digest_schedule_invalid',
        );
        specs.set(sig, null);
      }
    }
    return specs.get(sig) ?? null;
  }

  async function runPoll(): Promise<'ran' | 'skipped' | 'stopped' | 'failed'> {
    if (stopping) return 'stopped';
    if (!opts.poll) return 'skipped';
    if (pollRunning) {
      log.warn({ started_at: new Date(lastPollStart ?? 0).toISOString() }, 'poll_skipped_still_running');
      return 'skipped';
    }
    lastPollStart = now().getTime();
    const started = Date.now();
    const run = (async () => {
      try {
        await opts.poll!(abort.signal);
        log.info({ duration_ms: Date.now() - started }, 'poll_done');
        return 'ran' as const;
      } catch (err) {
        log.error({ err: (err as Error).message }, 'poll_failed');
        return 'failed' as const;
      } finally {
        pollRunning = null;
      }
    })();
    pollRunning = run;
    return track(run);
  }

  async function runPlan(plan: DigestPlan, at: Date): Promise<DigestRunReport | null> {
    const spec = specFor(plan);
    if (!spec) return null;
    const sig = `${plan.targetKey}|${plan.cron}|${plan.timezone}`;
    if ((notBefore.get(sig) ?? 0) > at.getTime()) return null;
    const mark = await opts.store.getDigestMark(plan.targetKey);
    const since = new Date(mark ? mark.lastSlot : plan.createdAt);
    const slot = latestDueSlot(spec, plan.timezone, since, at);
    if (!slot) {
      // Nothing is due until the first slot after both the mark and now.
      const from = Math.max(since.getTime(), at.getTime());
      const next = nextOccurrence(spec, plan.timezone, new Date(from));
      notBefore.set(sig, next ? next.getTime() : from + 86_400_000);
      return null;
    }
    notBefore.delete(sig);
    const slotIso = slot.toISOString();
    const lockName = `digest:${plan.targetKey}:${slotIso}`;
    // Also one run per target at a time, whatever its slot: replicas whose clocks (or whose
    // progress through the plans) differ may see different latest slots, and two runs on
    // different slots from the same mark would both post the same items.
    const targetLock = `digest-run:${plan.targetKey}`;
    if (!(await opts.store.tryLock(lockName, owner, lockTtl))) {
      log.info({ target_key: plan.targetKey, slot: slotIso }, 'digest_slot_locked_elsewhere');
      return { targetKey: plan.targetKey, slot: slotIso, outcome: 'locked' };
    }
    if (!(await opts.store.tryLock(targetLock, owner, lockTtl).catch(() => false))) {
      await opts.store.unlock(lockName, owner).catch(() => undefined);
      log.info({ target_key: plan.targetKey, slot: slotIso }, 'digest_target_locked_elsewhere');
      return { targetKey: plan.targetKey, slot: slotIso, outcome: 'locked' };
    }
    try {
      // A first digest covers one schedule period before its slot.
      const periodStart = previousOccurrence(spec, plan.timezone, new Date(slot.getTime() - 1));
      const weekly = Boolean(periodStart && slot.getTime() - periodStart.getTime() > 2 * 86_400_000);
      const result = await runDigest(opts.store, {
        target: plan.target,
        filters: plan.filters,
        slot,
        now: at,
        timeZone: plan.timezone,
        ...(periodStart ? { firstSince: periodStart.toISOString() } : {}),
        // A digest more than two days apart from the last (weekly) shows the month ahead and
        // a chart of its themes against the 8 weeks before.
        agendaDays: weekly ? 31 : 14,
        weeklyChart: weekly,
        ...(opts.digestCap !== undefined ? { cap: opts.digestCap } : {}),
        ...(opts.postEmptyDigests ? { postEmpty: true } : {}),
      });
      log.info(
        {
          target_key: plan.targetKey,
          slot: slotIso,
          outcome: result.status,
          stories: result.status === 'already-done' ? 0 : result.digest.totalStories,
        },
        'digest_run',
      );
      await opts.onDigest?.(result, plan);
      return { targetKey: plan.targetKey, slot: slotIso, outcome: result.status };
    } catch (err) {
      log.error({ target_key: plan.targetKey, slot: slotIso, err: (err as Error).message }, 'digest_failed');
      return { targetKey: plan.targetKey, slot: slotIso, outcome: 'failed', error: (err as Error).message };
    } finally {
      await opts.store.unlock(targetLock, owner).catch(() => undefined);
      await opts.store.unlock(lockName, owner).catch(() => undefined);
    }
  }

  async function runDueDigests(): Promise<DigestRunReport[]> {
    if (stopping) return [];
    if (digestsRunning) {
      log.warn({}, 'digests_skipped_still_running');
      return [];
    }
    const run = (async () => {
      try {
        const subs = await opts.store.listSubscriptions({ mode: 'digest' });
        const plans = digestPlans(subs, {
          ...(opts.defaultCron ? { cron: opts.defaultCron } : {}),
          ...(opts.defaultTimeZone ? { timezone: opts.defaultTimeZone } : {}),
        });
        const reports: DigestRunReport[] = [];
        for (const plan of plans) {
          if (stopping) break;
          const r = await runPlan(plan, now());
          if (r) reports.push(r);
        }
        return reports;
      } catch (err) {
        log.error({ err: (err as Error).message }, 'digest_pass_failed');
        return [];
      } finally {
        digestsRunning = null;
      }
    })();
    digestsRunning = run;
    return track(run);
  }

  async function tick(): Promise<void> {
    if (stopping) return;
    const work: Array<Promise<unknown>> = [];
    const t = now().getTime();
    // The same slack as a feed's next check, so a heartbeat firing just early still counts as due.
    if (lastPollStart === null || t - lastPollStart >= pollMs - intervalSlackMs(pollMs)) work.push(runPoll());
    work.push(runDueDigests());
    await Promise.all(work);
  }

  return {
    start() {
      if (task || stopping) return;
      task = cron.createTask(
        opts.heartbeat ?? '* * * * *',
        () => {
          void tick().catch((err: unknown) => log.error({ err: String(err) }, 'tick_failed'));
        },
        {
          name: 'govwatch-heartbeat',
          // node-cron's own messages (e.g. a tick missed while the process was busy) go to our log.
          logger: {
            info: (message) => log.debug({ source: 'node-cron' }, message),
            warn: (message) => log.warn({ source: 'node-cron' }, message),
            error: (message, err) =>
              log.error({ source: 'node-cron', err: String(err ?? message) }, 'node_cron_error'),
            debug: (message) => log.debug({ source: 'node-cron' }, String(message)),
          },
        },
      );
      void task.start();
      void tick().catch((err: unknown) => log.error({ err: String(err) }, 'tick_failed'));
      log.info({ poll_minutes: pollMs / 60_000, owner }, 'scheduler_started');
    },

    async stop(timeoutMs = opts.shutdownTimeoutMs ?? 30_000) {
      stopping = true;
      if (task) {
        await task.stop();
        await task.destroy();
        task = null;
      }
      abort.abort(new Error('scheduler stopping'));
      if (inFlight.size === 0) return;
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        Promise.allSettled([...inFlight]).then(() => false),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(true), timeoutMs);
        }),
      ]);
      clearTimeout(timer);
      if (timedOut) {
        log.warn({ in_flight: inFlight.size, timeout_ms: timeoutMs }, 'shutdown_abandoned_in_flight_work');
      } else {
        log.info({}, 'scheduler_stopped');
      }
    },

    tick,
    runPoll,
    runDueDigests,
    isBusy: () => inFlight.size > 0,
  };
}

/**
 * SIGINT/SIGTERM → stop the scheduler (finishing or abandoning in-flight work), then run
 * `close` (e.g. store.close()) and `exit`. A second signal exits at once. Returns a function
 * that removes the handlers.
 */
export function stopOnSignals(
  scheduler: Pick<Scheduler, 'stop'>,
  opts: {
    close?: () => Promise<void>;
    logger?: Logger;
    exit?: (code: number) => void;
    /** Where signals come from; default `process` (tests pass an EventEmitter). */
    source?: Pick<NodeJS.EventEmitter, 'on' | 'off'>;
  } = {},
): () => void {
  const source = opts.source ?? process;
  const log = opts.logger ?? silentLogger();
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  let stoppingNow = false;
  const handler = (signal: NodeJS.Signals): void => {
    if (stoppingNow) {
      log.warn({ signal }, 'shutdown_forced');
      exit(1);
      return;
    }
    stoppingNow = true;
    log.info({ signal }, 'shutdown_requested');
    void (async () => {
      let code = 0;
      try {
        await scheduler.stop();
        await opts.close?.();
      } catch (err) {
        log.error({ err: String(err) }, 'shutdown_failed');
        code = 1;
      }
      exit(code);
    })();
  };
  source.on('SIGINT', handler);
  source.on('SIGTERM', handler);
  return () => {
    source.off('SIGINT', handler);
    source.off('SIGTERM', handler);
  };
}
