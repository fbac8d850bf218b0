import { describe, expect, it } from 'vitest';
import { nextCheckAfterFailure, nextCheckAfterSuccess } from '../../src/ingest/next-check.ts';

const NOW = new Date('2026-11-20T12:00:00Z');
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const at = (ms: number): Date => new Date(NOW.getTime() + ms);

describe('nextCheckAfterSuccess', () => {
  it.each([
    { name: 'no hints: the poll interval', interval: 15 * MIN, hints: {}, wait: 15 * MIN },
    {
      name: 'fresh-until later than the interval wins',
      interval: 15 * MIN,
      hints: { freshUntil: at(2 * HOUR) },
      wait: 2 * HOUR,
    },
    {
      name: 'fresh-until sooner than the interval is ignored',
      interval: 15 * MIN,
      hints: { freshUntil: at(MIN) },
      wait: 15 * MIN,
    },
    {
      name: 'fresh-until in the past is ignored',
      interval: 15 * MIN,
      hints: { freshUntil: at(-HOUR) },
      wait: 15 * MIN,
    },
    {
      name: 'fresh-until a year away is capped at a day',
      interval: 15 * MIN,
      hints: { freshUntil: at(365 * DAY) },
      wait: DAY,
    },
    { name: '<ttl> longer than the interval', interval: 15 * MIN, hints: { ttlMinutes: 60 }, wait: HOUR },
    { name: '<ttl> shorter than the interval', interval: 15 * MIN, hints: { ttlMinutes: 5 }, wait: 15 * MIN },
    {
      name: '<ttl> of a week is capped at a day',
      interval: 15 * MIN,
      hints: { ttlMinutes: 7 * 1440 },
      wait: DAY,
    },
    { name: '<ttl> 0 or negative is ignored', interval: 15 * MIN, hints: { ttlMinutes: -5 }, wait: 15 * MIN },
    {
      name: 'the larger of ttl and fresh-until',
      interval: 15 * MIN,
      hints: { ttlMinutes: 90, freshUntil: at(HOUR) },
      wait: 90 * MIN,
    },
    {
      name: 'a null hint',
      interval: 30 * MIN,
      hints: { freshUntil: null, ttlMinutes: null },
      wait: 30 * MIN,
    },
  ])('$name', ({ interval, hints, wait }) => {
    expect(nextCheckAfterSuccess(NOW, interval, hints).toISOString()).toBe(at(wait).toISOString());
  });
});

describe('nextCheckAfterFailure', () => {
  it.each([
    { failures: 1, retryAfter: null, wait: 15 * MIN },
    { failures: 2, retryAfter: null, wait: 30 * MIN },
    { failures: 3, retryAfter: null, wait: 60 * MIN },
    { failures: 6, retryAfter: null, wait: 8 * HOUR },
    { failures: 8, retryAfter: null, wait: DAY }, // 32 h capped at a day
    { failures: 50, retryAfter: null, wait: DAY }, // no overflow to Infinity/NaN
    { failures: 0, retryAfter: null, wait: 15 * MIN }, // defensive: treated like the first
    { failures: 1, retryAfter: 2 * HOUR, wait: 2 * HOUR }, // Retry-After beyond the backoff
    { failures: 3, retryAfter: 10 * MIN, wait: 60 * MIN }, // backoff beyond Retry-After
    { failures: 1, retryAfter: 10 * DAY, wait: DAY }, // even Retry-After is capped
  ])('failure $failures with Retry-After $retryAfter ms waits $wait ms', ({ failures, retryAfter, wait }) => {
    expect(nextCheckAfterFailure(NOW, 15 * MIN, failures, retryAfter).toISOString()).toBe(
      at(wait).toISOString(),
    );
  });
});
