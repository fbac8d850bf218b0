// One digest for one target and slot, recorded exactly once.
//
// The digest covers items stored after the target's mark (plus a new feed's backlog
// published since the last slot), or, for a target's first digest, its period: items first
// seen or published since `firstSince`, a new feed's backlog included (see build.ts). The outbox entry (key `digest:<targetKey>:<slotISO>`)
// and the new mark are written in one transaction (`store.enqueue`), so:
// - a crash before the write repeats nothing (nothing was recorded) and skips nothing (the
//   mark did not move); the next run builds the same digest;
// - a crash after it loses nothing: the outbox worker delivers the entry;
// - running the same slot again (restart, second replica) finds `lastSlot >= slot` and does
//   nothing, and even a racing duplicate enqueues the same key, which is a no-op.
//
// Empty digests are not posted by default: a quiet bot is a well-kept bot. The mark still
// moves (to the slot and past every item read), so the next digest starts from here.
// `postEmpty: true` posts a "nothing new" digest instead.
import { targetKey, type SubscriptionFilter, type Target } from '../model.ts';
import type { DigestMark, Store } from '../store/types.ts';
import type { OutboundMessage } from '../delivery/types.ts';
import { prepareDigest, type PreparedDigest } from './build.ts';
import type { Digest } from './types.ts';
import { weeklyDigestChart } from './chart.ts';

export interface RunDigestOptions {
  target: Target;
  /** The target's subscription filters (any matches); empty = everything. */
  filters: SubscriptionFilter[];
  /** The scheduled slot this digest is for (or the request time for `/digest now`). */
  slot: Date;
  now: Date;
  /** For a target's first digest (no mark yet): items first seen since then. Default: slot − 24 h. */
  firstSince?: string;
  /** IANA zone of the target, for the title's date. Default UTC. */
  timeZone?: string;
  title?: string;
  cap?: number;
  postEmpty?: boolean;
  /** Days of "Deadlines and meetings" at the top; default 14 (a weekly digest passes 31). */
  agendaDays?: number;
  /** A weekly digest: add the chart of its themes over this and the 8 weeks before. */
  weeklyChart?: boolean;
}

export type RunDigestResult =
  /** Recorded in the outbox (newly: `added` = 1; a racing duplicate: 0). */
  | { status: 'enqueued'; key: string; digest: Digest; mark: DigestMark; added: number }
  /** Nothing matched: nothing posted, the mark moved. */
  | { status: 'empty'; digest: Digest; mark: DigestMark }
  /** This slot (or a later one) was already done. */
  | { status: 'already-done'; mark: DigestMark };

/** The outbox key of a target's digest for a slot. */
export function digestKey(target: Target, slot: Date): string {
  return `digest:${targetKey(target)}:${slot.toISOString()}`;
}

export function defaultDigestTitle(slot: Date, timeZone = 'UTC'): string {
  const day = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
  }).format(slot);
  return `govwatch digest, ${day}`;
}

/**
 * What the target's next digest holds: after its mark, or (first digest) its period since
 * `firstSince`. `/digest preview` shows exactly this, so a preview is what will be posted.
 */
export async function prepareTargetDigest(
  store: Store,
  opts: {
    target: Target;
    filters: SubscriptionFilter[];
    previous: DigestMark | null;
    firstSince: string;
    now: Date;
    title: string;
    cap?: number;
    /** Days of "Deadlines and meetings" at the top (14 daily, 31 weekly). */
    agendaDays?: number;
  },
): Promise<PreparedDigest> {
  const { previous } = opts;
  return prepareDigest(store, {
    target: opts.target,
    filters: opts.filters,
    now: opts.now,
    ...(previous
      ? { afterId: previous.lastItemId, since: previous.lastSlot, backlogSince: previous.lastSlot }
      : {
          seenSince: opts.firstSince,
          publishedSince: opts.firstSince,
          since: opts.firstSince,
          backlogSince: opts.firstSince,
        }),
    title: opts.title,
    ...(opts.cap !== undefined ? { cap: opts.cap } : {}),
    ...(opts.agendaDays ? { agendaDays: opts.agendaDays } : {}),
  });
}

export async function runDigest(store: Store, opts: RunDigestOptions): Promise<RunDigestResult> {
  const key = targetKey(opts.target);
  const slotIso = opts.slot.toISOString();
  const previous = await store.getDigestMark(key);
  if (previous && Date.parse(previous.lastSlot) >= opts.slot.getTime()) {
    return { status: 'already-done', mark: previous };
  }
  const firstSince = opts.firstSince ?? new Date(opts.slot.getTime() - 86_400_000).toISOString();
  // A first digest must still leave a mark past the whole archive, even when it reads
  // nothing; otherwise the next digest would start from item 0.
  const archiveTop = previous ? 0 : ((await store.listItems({ order: 'id-desc', limit: 1 }))[0]?.id ?? 0);
  const prepared = await prepareTargetDigest(store, {
    target: opts.target,
    filters: opts.filters,
    previous,
    firstSince,
    now: opts.now,
    title: opts.title ?? defaultDigestTitle(opts.slot, opts.timeZone),
    ...(opts.cap !== undefined ? { cap: opts.cap } : {}),
    agendaDays: opts.agendaDays ?? 14,
  });
  const mark: DigestMark = {
    lastItemId: Math.max(previous?.lastItemId ?? 0, archiveTop, prepared.lastItemId),
    lastSlot: slotIso,
  };
  const { digest } = prepared;
  if (digest.totalStories === 0 && !opts.postEmpty) {
    await store.enqueue([], { targetKey: key, mark });
    return { status: 'empty', digest, mark };
  }
  if (opts.weeklyChart) {
    const chart = await weeklyDigestChart(store, digest, opts.slot);
    if (chart) digest.chart = chart;
  }
  const payload: OutboundMessage = { kind: 'digest', digest };
  const entryKey = digestKey(opts.target, opts.slot);
  const added = await store.enqueue([{ key: entryKey, target: opts.target, kind: 'digest', payload }], {
    targetKey: key,
    mark,
  });
  return { status: 'enqueued', key: entryKey, digest, mark, added };
}
