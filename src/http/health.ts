// GET /healthz: is the bot doing its job? 200 when all is well, 503 naming what is not.
import type { Store } from '../store/types.ts';

export interface ChatConnection {
  platform: string;
  ok: boolean;
  detail: string;
}

export interface HealthDeps {
  store: Store;
  /** The heartbeat is running (started and not stopping). */
  schedulerRunning(): boolean;
  /** Unix ms of the last finished poll pass, or null before the first. */
  lastPollAt(): number | null;
  startedAt: number;
  pollMinutes: number;
  connections(): ChatConnection[];
  now?: () => Date;
}

export interface HealthReport {
  status: 'ok' | 'unhealthy';
  reasons: string[];
  store: { ok: boolean; kind: string; error?: string };
  scheduler: { running: boolean };
  lastPoll: { at: string | null; ageSeconds: number | null };
  chat: ChatConnection[];
}

/**
 * A poll is overdue when none finished for three poll intervals (plus a minute of slack)
 * since the last one or since start: one slow pass is normal, three missed ones are not.
 */
export function pollOverdueAfterMs(pollMinutes: number): number {
  return (3 * pollMinutes + 1) * 60_000;
}

export async function checkHealth(deps: HealthDeps): Promise<HealthReport> {
  const now = (deps.now ?? (() => new Date()))().getTime();
  const reasons: string[] = [];
  let store: HealthReport['store'] = { ok: true, kind: deps.store.kind };
  try {
    // A cheap read that goes to the database (SQLite file or PostgreSQL server).
    await deps.store.settings.get('healthz');
  } catch (err) {
    store = { ok: false, kind: deps.store.kind, error: String((err as Error).message ?? err) };
    reasons.push(`store unreachable: ${store.error}`);
  }
  const running = deps.schedulerRunning();
  if (!running) reasons.push('scheduler not running');
  const last = deps.lastPollAt();
  const age = last === null ? null : Math.max(0, now - last);
  const since = last ?? deps.startedAt;
  if (running && now - since > pollOverdueAfterMs(deps.pollMinutes)) {
    reasons.push(
      last === null
        ? `no poll finished since start ${Math.round((now - since) / 60_000)} min ago`
        : `last poll finished ${Math.round((now - since) / 60_000)} min ago`,
    );
  }
  const chat = deps.connections();
  for (const c of chat) if (!c.ok) reasons.push(`${c.platform}: ${c.detail}`);
  return {
    status: reasons.length ? 'unhealthy' : 'ok',
    reasons,
    store,
    scheduler: { running },
    lastPoll: {
      at: last === null ? null : new Date(last).toISOString(),
      ageSeconds: age === null ? null : Math.round(age / 1000),
    },
    chat,
  };
}
