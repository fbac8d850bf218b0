import { describe, expect, it } from 'vitest';
import { parseDuration, parseSince } from '../src/util/duration.ts';

describe('parseDuration', () => {
  it.each([
    ['30m', 30 * 60_000],
    ['24h', 24 * 3_600_000],
    ['7d', 7 * 86_400_000],
    ['2w', 14 * 86_400_000],
    [' 5 MIN ', 5 * 60_000],
  ])('reads %s', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['', '7', 'd7', '1y', '-3d', '1.5h', '7 days'])('refuses %j with a clear message', (text) => {
    expect(() => parseDuration(text)).toThrow(/is not a duration/);
  });
});

describe('parseSince', () => {
  const now = new Date('2026-11-26T12:00:00Z');
  it('counts a duration back from now', () => expect(parseSince('1d', now)).toBe('2026-11-25T12:00:00.000Z'));
  it('accepts an ISO date', () => expect(parseSince('2026-11-01', now)).toBe('2026-11-01T00:00:00.000Z'));
  it('refuses an impossible date', () => expect(() => parseSince('2026-13-45', now)).toThrow(/not a date/));
});
