// A target's first digest covers one period of its own schedule: 24 hours for a daily
// digest, 7 days for a weekly one. This module turns a cron and zone into that window.
import { parseCron, previousOccurrence } from '../schedule/cron.ts';

const DAY_MS = 86_400_000;

/**
 * Start of the period ending at `at`: for a scheduled slot, the slot before it; for any
 * other moment (`/digest now`, a preview), `at` minus the gap between the schedule's last
 * two slots. A schedule that cannot be read gives one day.
 */
export function digestPeriodStart(cron: string, timeZone: string, at: Date): Date {
  try {
    const spec = parseCron(cron);
    const last = previousOccurrence(spec, timeZone, at);
    if (!last) return new Date(at.getTime() - DAY_MS);
    const before = previousOccurrence(spec, timeZone, new Date(last.getTime() - 1));
    if (!before) return new Date(at.getTime() - DAY_MS);
    if (last.getTime() === at.getTime()) return before;
    return new Date(at.getTime() - (last.getTime() - before.getTime()));
  } catch {
    return new Date(at.getTime() - DAY_MS);
  }
}
