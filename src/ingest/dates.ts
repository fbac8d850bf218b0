// Dates as real feeds write them, to a Date in UTC: RFC 822/1123 with odd or missing zones
// and seconds, localized day and month names (ru, zh, fr, de, es), ISO 8601 in its
// variants, "2024-03-05 10:00:00", Chinese 2024年3月5日. A time without a zone is UTC.

const MONTHS = new Map<string, number>();
function months(names: string): void {
  names.split(' ').forEach((group, i) => {
    for (const name of group.split('|')) MONTHS.set(name, i + 1);
  });
}
months(
  'jan|january feb|february mar|march apr|april may jun|june jul|july aug|august sep|sept|september oct|october nov|november dec|december',
);
// Russian: nominative, genitive and the usual abbreviations.
months(
  'янв|январь|января фев|февр|февраль|февраля мар|март|марта апр|апрель|апреля май|мая июн|июнь|июня ' +
    'июл|июль|июля авг|август|августа сен|сент|сентябрь|сентября окт|октябрь|октября ноя|нояб|ноябрь|ноября ' +
    'дек|декабрь|декабря',
);
months(
  'janv|janvier févr|fevr|février|fevrier mars avr|avril mai juin juil|juillet août|aout sept|septembre ' +
    'oct|octobre nov|novembre déc|dec|décembre|decembre',
);
months(
  'jän|jänner|januar feb|februar mär|märz|maerz apr|april mai jun|juni jul|juli aug|august sep|september okt|oktober nov|november dez|dezember',
);
months(
  'ene|enero feb|febrero mar|marzo abr|abril may|mayo jun|junio jul|julio ago|agosto sep|septiembre|setiembre oct|octubre nov|noviembre dic|diciembre',
);

/** Offsets in minutes east of UTC. North-American names win where they clash (RFC 822). */
const ZONES = new Map<string, number>(
  Object.entries({
    z: 0,
    ut: 0,
    utc: 0,
    gmt: 0,
    wet: 0,
    bst: 60,
    cet: 60,
    met: 60,
    cest: 120,
    mest: 120,
    eet: 120,
    eest: 180,
    msk: 180,
    msd: 240,
    ist: 330,
    sgt: 480,
    hkt: 480,
    awst: 480,
    jst: 540,
    kst: 540,
    acst: 570,
    aest: 600,
    aedt: 660,
    nzst: 720,
    nzdt: 780,
    ast: -240,
    adt: -180,
    est: -300,
    edt: -240,
    cst: -360,
    cdt: -300,
    mst: -420,
    mdt: -360,
    pst: -480,
    pdt: -420,
    akst: -540,
    akdt: -480,
    hst: -600,
  }),
);

function offsetFrom(sign: string, hours: string, minutes = '0'): number {
  const total = Number(hours) * 60 + Number(minutes);
  return sign === '-' ? -total : total;
}

