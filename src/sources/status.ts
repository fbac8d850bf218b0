// How a feed is doing, in the words `govwatch feeds list` and `/feeds list` both use: its
// state, when it last worked, its last error and when it is checked next.
import type { FeedPause, FeedRecord } from '../model.ts';

export type FeedStatus = 'active' | 'failing' | 'paused';

export function feedStatus(f: Pick<FeedRecord, 'paused' | 'state'>): FeedStatus {
  if (f.paused) return 'paused';
  return f.state.consecutiveFailures > 0 ? 'failing' : 'active';
}

/** `2026-12-05 13:00Z`, or `never`. */
export function shortTime(iso: string | null): string {
  return iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)}Z` : 'never';
}

const PAUSED_BY: Record<FeedPause['by'], string> = {
  'sources-file': 'no longer in the sources file',
  operator: 'by the operator',
  chat: 'from chat',
};

export function describePause(p: FeedPause): string {
  return `paused ${PAUSED_BY[p.by] ?? `(${p.by})`} since ${shortTime(p.at)}`;
}

/**
 * The parts of a feed's health, in order: state, last success, next check (while polled)
 * and the last error (when the last check failed).
 */
export function feedHealth(f: Pick<FeedRecord, 'paused' | 'state'>): string[] {
  const s = f.state;
  const status = feedStatus(f);
  const parts = [
    status === 'paused'
      ? describePause(f.paused!)
      : status === 'failing'
        ? `failing ×${s.consecutiveFailures}`
        : 'active',
    `last success ${shortTime(s.lastSuccessAt)}`,
  ];
  if (status !== 'paused')
    parts.push(`next check ${s.nextCheckAt ? shortTime(s.nextCheckAt) : 'at the next poll'}`);
  // A success clears the error, so one still here is current.
  if (s.lastError) parts.push(`last error ${shortTime(s.lastErrorAt)}: ${s.lastError}`);
  return parts;
}
