import { describe, expect, it } from 'vitest';
import {
  instantsForWallTime,
  latestDueSlot,
  nextOccurrence,
  parseCron,
  previousOccurrence,
} from '../../src/schedule/cron.ts';
import { UserError } from '../../src/model.ts';

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);
const at = (s: string): Date => new Date(s);

describe('daily 08:00 digests land on local 08:00 across DST changes', () => {
  const daily8 = parseCron('0 8 * * *');
  // Each row: zone, an instant, the next 08:00 slot after it (in UTC).
  const cases: Array<[string, string, string]> = [
    // Europe/Berlin, October change on Sunday 2026-10-25 (CEST +2 → CET +1 at 01:00Z).
    ['Europe/Berlin', '2026-10-23T07:00:00Z', '2026-10-24T06:00:00.000Z'],
    ['Europe/Berlin', '2026-10-24T06:00:00Z', '2026-10-25T07:00:00.000Z'],
    ['Europe/Berlin', '2026-10-25T07:00:00Z', '2026-10-26T07:00:00.000Z'],
    // Europe/Berlin, March change on Sunday 2026-03-29 (CET +1 → CEST +2 at 01:00Z).
    ['Europe/Berlin', '2026-03-27T08:00:00Z', '2026-03-28T07:00:00.000Z'],
    ['Europe/Berlin', '2026-03-28T07:00:00Z', '2026-03-29T06:00:00.000Z'],
    ['Europe/Berlin', '2026-03-29T06:00:00Z', '2026-03-30T06:00:00.000Z'],
    // America/New_York: EDT starts 2026-03-08, ends 2026-11-01.
    ['America/New_York', '2026-03-07T12:00:00Z', '2026-03-07T13:00:00.000Z'],
    ['America/New_York', '2026-03-07T13:00:00Z', '2026-03-08T12:00:00.000Z'],
    ['America/New_York', '2026-10-31T12:00:00Z', '2026-11-01T13:00:00.000Z'],
    ['America/New_York', '2026-11-01T13:00:00Z', '2026-11-02T13:00:00.000Z'],
    // A zone without DST, and UTC itself.
    ['Asia/Kolkata', '2026-10-25T00:00:00Z', '2026-10-25T02:30:00.000Z'],
    ['UTC', '2026-10-25T08:00:00Z', '2026-10-26T08:00:00.000Z'],
  ];
  it.each(cases)('%s: after %s the next slot is %s', (tz, from, expected) => {
    expect(iso(nextOccurrence(daily8, tz, at(from)))).toBe(expected);
    // The previous slot at that very instant is the same slot (inclusive bound).
    expect(iso(previousOccurrence(daily8, tz, at(expected)))).toBe(expected);
    // One millisecond before, the previous slot is an earlier one.
    const before = previousOccurrence(daily8, tz, new Date(at(expected).getTime() - 1));
    expect(before!.getTime()).toBeLessThan(at(expected).getTime());
  });
});

