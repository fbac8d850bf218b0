// The outbox worker: claims due entries, sends them through the platform's ChatSender and
// records the outcome. The outbox row is the one place a delivery is recorded: claimed
// (status sending, leased) before the send, completed (sent/retry/failed) after it. A crash
// in between leaves the row leased; once the lease expires it is claimed again and re-sent
// with the same idempotency key, which the platform uses to avoid a second post.
import type { Logger } from '../log.ts';
import type { Target } from '../model.ts';
import { targetKey } from '../model.ts';
import type { OutboxEntry, OutboxResult, Store } from '../store/types.ts';
import type { ChatSender, OutboundMessage } from './types.ts';
import { SendError } from './types.ts';
import { setMaxListeners } from 'node:events';
import { raceAbort } from '../shutdown.ts';

/** A send cut short by stop(): nothing is recorded for its entry. */
const ABORTED: unique symbol = Symbol('aborted');

export interface BackoffOptions {
  /** Delay after the first failed attempt. */
  baseMs: number;
  /** Upper bound on any delay. */
  maxMs: number;
}

export interface DeliveryWorkerOptions {
  store: Store;
  senders: Map<Target['platform'], ChatSender>;
  /** Replica/process id written into claims. */
  owner: string;
  logger: Logger;
  clock?: () => Date;
  /** Entries claimed per round. */
  batch?: number;
  /**
   * How long a claim is held; a crashed worker's entries are re-claimed after this. Keep it
   * well inside Discord's nonce memory ("a few minutes"): a re-send after a crash must come
   * while Discord still recognises the nonce. An entry whose claim is about to run out is
   * not started (it goes back to the queue), so a send never outlives its claim by design.
   */
  leaseMs?: number;
  /** Attempts (sends) before an entry is marked failed. */
  maxAttempts?: number;
  backoff?: BackoffOptions;
  /** Channels sent to at the same time. Per channel, entries go out in order. */
  concurrency?: number;
  /** Pause between rounds in start() when nothing was due. */
  idleMs?: number;
  /**
   * Last touches to a message before it is sent (evidence lines under stories). A failure
   * here sends the message as it was stored.
   */
  prepare?: (message: OutboundMessage) => Promise<OutboundMessage>;
}

export interface RoundResult {
  claimed: number;
  sent: number;
  retried: number;
  failed: number;
}

export interface DeliveryWorker {
  /** One round: claim due entries, send them, record outcomes. */
  runOnce(): Promise<RoundResult>;
  /** Run rounds until stop(); rounds follow each other at once while work is due. */
  start(): void;
  /**
   * Stop: start no send, abort the sends in flight (their entries stay claimed, exactly as
   * after a crash: Store.releaseOwner or the lease's expiry makes them due again, and the
   * idempotency key keeps a re-send from posting twice), and resolve when the loop has ended.
   */
  stop(): Promise<void>;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 5_000, maxMs: 60 * 60_000 };

/** Exponential backoff for the n-th failed attempt (1-based), at least what the platform asked. */
export function retryDelayMs(attempt: number, backoff: BackoffOptions, retryAfterMs: number | null): number {
  const exp = Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.max(exp, retryAfterMs ?? 0);
}

/** The outbox payload is the platform-neutral OutboundMessage; older or foreign rows are refused. */
export function toOutboundMessage(payload: unknown): OutboundMessage | null {
  if (typeof payload !== 'object' || payload === null) return null;
  const kind = (payload as { kind?: unknown }).kind;
  if (kind === 'digest' && typeof (payload as { digest?: unknown }).digest === 'object') {
    return payload as OutboundMessage;
  }
  if (kind === 'alert' && typeof (payload as { item?: unknown }).item === 'object') {
    return payload as OutboundMessage;
  }
  if (kind === 'text' && typeof (payload as { text?: unknown }).text === 'string') {
    return payload as OutboundMessage;
  }
  return null;
}

