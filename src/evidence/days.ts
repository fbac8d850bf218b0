// UTC calendar days as YYYY-MM-DD strings: evidence is cached and shown per day.
const DAY_MS = 86_400_000;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

export function isDay(value: string): boolean {
  return (
    DAY.test(value) &&
    dayToMs(value) !== null &&
    new Date(dayToMs(value)!).toISOString().slice(0, 10) === value
  );
}

export function dayToMs(day: string): number | null {
  const ms = Date.parse(`${day}T00:00:00Z`);
  return Number.isFinite(ms) ? ms : null;
}

export function dayOf(date: Date | string): string {
  return (typeof date === 'string' ? new Date(date) : date).toISOString().slice(0, 10);
}

export function addDays(day: string, n: number): string {
  return new Date(dayToMs(day)! + n * DAY_MS).toISOString().slice(0, 10);
}

/** Every day from `from` to `until`, both included. */
export function daysBetween(from: string, until: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= until; d = addDays(d, 1)) out.push(d);
  return out;
}

/** Unix seconds at the start of a day. */
export function dayStartSeconds(day: string): number {
  return dayToMs(day)! / 1000;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "19 Nov", "19–20 Nov", "30 Nov–2 Dec", "30 Dec 2026–2 Jan 2027". */
export function dayRangeLabel(from: string, until: string): string {
  const [fy, fm, fd] = from.split('-').map(Number) as [number, number, number];
  const [uy, um, ud] = until.split('-').map(Number) as [number, number, number];
  if (from === until) return `${fd} ${MONTHS[fm - 1]}`;
  if (fy !== uy) return `${fd} ${MONTHS[fm - 1]} ${fy}–${ud} ${MONTHS[um - 1]} ${uy}`;
  if (fm === um) return `${fd}–${ud} ${MONTHS[fm - 1]}`;
  return `${fd} ${MONTHS[fm - 1]}–${ud} ${MONTHS[um - 1]}`;
}
