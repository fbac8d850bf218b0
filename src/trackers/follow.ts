// Following and unfollowing a process by what a user typed, shared by /track, /untrack and
// `govwatch track add|remove`.
import type { Config } from '../config.ts';
import { UserError, type Target } from '../model.ts';
import type { Store } from '../store/types.ts';
import { formatDeadline } from './notices.ts';
import { resolveReference } from './registry.ts';
import type { TrackedProcess } from './types.ts';

export function requireTrackers(config: Config): NonNullable<Config['trackers']> {
  if (!config.trackers)
    throw new UserError('trackers-off', 'tracking is turned off here (GOVWATCH_TRACKERS=off)');
  return config.trackers;
}

/** The stored process `ref` names: an id (`event:…`, `untc:…`) or anything /track understands. */
export async function findProcess(
  store: Store,
  config: Config,
  ref: string,
  now: Date,
): Promise<TrackedProcess | null> {
  const direct = await store.trackers.get(ref.trim());
  if (direct) return direct;
  try {
    return await store.trackers.get(resolveReference(ref, requireTrackers(config).urls, now).id);
  } catch (err) {
    if (err instanceof UserError && err.code === 'bad-reference') return null;
    throw err;
  }
}

/** Reminder days from an option (`7,1`), else the configured default. */
export function reminderDaysOf(text: string | undefined, fallback: number[]): number[] {
  if (!text) return fallback;
  if (/^(none|off|0?)$/i.test(text.trim())) return [];
  const days = text
    .split(/[\s,]+/)
    .filter(Boolean)
    .map(Number);
  if (days.some((d) => !Number.isInteger(d) || d < 0 || d > 365))
    throw new UserError('bad-option', `"${text}" is not a list of days: use whole days like 7,1 (or none)`);
  return [...new Set(days)].sort((a, b) => b - a);
}

export async function track(
  store: Store,
  config: Config,
  opts: { ref: string; target: Target; reminderDays?: number[]; createdBy: string; now: Date },
): Promise<{ process: TrackedProcess; newFollow: boolean; reminderDays: number[] }> {
  const trackers = requireTrackers(config);
  const reminderDays = opts.reminderDays ?? trackers.reminderDays;
  let process = await findProcess(store, config, opts.ref, opts.now);
  if (!process) {
    if (/^event:/i.test(opts.ref.trim()))
      throw new UserError('not-found', `no meeting "${opts.ref}": see /deadlines for the ids`);
    process = resolveReference(opts.ref, trackers.urls, opts.now);
    await store.trackers.upsert(process);
  }
  const newFollow = await store.trackers.follow({
    processId: process.id,
    target: opts.target,
    reminderDays,
    createdBy: opts.createdBy,
  });
  return { process, newFollow, reminderDays };
}

/** Stop following; a process nobody follows any more is forgotten (meetings stay). */
export async function untrack(
  store: Store,
  config: Config,
  opts: { ref: string; target: Target; now: Date },
): Promise<TrackedProcess> {
  const process = await findProcess(store, config, opts.ref, opts.now);
  if (!process || !(await store.trackers.unfollow(process.id, opts.target)))
    throw new UserError('not-found', `"${opts.ref}" is not tracked here (see /tracked)`);
  if (process.source !== 'events' && !(await store.trackers.listFollows({ processId: process.id })).length)
    await store.trackers.remove(process.id);
  return process;
}

/** One line: title, state, next deadline, and the last error when the source failed. */
export function describeProcess(p: TrackedProcess): string {
  const parts = [`${p.title} [${p.id}]: ${p.state}`];
  if (p.deadline) parts.push(`next deadline ${formatDeadline(p.deadline)}`);
  if (p.fetch.lastError) parts.push(`tracker error: ${p.fetch.lastError}`);
  return parts.join('; ');
}

export function describeReminders(days: number[]): string {
  if (!days.length) return 'no reminders';
  const list =
    days.length > 1 ? `${days.slice(0, -1).join(', ')} and ${days[days.length - 1]}` : `${days[0]}`;
  return `reminders ${list} day${days.length === 1 && days[0] === 1 ? '' : 's'} before a deadline`;
}