/** "+0300", "+03:00", "+3", "-05" → minutes; null if not an offset. */
function parseOffset(token: string): number | null {
  const m = /^([+-])(\d{1,2})(?::?(\d{2}))?$/.exec(token);
  if (!m) return null;
  const [, sign = '+', h = '0', min = '0'] = m;
  if (Number(h) > 14 || Number(min) > 59) return null;
  return offsetFrom(sign, h, min);
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function build(y: number, mo: number, d: number, h = 0, mi = 0, s = 0, ms = 0, offsetMin = 0): Date | null {
  if (y < 100) y += y < 50 ? 2000 : 1900;
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return null;
  if (h === 24 && mi === 0 && s === 0)
    h = 24; // "24:00" is the end of the day; Date.UTC rolls it over
  else if (h > 23 || mi > 59 || s > 60) return null;
  const t = Date.UTC(y, mo - 1, d, h, mi, Math.min(s, 59), ms) - offsetMin * 60_000;
  return Number.isFinite(t) ? new Date(t) : null;
}

const ISO =
  /^(\d{4})-?(\d{2})-?(\d{2})(?:[T\s]+(\d{1,2}):?(\d{2})(?::?(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?|(?:UTC|GMT)(?:[+-]\d{1,2}(?::?\d{2})?)?)?$/i;

function parseIso(s: string): Date | null {
  const m = ISO.exec(s);
  if (!m) return null;
  const [, y, mo, d, h, mi, sec, frac, zone] = m;
  let offset = 0;
  if (zone) {
    const z = zone.toUpperCase();
    if (z === 'Z' || z === 'UTC' || z === 'GMT') offset = 0;
    else {
      const parsed = parseOffset(z.replace(/^(UTC|GMT)/, ''));
      if (parsed === null) return null;
      offset = parsed;
    }
  }
  const ms = frac ? Math.round(Number(`0.${frac}`) * 1000) : 0;
  return build(
    Number(y),
    Number(mo),
    Number(d),
    Number(h ?? 0),
    Number(mi ?? 0),
    Number(sec ?? 0),
    ms,
    offset,
  );
}

/** Chinese/Japanese "2024年3月5日 10时30分" and "2024/03/05 10:30" to the ISO shape. */
function normalizeCjkAndSlashes(s: string): string {
  return s
    .replace(
      /(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日/,
      (_, y: string, mo: string, d: string) => `${y}-${mo.padStart(2, '0')}-${d.padStart(2, '0')}`,
    )
    .replace(
      /(\d{1,2})\s*[时時点]\s*(\d{1,2})\s*分(?:\s*(\d{1,2})\s*秒)?/,
      (_, h: string, mi: string, sec?: string) =>
        `${h}:${mi.padStart(2, '0')}${sec ? `:${sec.padStart(2, '0')}` : ''}`,
    )
    .replace(
      /^(\d{4})[/.](\d{1,2})[/.](\d{1,2})/,
      (_, y: string, mo: string, d: string) => `${y}-${mo.padStart(2, '0')}-${d.padStart(2, '0')}`,
    )
    .replace(/^(\d{4}-\d{2}-\d{2})\s+(\d):/, '$1 0$2:')
    .replace(/\s*(?:星期|周|週|礼拜)[一二三四五六日天]\s*/, ' ')
    .trim();
}

/**
 * RFC 822 and its many relatives, token by token: a month name anywhere, day and year as
 * numbers, hh:mm[:ss], a zone as a name, an offset or GMT±h, optional AM/PM. Day names and
 * other words are ignored.
 */
function parseLoose(s: string): Date | null {
  const tokens = s
    .replace(/(\d)(?=[A-Za-z]{2,})/g, '$1 ') // "10:00GMT"
    .replace(/([A-Za-zА-Яа-яÀ-ÿ])(?=\d)/g, '$1 ') // "Mar5"
    .split(/[\s,]+|(?<=\d)-(?=[A-Za-zА-Яа-я])|(?<=[A-Za-zА-Яа-я.])-(?=\d+(?:\s|$))/)
    .filter(Boolean);
  const numbers: number[] = [];
  let month: number | null = null;
  let time: [number, number, number] | null = null;
  let offset: number | null = null;
  let pm: boolean | null = null;
  // Dotted day-first dates: 05.03.2024
  const dotted = /^(\d{1,2})\.(\d{1,2})\.(\d{2}|\d{4})$/;
  for (const raw of tokens) {
    const tok = raw.toLowerCase().replace(/\.$/, '');
    let m: RegExpExecArray | null;
    if ((m = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?([+-]\d{2}:?\d{2}|z)?$/i.exec(raw))) {
      time = [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
      if (m[4]) offset = m[4].toLowerCase() === 'z' ? 0 : parseOffset(m[4]);
    } else if ((m = dotted.exec(raw))) {
      numbers.push(Number(m[1]), Number(m[3]));
      month = Number(m[2]);
    } else if (/^\d+$/.test(tok)) {
      numbers.push(Number(tok));
    } else if (/^[+-]\d{1,4}$|^[+-]\d{2}:\d{2}$/.test(tok) && time) {
      offset = parseOffset(tok);
    } else if ((m = /^(?:gmt|utc|ut)([+-]\d{1,2}(?::?\d{2})?)$/.exec(tok))) {
      offset = parseOffset(m[1] ?? '');
    } else if (tok === 'am' || tok === 'a.m' || tok === 'pm' || tok === 'p.m') {
      pm = tok.startsWith('p');
    } else if (ZONES.has(tok) && (time || tok.length > 1)) {
      offset = ZONES.get(tok) ?? 0;
    } else if (month === null && MONTHS.has(tok)) {
      month = MONTHS.get(tok) ?? null;
    } else if (month === null && /^\d{1,2}月$/.test(tok)) {
      month = Number(tok.slice(0, -1));
    }
  }
  if (month === null || numbers.length < 2) return null;
  let day: number;
  let year: number;
  const [a = 0, b = 0] = numbers;
  if (a > 31) [year, day] = [a, b];
  else [day, year] = [a, b];
  const [hour, mi, sec] = time ?? [0, 0, 0];
  let h = hour;
  if (pm !== null && h <= 12) {
    if (pm && h < 12) h += 12;
    if (!pm && h === 12) h = 0;
  }
  return build(year, month, day, h, mi, sec, 0, offset ?? 0);
}

/** Parse a feed date; null when it cannot be read. The result is an instant (UTC). */
export function parseFeedDate(input: string | null | undefined): Date | null {
  if (!input) return null;
  const s = input.replace(/\s+/g, ' ').trim();
  if (!s || s.length > 100) return null;
  const normalized = normalizeCjkAndSlashes(s);
  return parseIso(normalized) ?? parseLoose(normalized);
}