export function createDeliveryWorker(opts: DeliveryWorkerOptions): DeliveryWorker {
  const clock = opts.clock ?? (() => new Date());
  const batch = opts.batch ?? 50;
  const leaseMs = opts.leaseMs ?? 60_000;
  const maxAttempts = opts.maxAttempts ?? 8;
  const backoff = opts.backoff ?? DEFAULT_BACKOFF;
  const concurrency = Math.max(1, opts.concurrency ?? 16);
  const idleMs = opts.idleMs ?? 1_000;
  const log = opts.logger;

  let running = false;
  const abort = new AbortController();
  // Every send in flight listens to it (one per channel lane, plus the REST client's).
  setMaxListeners(0, abort.signal);
  let loop: Promise<void> | null = null;
  let wake: (() => void) | null = null;

  async function complete(entry: OutboxEntry, result: OutboxResult): Promise<void> {
    await opts.store.completeOutbox(entry.id, opts.owner, result);
  }

  /** Send one entry and record the outcome; returns whether later entries of its channel may go. */
  async function deliver(
    entry: OutboxEntry,
    tally: RoundResult,
  ): Promise<'sent' | 'retry' | 'failed' | 'aborted'> {
    if (abort.signal.aborted) return 'aborted';
    // The store counts an attempt when it claims the entry (a crash mid-send counts too).
    const attempt = Math.max(1, entry.attempts);
    const base = { outbox_id: entry.id, key: entry.key, target: targetKey(entry.target), attempt };
    const claimedUntil = entry.claimedUntil ? Date.parse(entry.claimedUntil) : Infinity;
    if (clock().getTime() > claimedUntil - leaseMs / 4) {
      // Too late to start: another replica may claim it any moment. Hand it back.
      await complete(entry, {
        ok: false,
        error: 'claim ran out before sending; re-queued',
        retryAt: clock().toISOString(),
      });
      tally.retried++;
      return 'retry';
    }
    const message = toOutboundMessage(entry.payload);
    const sender = opts.senders.get(entry.target.platform);
    if (!message || !sender) {
      const error = !message
        ? 'unreadable outbox payload'
        : `no sender for platform ${entry.target.platform}`;
      log.error({ ...base, error }, 'delivery failed');
      await complete(entry, { ok: false, error, retryAt: null });
      tally.failed++;
      return 'failed';
    }
    try {
      const ready = opts.prepare
        ? await opts.prepare(message).catch((err: unknown) => {
            log.warn({ ...base, error: String(err) }, 'preparing a message failed; sending it as stored');
            return message;
          })
        : message;
      // The signal reaches senders that can cancel a request; the race covers those that cannot.
      const refs = await raceAbort(
        sender.send(entry.target, ready, { idempotencyKey: entry.key, attempt, signal: abort.signal }),
        abort.signal,
        ABORTED,
      );
      if (refs === ABORTED) {
        log.info(base, 'delivery interrupted by shutdown; left claimed');
        return 'aborted';
      }
      await complete(entry, { ok: true, sentRefs: refs });
      log.debug({ ...base, refs }, 'delivered');
      tally.sent++;
      return 'sent';
    } catch (err) {
      if (abort.signal.aborted) {
        log.info(base, 'delivery interrupted by shutdown; left claimed');
        return 'aborted';
      }
      // Unknown errors (a bug, a dropped connection) are retried: losing a digest is worse.
      const retryable = err instanceof SendError ? err.retryable : true;
      const retryAfterMs = err instanceof SendError ? err.retryAfterMs : null;
      const error = err instanceof Error ? err.message : String(err);
      if (!retryable || attempt >= maxAttempts) {
        log.error({ ...base, error, retryable }, 'delivery failed; giving up');
        await complete(entry, { ok: false, error, retryAt: null });
        tally.failed++;
        return 'failed';
      }
      const retryAt = new Date(clock().getTime() + retryDelayMs(attempt, backoff, retryAfterMs));
      log.warn({ ...base, error, retry_at: retryAt.toISOString() }, 'delivery failed; will retry');
      await complete(entry, { ok: false, error, retryAt: retryAt.toISOString() });
      tally.retried++;
      return 'retry';
    }
  }

  async function deliverChannel(entries: OutboxEntry[], tally: RoundResult): Promise<void> {
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i]!;
      const outcome = await deliver(entry, tally).catch((err: unknown) => {
        // The store failed to record: leave the claim to expire; the nonce prevents a repost.
        log.error({ outbox_id: entry.id, error: String(err) }, 'could not record delivery outcome');
        return 'retry' as const;
      });
      // Stopping: this entry and the channel's later ones stay claimed until released.
      if (outcome === 'aborted') return;
      if (outcome === 'retry') {
        // Keep the channel's order: later entries wait until the earlier one went out. They
        // are released (no send happened) shortly after the earlier entry's retry time.
        const rest = entries.slice(i + 1);
        for (const later of rest) {
          await opts.store
            .completeOutbox(later.id, opts.owner, {
              ok: false,
              error: 'waiting for an earlier message to the same channel',
              retryAt: new Date(
                clock().getTime() + retryDelayMs(Math.max(1, later.attempts), backoff, null),
              ).toISOString(),
            })
            .catch((err: unknown) =>
              log.error({ outbox_id: later.id, error: String(err) }, 'release failed'),
            );
          tally.retried++;
        }
        return;
      }
    }
  }

  async function runOnce(): Promise<RoundResult> {
    const entries = await opts.store.claimOutbox(opts.owner, clock(), batch, leaseMs);
    const tally: RoundResult = { claimed: entries.length, sent: 0, retried: 0, failed: 0 };
    if (entries.length === 0) return tally;
    // Group by channel, keeping the store's order (oldest first) inside each group.
    const byChannel = new Map<string, OutboxEntry[]>();
    for (const e of [...entries].sort((a, b) => a.id - b.id)) {
      const key = targetKey(e.target);
      const list = byChannel.get(key);
      if (list) list.push(e);
      else byChannel.set(key, [e]);
    }
    const groups = [...byChannel.values()];
    let next = 0;
    const lanes = Array.from({ length: Math.min(concurrency, groups.length) }, async () => {
      while (next < groups.length) {
        const group = groups[next++]!;
        await deliverChannel(group, tally);
      }
    });
    await Promise.all(lanes);
    return tally;
  }

  async function runLoop(): Promise<void> {
    while (running) {
      let busy = false;
      try {
        const r = await runOnce();
        busy = r.claimed > 0;
      } catch (err) {
        log.error({ error: String(err) }, 'delivery round failed');
      }
      if (!running) break;
      if (!busy) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, idleMs);
          wake = () => {
            clearTimeout(t);
            resolve();
          };
        });
        wake = null;
      }
    }
  }

  return {
    runOnce,
    start() {
      if (running) return;
      running = true;
      loop = runLoop();
    },
    async stop() {
      running = false;
      abort.abort(new Error('govwatch is stopping'));
      wake?.();
      await loop;
      loop = null;
    },
  };
}
