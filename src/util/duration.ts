import { UserError } from '../model.ts';

const UNITS: Record<string, number> = {
  m: 60_000,
  min: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
};

/** `30m`, `24h`, `7d`, `2w` → milliseconds. */
export function parseDuration(text: string): number {
  const m = /^\s*(\d{1,6})\s*(m|min|h|d|w)\s*$/i.exec(text);
  if (!m) {
    throw new UserError(
      'bad-duration',
      `"${text}" is not a duration: use a number and a unit, like 30m, 24h, 7d or 2w`,
    );
  }
  return Number(m[1]) * UNITS[m[2]!.toLowerCase()]!;
}

/** A `--since` value: a duration back from now, or an ISO date. Returns an ISO timestamp. */
export function parseSince(text: string, now: Date): string {
  if (/^\d{4}-\d{2}-\d{2}/.test(text.trim())) {
    const t = Date.parse(text.trim());
    if (Number.isNaN(t)) throw new UserError('bad-date', `"${text}" is not a date (use YYYY-MM-DD)`);
    return new Date(t).toISOString();
  }
  return new Date(now.getTime() - parseDuration(text)).toISOString();
}
