// What followers are told, through the outbox (its unique keys make each notice go once,
// across restarts and replicas): a state change, and reminders before a deadline.
import type { OutboundMessage } from '../delivery/types.ts';
import { targetKey } from '../model.ts';
import type { NewOutboxEntry, Store } from '../store/types.ts';
import type { TrackedProcess } from './types.ts';

const DAY = 86_400_000;

/** `Tue 15 Dec 2026, 23:59 UTC`. */
export function formatDeadline(iso: string): string {
  const d = new Date(iso);
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'UTC',
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
  }).formatToParts(d);
  const get = (type: string): string => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('weekday')} ${get('day')} ${get('month')} ${get('year')}, ${d.toISOString().slice(11, 16)} UTC`;
}

export function deadlineVerb(p: Pick<TrackedProcess, 'kind'>): string {
  return p.kind === 'event' ? 'opens' : p.kind === 'treaty' ? 'enters into force' : 'closes';
}

function text(t: string): OutboundMessage {
  return { kind: 'text', text: t };
}

/** Tell every follower of `p` that it changed from `before`; the key holds the history index. */
export async function enqueueChangeNotices(
  store: Store,
  before: TrackedProcess,
  after: TrackedProcess,
  notes: string[],
): Promise<number> {
  const follows = await store.trackers.listFollows({ processId: after.id });
  if (!follows.length) return 0;
  const lines = [
    `Tracked: ${after.title}`,
    before.state !== after.state ? `${before.state} → ${after.state}` : after.state,
    ...notes,
    ...(after.deadline ? [`${deadlineVerb(after)}: ${formatDeadline(after.deadline)}`] : []),
    after.url,
  ];
  const entries: NewOutboxEntry[] = follows.map((f) => ({
    key: `tracker:${after.id}:${targetKey(f.target)}:${after.history.length}`,
    target: f.target,
    kind: 'alert',
    payload: text(lines.join('\n')),
  }));
  return store.enqueue(entries);
}

/**
 * For each follow whose reminder days have come (deadline − d days ≤ now < deadline), the
 * nearest one: a follower back after a long outage gets one reminder, not a burst.
 */
export async function enqueueReminders(store: Store, now: Date): Promise<number> {
  const follows = await store.trackers.listFollows();
  const entries: NewOutboxEntry[] = [];
  const cache = new Map<string, TrackedProcess | null>();
  for (const f of follows) {
    if (!cache.has(f.processId)) cache.set(f.processId, await store.trackers.get(f.processId));
    const p = cache.get(f.processId);
    if (!p?.deadline) continue;
    const at = Date.parse(p.deadline);
    if (!(at > now.getTime())) continue;
    const due = f.reminderDays.filter((d) => now.getTime() >= at - d * DAY).sort((a, b) => a - b)[0];
    if (due === undefined) continue;
    const left = Math.ceil((at - now.getTime()) / DAY);
    entries.push({
      key: `tracker-reminder:${p.id}:${targetKey(f.target)}:${p.deadline}:${due}`,
      target: f.target,
      kind: 'alert',
      payload: text(
        `Reminder: ${p.title} ${deadlineVerb(p)} in ${left} day${left === 1 ? '' : 's'}, ${formatDeadline(p.deadline)}\n${p.url}`,
      ),
    });
  }
  return entries.length ? store.enqueue(entries) : 0;
}
