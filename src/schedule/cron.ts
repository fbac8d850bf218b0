// Five-field cron expressions evaluated in an IANA time zone: the previous and next
// occurrence around an instant. node-cron fires timers; this module decides which digest
// slot is due (including a slot missed while the bot was down), so it must be exact
// across DST changes.
//
// DST rules (the same as cronie/Vixie cron in spirit, stated here because tests pin them):
// - A wall time that does not exist (spring-forward gap, e.g. 02:30 in Europe/Berlin on the
//   last Sunday of March) runs at the same distance after the gap, i.e. 03:30 local, the
//   instant the wall time would have had under the offset in force before the change.
// - A wall time that happens twice (autumn overlap) runs once, at its first occurrence.
import { UserError } from '../model.ts';

export interface CronSpec {
  source: string;
  minutes: ReadonlySet<number>;
  hours: ReadonlySet<number>;
  daysOfMonth: ReadonlySet<number>;
  months: ReadonlySet<number>;
  /** 0 = Sunday … 6 = Saturday. */
  daysOfWeek: ReadonlySet<number>;
  /** Vixie rule: when both day fields are restricted, a day matches if either matches. */
  domRestricted: boolean;
  dowRestricted: boolean;
}

const MONTH_NAMES = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

function parseField(
  text: string,
  name: string,
  min: number,
  max: number,
  names: string[] | null,
  nameBase: number,
): Set<number> {
  const out = new Set<number>();
  const value = (s: string): number => {
    const lower = s.toLowerCase();
    if (names) {
      const i = names.indexOf(lower);
      if (i >= 0) return i + nameBase;
    }
    if (!/^\d+$/.test(s)) throw new Error(`${name}: "${s}" is not a number`);
    return Number(s);
  };
  for (const part of text.split(',')) {
    if (part === '') throw new Error(`${name}: empty list element`);
    const [rangeText, stepText, extra] = part.split('/');
    if (extra !== undefined || rangeText === undefined) throw new Error(`${name}: bad step in "${part}"`);
    let step = 1;
    if (stepText !== undefined) {
      if (!/^\d+$/.test(stepText) || Number(stepText) === 0)
        throw new Error(`${name}: bad step "${stepText}"`);
      step = Number(stepText);
    }
    let lo: number;
    let hi: number;
    if (rangeText === '*') {
      lo = min;
      hi = max;
    } else if (rangeText.includes('-')) {
      const [a, b, more] = rangeText.split('-');
      if (a === undefined || b === undefined || more !== undefined)
        throw new Error(`${name}: bad range "${rangeText}"`);
      lo = value(a);
      hi = value(b);
    } else {
      lo = value(rangeText);
      // `5/15` means "from 5 to the end, every 15" as in most crons.
      hi = stepText !== undefined ? max : lo;
    }
    if (lo < min || hi > max || lo > hi) throw new Error(`${name}: "${part}" is outside ${min}-${max}`);
    for (let v = lo; v <= hi; v += step) out.add(v);
  }
  return out;
}

/** Parse a 5-field cron expression (minute hour day-of-month month day-of-week). */
export function parseCron(expression: string): CronSpec {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5) {
    throw new UserError(
      'bad_cron',
      `cron expression "${expression}" must have 5 fields (minute hour day month weekday), e.g. "0 8 * * *"`,
    );
  }
  const [mi, ho, dom, mo, dow] = fields as [string, string, string, string, string];
  try {
    const daysOfWeek = parseField(dow, 'weekday', 0, 7, DAY_NAMES, 0);
    if (daysOfWeek.has(7)) {
      daysOfWeek.delete(7);
      daysOfWeek.add(0);
    }
    return {
      source: expression.trim(),
      minutes: parseField(mi, 'minute', 0, 59, null, 0),
      hours: parseField(ho, 'hour', 0, 23, null, 0),
      daysOfMonth: parseField(dom, 'day', 1, 31, null, 0),
      months: parseField(mo, 'month', 1, 12, MONTH_NAMES, 1),
      daysOfWeek,
      domRestricted: !dom.startsWith('*'),
      dowRestricted: !dow.startsWith('*'),
    };
  } catch (err) {
    throw new UserError('bad_cron', `cron expression "${expression}": ${(err as Error).message}`);
  }
}

/** Throws UserError('bad_timezone') unless `tz` is an IANA zone this runtime knows. */
export function assertTimeZone(tz: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
  } catch {
    throw new UserError('bad_timezone', `unknown time zone "${tz}" (use an IANA name such as Europe/Berlin)`);
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(tz, f);
  }
  return f;
}

/** Wall-clock fields of an instant in `tz`, as a UTC-epoch number (wall time "as if UTC"). */
function wallMs(instantMs: number, tz: string): number {
  const parts = formatterFor(tz).formatToParts(new Date(instantMs));
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? NaN);
  return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
}

