// Terminal mode: a newcomer runs `govwatch start` and should read something soon, not at the
// next 08:00. After the first poll, a terminal that never had a digest gets one at once,
// covering its schedule's period; the schedule then goes on from there.
import { digestPeriodStart } from '../../digest/period.ts';
import { runDigest, type RunDigestResult } from '../../digest/run.ts';
import { targetKey } from '../../model.ts';
import type { Store } from '../../store/types.ts';
import { CONSOLE_TARGET } from './index.ts';

export async function firstTerminalDigest(
  store: Store,
  opts: { owner: string; now: Date; defaultCron: string; defaultTimeZone: string },
): Promise<RunDigestResult | null> {
  const key = targetKey(CONSOLE_TARGET);
  if (await store.getDigestMark(key)) return null;
  const subs = (await store.listSubscriptions({ target: CONSOLE_TARGET, mode: 'digest' })).sort(
    (a, b) => a.id - b.id,
  );
  const first = subs[0];
  if (!first) return null;
  const cron = first.cron ?? opts.defaultCron;
  const timeZone = first.timezone || opts.defaultTimeZone;
  // The scheduler's per-target lock: a scheduled slot falling now does not build it twice.
  const lock = `digest-run:${key}`;
  if (!(await store.tryLock(lock, opts.owner, 10 * 60_000))) return null;
  try {
    return await runDigest(store, {
      target: CONSOLE_TARGET,
      filters: subs.map((s) => s.filter),
      slot: opts.now,
      now: opts.now,
      timeZone,
      firstSince: digestPeriodStart(cron, timeZone, opts.now).toISOString(),
    });
  } finally {
    await store.unlock(lock, opts.owner).catch(() => undefined);
  }
}
