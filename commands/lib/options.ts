// Validation of chat command options. Every problem becomes a UserError whose message the
// platform shows to the caller only, so the caller can fix the option and retry.
import { THEME_IDS, UserError, isThemeId } from '../../src/model.ts';
import type { RegionCode, ThemeId } from '../../src/model.ts';
import type { CommandOption, OptionValues } from '../../src/chat/types.ts';
import { parseKeywords } from '../../src/digest/filter.ts';

export function stringOption(options: OptionValues, name: string): string | undefined {
  const value = options[name];
  if (value === undefined || value === null) return undefined;
  const text = String(value).trim();
  return text === '' ? undefined : text;
}

export function integerOption(options: OptionValues, name: string): number | undefined {
  const value = options[name];
  if (value === undefined) return undefined;
  const n = typeof value === 'number' ? value : Number(String(value).trim());
  if (!Number.isInteger(n))
    throw new UserError('bad-option', `\`${name}\` must be a whole number, not "${String(value)}"`);
  return n;
}

function splitList(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

export function themesOption(options: OptionValues, name = 'themes'): ThemeId[] {
  const text = stringOption(options, name);
  if (!text) return [];
  const values = splitList(text.toLowerCase());
  const unknown = values.filter((v) => !isThemeId(v));
  if (unknown.length) {
    throw new UserError(
      'unknown-theme',
      `unknown theme ${unknown.map((u) => `"${u}"`).join(', ')}; themes are: ${THEME_IDS.join(', ')} (see /themes)`,
    );
  }
  return [...new Set(values)] as ThemeId[];
}

/** Region codes: ISO 3166-1 alpha-2, or EU. */
export function regionsOption(options: OptionValues, name = 'regions'): RegionCode[] {
  const text = stringOption(options, name);
  if (!text) return [];
  const values = splitList(text.toUpperCase());
  const bad = values.filter((v) => !/^[A-Z]{2}$/.test(v));
  if (bad.length) {
    throw new UserError(
      'bad-region',
      `${bad.map((b) => `"${b}"`).join(', ')} is not a region: use two-letter country codes like CN, RU, US, or EU`,
    );
  }
  return [...new Set(values)];
}

export function listOption(options: OptionValues, name: string): string[] {
  const text = stringOption(options, name);
  return text ? [...new Set(splitList(text))] : [];
}

/**
 * Keywords keep their spaces when quoted; a leading `-` excludes:
 * `"data retention", pegasus, -football, -"football club"` (see parseKeywords).
 */
export function keywordsOption(
  options: OptionValues,
  name = 'keywords',
): { keywords: string[]; exclude: string[] } {
  return parseKeywords(stringOption(options, name));
}

export function timezoneOption(options: OptionValues, name = 'timezone', fallback = 'UTC'): string {
  const tz = stringOption(options, name) ?? fallback;
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
  } catch {
    throw new UserError(
      'bad-timezone',
      `"${tz}" is not a time zone: use an IANA name like Europe/Berlin or UTC`,
    );
  }
  return tz;
}

/** `HH:MM` (24-hour) → [hour, minute]. */
export function timeOption(options: OptionValues, name = 'time', fallback = '08:00'): [number, number] {
  const text = stringOption(options, name) ?? fallback;
  const m = /^(\d{1,2}):(\d{2})$/.exec(text);
  const hour = m ? Number(m[1]) : NaN;
  const minute = m ? Number(m[2]) : NaN;
  if (!(hour >= 0 && hour <= 23 && minute >= 0 && minute <= 59)) {
    throw new UserError('bad-time', `"${text}" is not a time of day: use HH:MM, like 08:00 or 17:30`);
  }
  return [hour, minute];
}

const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

/** A digest schedule as a 5-field cron expression: daily, or weekly on a day. */
export function scheduleCron(
  frequency: string | undefined,
  [hour, minute]: [number, number],
  day?: string,
): string {
  const freq = (frequency ?? 'daily').toLowerCase();
  if (freq === 'daily') return `${minute} ${hour} * * *`;
  if (freq === 'weekly') {
    const d = WEEKDAYS.indexOf((day ?? 'mon').toLowerCase().slice(0, 3));
    if (d < 0) throw new UserError('bad-day', `"${day}" is not a day of the week: use mon, tue, … sun`);
    return `${minute} ${hour} * * ${d}`;
  }
  throw new UserError('bad-frequency', `"${frequency}" is not a frequency: use daily or weekly`);
}

/** Describe a cron in words for replies: daily/weekly ones as scheduleCron makes them, others as is. */
export function describeCron(cron: string, timezone: string): string {
  const [minute, hour, dom, month, dow, extra] = cron.trim().split(/\s+/);
  const plain = /^\d+$/;
  if (
    extra !== undefined ||
    dom !== '*' ||
    month !== '*' ||
    !plain.test(minute ?? '') ||
    !plain.test(hour ?? '')
  )
    return `on cron "${cron}" (${timezone})`;
  const time = `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
  if (dow === '*') return `daily at ${time} ${timezone}`;
  const day = plain.test(dow ?? '') ? WEEKDAYS[Number(dow) % 7] : undefined;
  return day ? `weekly on ${day} at ${time} ${timezone}` : `on cron "${cron}" (${timezone})`;
}

/** The options that set a digest schedule, shared by /subscribe and /digest schedule. */
export function scheduleOptions(opts: { timezoneRequired?: boolean } = {}): CommandOption[] {
  return [
    {
      name: 'frequency',
      description: 'Digest frequency: daily or weekly',
      type: 'string',
      choices: [
        { name: 'daily', value: 'daily' },
        { name: 'weekly', value: 'weekly' },
      ],
    },
    { name: 'day', description: 'Weekday of a weekly digest (mon…sun)', type: 'string' },
    { name: 'time', description: 'Digest time, HH:MM 24-hour (default 08:00)', type: 'string' },
    {
      name: 'timezone',
      description: 'IANA time zone, e.g. Europe/Berlin',
      type: 'string',
      ...(opts.timezoneRequired ? { required: true } : {}),
    },
  ];
}

/** The theme, region and source options that narrow /search and /trends. */
export function narrowingOptions(): CommandOption[] {
  return [
    { name: 'theme', description: 'Only this theme (see /themes)', type: 'string', autocomplete: 'theme' },
    {
      name: 'region',
      description: 'Only this region (CN, RU, US, EU, …)',
      type: 'string',
      autocomplete: 'region',
    },
    { name: 'source', description: 'Only this source (feed id)', type: 'string', autocomplete: 'source' },
  ];
}
