// What closes or opens soon: /deadlines, `govwatch deadlines`, and the digests' "Deadlines
// and meetings" section read the archive through here.
import type { Target } from '../model.ts';
import type { Store } from '../store/types.ts';
import type { TrackedProcess } from './types.ts';

/** The JSON shape of `govwatch deadlines --json`. */
export interface DeadlineRow {
  id: string;
  kind: TrackedProcess['kind'];
  title: string;
  url: string;
  state: string;
  /** ISO 8601 UTC ending in Z, or null. */
  deadline: string | null;
  source: TrackedProcess['source'];
}

export interface DeadlineQuery {
  now: Date;
  /** Only deadlines before now + this; default 30 days. */
  withinMs?: number;
  themes?: string[];
  regions?: string[];
}

export function deadlineRow(p: TrackedProcess): DeadlineRow {
  return {
    id: p.id,
    kind: p.kind,
    title: p.title,
    url: p.url,
    state: p.state,
    deadline: p.deadline ?? null,
    source: p.source,
  };
}

/** Processes with a deadline from now to now + within, soonest first, matching themes and regions if given. */
export async function upcomingDeadlines(store: Store, q: DeadlineQuery): Promise<TrackedProcess[]> {
  const from = q.now.getTime();
  const to = from + (q.withinMs ?? 30 * 86_400_000);
  return (await store.trackers.list()).filter((p) => {
    if (!p.deadline) return false;
    const at = Date.parse(p.deadline);
    if (!(at >= from && at <= to)) return false;
    if (q.themes?.length && !p.themes.some((t) => q.themes!.includes(t))) return false;
    if (q.regions?.length && !p.regions.some((r) => q.regions!.includes(r))) return false;
    return true;
  });
}

/**
 * The agenda of a digest: what the target follows plus the meetings, within `days`, and
 * for a target whose subscriptions name themes, only processes of those themes (what it
 * follows always shows).
 */
export async function digestAgenda(
  store: Store,
  opts: { target: Target | null; themes: string[]; now: Date; days: number },
): Promise<TrackedProcess[]> {
  const all = await upcomingDeadlines(store, { now: opts.now, withinMs: opts.days * 86_400_000 });
  if (!all.length) return [];
  const followed = opts.target
    ? new Set((await store.trackers.listFollows({ target: opts.target })).map((f) => f.processId))
    : null;
  return all.filter((p) => {
    if (followed?.has(p.id)) return true;
    // A channel sees the meetings and what it follows; the terminal's `govwatch digest` sees all.
    if (followed && p.kind !== 'event') return false;
    return !opts.themes.length || p.themes.some((t) => opts.themes.includes(t));
  });
}