describe('wall times in DST gaps and overlaps', () => {
  it('finds two instants for an ambiguous wall time and none in a gap', () => {
    const overlap = instantsForWallTime(Date.UTC(2026, 9, 25, 2, 30), 'Europe/Berlin');
    expect(overlap.map((t) => new Date(t).toISOString())).toEqual([
      '2026-10-25T00:30:00.000Z',
      '2026-10-25T01:30:00.000Z',
    ]);
    expect(instantsForWallTime(Date.UTC(2026, 2, 29, 2, 30), 'Europe/Berlin')).toEqual([]);
  });

  const at0230 = parseCron('30 2 * * *');
  const cases: Array<[string, string, string, string]> = [
    // Gap: 02:30 does not exist, the slot runs at 03:30 local (after the jump).
    ['Europe/Berlin', 'gap', '2026-03-28T12:00:00Z', '2026-03-29T01:30:00.000Z'],
    ['America/New_York', 'gap', '2026-03-07T12:00:00Z', '2026-03-08T07:30:00.000Z'],
    // Overlap: 02:30 happens twice, the slot runs once at the first (summer-time) one…
    ['Europe/Berlin', 'overlap', '2026-10-24T12:00:00Z', '2026-10-25T00:30:00.000Z'],
    // …and the second 02:30 is not a slot: the next one is the following night.
    ['Europe/Berlin', 'after overlap', '2026-10-25T00:30:00Z', '2026-10-26T01:30:00.000Z'],
    // New York falls back from 02:00 to 01:00, so 02:30 is unambiguous (EST)…
    ['America/New_York', 'no overlap', '2026-10-31T12:00:00Z', '2026-11-01T07:30:00.000Z'],
  ];
  it.each(cases)('%s %s: after %s the slot is %s', (tz, _what, from, expected) => {
    expect(iso(nextOccurrence(at0230, tz, at(from)))).toBe(expected);
    expect(iso(previousOccurrence(at0230, tz, at(expected)))).toBe(expected);
  });

  it('…and 01:30 in New York runs once, at the first (EDT) occurrence', () => {
    const at0130 = parseCron('30 1 * * *');
    const first = nextOccurrence(at0130, 'America/New_York', at('2026-10-31T12:00:00Z'));
    expect(iso(first)).toBe('2026-11-01T05:30:00.000Z');
    expect(iso(nextOccurrence(at0130, 'America/New_York', first!))).toBe('2026-11-02T06:30:00.000Z');
  });

  it('an hourly schedule over the October change runs each wall hour once, in order', () => {
    const hourly = parseCron('0 * * * *');
    const seen: string[] = [];
    let t = at('2026-10-24T19:30:00Z');
    const end = at('2026-10-25T06:00:00Z').getTime();
    for (;;) {
      const n = nextOccurrence(hourly, 'Europe/Berlin', t);
      if (!n || n.getTime() > end) break;
      expect(n.getTime()).toBeGreaterThan(t.getTime());
      seen.push(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', hour: '2-digit' }).format(n));
      t = n;
    }
    // 22:00 … 07:00 local, 02:00 only once.
    expect(seen).toEqual(['22', '23', '00', '01', '02', '03', '04', '05', '06', '07']);
  });
});

describe('missed slots', () => {
  const daily8 = parseCron('0 8 * * *');
  it('a bot down for three days has exactly one due slot: the latest', () => {
    const since = at('2026-10-23T06:00:00Z'); // last digest: Friday 08:00 CEST
    const now = at('2026-10-26T09:30:00Z'); // back on Monday 10:30 CET
    expect(iso(latestDueSlot(daily8, 'Europe/Berlin', since, now))).toBe('2026-10-26T07:00:00.000Z');
    // Once that slot is recorded nothing more is due until the next 08:00.
    expect(latestDueSlot(daily8, 'Europe/Berlin', at('2026-10-26T07:00:00Z'), now)).toBeNull();
  });

  it('nothing is due before the first slot after the mark', () => {
    expect(latestDueSlot(daily8, 'UTC', at('2026-10-26T08:00:00Z'), at('2026-10-27T07:59:59Z'))).toBeNull();
    expect(iso(latestDueSlot(daily8, 'UTC', null, at('2026-10-27T07:59:59Z')))).toBe(
      '2026-10-26T08:00:00.000Z',
    );
  });
});

describe('cron syntax', () => {
  const cases: Array<[string, string, string]> = [
    ['0 9 * * mon', '2026-11-26T00:00:00Z', '2026-11-30T09:00:00.000Z'],
    ['0 9 * * 1-5', '2026-11-27T10:00:00Z', '2026-11-30T09:00:00.000Z'],
    ['*/20 * * * *', '2026-11-26T10:05:00Z', '2026-11-26T10:20:00.000Z'],
    ['5/20 10 * * *', '2026-11-26T10:06:00Z', '2026-11-26T10:25:00.000Z'],
    ['0 0 29 feb *', '2026-03-01T00:00:00Z', '2028-02-29T00:00:00.000Z'],
    // Both day fields restricted: either matches (Vixie cron), so the 1st or a Monday.
    ['0 0 1 * mon', '2026-11-26T00:00:00Z', '2026-11-30T00:00:00.000Z'],
    ['0 0 * * 7', '2026-11-26T00:00:00Z', '2026-11-29T00:00:00.000Z'],
  ];
  it.each(cases)('"%s" after %s fires at %s (UTC)', (expr, from, expected) => {
    expect(iso(nextOccurrence(parseCron(expr), 'UTC', at(from)))).toBe(expected);
  });

  it.each(['0 8 * *', '61 8 * * *', '0 8 * * 8', '0 8 1-x * *', '*/0 * * * *', '0 0 0 8 * * *'])(
    'rejects "%s" with a user error',
    (expr) => {
      expect(() => parseCron(expr)).toThrow(UserError);
    },
  );
});

describe('unusual zones', () => {
  const cases: Array<[string, string, string, string, string]> = [
    // Chile springs forward at midnight: 00:00 on 6 Sep does not exist, the slot is 01:00.
    ['America/Santiago', 'midnight gap', '0 0 * * *', '2026-09-05T12:00:00Z', '2026-09-06T04:00:00.000Z'],
    // …and falls back at midnight: 00:00 on 5 Apr happens once, after the change (-04).
    [
      'America/Santiago',
      'midnight fall-back',
      '0 0 * * *',
      '2026-04-04T12:00:00Z',
      '2026-04-05T04:00:00.000Z',
    ],
    // Lord Howe moves by 30 minutes: 02:00 on 4 Oct does not exist, the slot is 02:30.
    ['Australia/Lord_Howe', 'half-hour gap', '0 2 * * *', '2026-10-03T12:00:00Z', '2026-10-03T15:30:00.000Z'],
    ['Asia/Kathmandu', '+05:45', '0 8 * * *', '2026-10-02T12:00:00Z', '2026-10-03T02:15:00.000Z'],
  ];
  it.each(cases)('%s (%s): %s after %s fires at %s', (tz, _what, expr, from, expected) => {
    expect(iso(nextOccurrence(parseCron(expr), tz, at(from)))).toBe(expected);
    expect(iso(previousOccurrence(parseCron(expr), tz, at(expected)))).toBe(expected);
  });
});