/** The zone's offset from UTC at an instant, in ms (Berlin summer: +7,200,000). */
export function zoneOffsetMs(instantMs: number, tz: string): number {
  const whole = Math.floor(instantMs / 1000) * 1000;
  return wallMs(whole, tz) - whole;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * Instants (ascending, 0–2 of them) at which the wall clock in `tz` reads `wall`
 * (a wall time encoded as a UTC epoch). Empty inside a DST gap.
 */
export function instantsForWallTime(wall: number, tz: string): number[] {
  // Any instant showing `wall` lies within ±14 h of it; sample the offsets at both ends.
  const candidates = new Set([zoneOffsetMs(wall - 14 * HOUR, tz), zoneOffsetMs(wall + 14 * HOUR, tz)]);
  const out: number[] = [];
  for (const off of candidates) {
    const t = wall - off;
    if (zoneOffsetMs(t, tz) === off) out.push(t);
  }
  return out.sort((a, b) => a - b);
}

/** The instant a cron slot at wall time `wall` fires, by the DST rules above. */
export function slotInstant(wall: number, tz: string): number {
  const found = instantsForWallTime(wall, tz);
  if (found[0] !== undefined) return found[0];
  // In a gap: use the offset in force before the change, which lands after the gap.
  return wall - zoneOffsetMs(wall - 14 * HOUR, tz);
}

function dayMatches(spec: CronSpec, dayWall: number): boolean {
  const d = new Date(dayWall);
  if (!spec.months.has(d.getUTCMonth() + 1)) return false;
  const domOk = spec.daysOfMonth.has(d.getUTCDate());
  const dowOk = spec.daysOfWeek.has(d.getUTCDay());
  if (spec.domRestricted && spec.dowRestricted) return domOk || dowOk;
  if (spec.domRestricted) return domOk;
  if (spec.dowRestricted) return dowOk;
  return true;
}

/** Fire instants of one local day (its midnight given as wall time), ascending. */
function slotsOfDay(spec: CronSpec, dayWall: number, tz: string): number[] {
  const out: number[] = [];
  // Fast path: no offset change anywhere near this day.
  const before = zoneOffsetMs(dayWall - 14 * HOUR, tz);
  const after = zoneOffsetMs(dayWall + DAY + 14 * HOUR, tz);
  for (const h of [...spec.hours].sort((a, b) => a - b)) {
    for (const m of [...spec.minutes].sort((a, b) => a - b)) {
      const wall = dayWall + h * HOUR + m * 60_000;
      out.push(before === after ? wall - before : slotInstant(wall, tz));
    }
  }
  // Gap-shifted slots can land after later ones, and can coincide with them.
  return [...new Set(out)].sort((a, b) => a - b);
}

/** Longest search: 28 years covers any satisfiable day/month/weekday combination. */
const MAX_DAYS = 366 * 28;

function localMidnight(instantMs: number, tz: string): number {
  const wall = wallMs(instantMs, tz);
  return wall - (((wall % DAY) + DAY) % DAY);
}

/** Latest fire time at or before `at`, or null if none in the search horizon. */
export function previousOccurrence(spec: CronSpec, tz: string, at: Date): Date | null {
  const atMs = at.getTime();
  // Start one day ahead: a gap-shifted slot of the next local day cannot precede `at`, but
  // starting there is cheap and keeps the reasoning simple.
  let day = localMidnight(atMs, tz) + DAY;
  for (let i = 0; i < MAX_DAYS; i++, day -= DAY) {
    if (!dayMatches(spec, day)) continue;
    const slots = slotsOfDay(spec, day, tz);
    for (let j = slots.length - 1; j >= 0; j--) {
      const s = slots[j]!;
      if (s <= atMs) return new Date(s);
    }
  }
  return null;
}

/** Earliest fire time strictly after `after`, or null if none in the search horizon. */
export function nextOccurrence(spec: CronSpec, tz: string, after: Date): Date | null {
  const afterMs = after.getTime();
  let day = localMidnight(afterMs, tz) - DAY;
  for (let i = 0; i < MAX_DAYS; i++, day += DAY) {
    if (!dayMatches(spec, day)) continue;
    for (const s of slotsOfDay(spec, day, tz)) if (s > afterMs) return new Date(s);
  }
  return null;
}

/**
 * The slot a catch-up should run: the latest occurrence in (`since`, `now`], or null when
 * nothing fell due. However many slots were missed, there is one answer, so a bot that was
 * down for three days sends one digest, not three.
 */
export function latestDueSlot(spec: CronSpec, tz: string, since: Date | null, now: Date): Date | null {
  const slot = previousOccurrence(spec, tz, now);
  if (!slot) return null;
  if (since && slot.getTime() <= since.getTime()) return null;
  return slot;
}
