import { describe, expect, it } from 'vitest';
import { nextCheckAfterFailure, nextCheckAfterSuccess } from '../../src/ingest/next-check.ts';

const NOW = new Date('2026-11-20T12:00:00Z');
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const at = (ms: number): Date => new Date(NOW.getTime() + ms);
/** Regular checks come a tenth of the interval (at most 5 s) early, for heartbeat jitter. */
const SLACK = 5_000;

describe('nextCheckAfterSuccess', () => {
  it.each([
    { name: 'no hints: the poll interval', interval: 15 * MIN, hints: {}, wait: 15 * MIN - SLACK },
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
      wait: 15 * MIN - SLACK,
    },
    {
      name: 'fresh-until in the past is ignored',
      interval: 15 * MIN,
      hints: { freshUntil: at(-HOUR) },
      wait: 15 * MIN - SLACK,
    },
    {
      name: 'fresh-until a year away is capped at a day',
      interval: 15 * MIN,
      hints: { freshUntil: at(365 * DAY) },
      wait: DAY,
    },
    { name: '<ttl> longer than the interval', interval: 15 * MIN, hints: { ttlMinutes: 60 }, wait: HOUR },
    {
      name: '<ttl> shorter than the interval',
      interval: 15 * MIN,
      hints: { ttlMinutes: 5 },
      wait: 15 * MIN - SLACK,
    },
    {
      name: '<ttl> of a week is capped at a day',
      interval: 15 * MIN,
      hints: { ttlMinutes: 7 * 1440 },
      wait: DAY,
    },
    {
      name: '<ttl> 0 or negative is ignored',
      interval: 15 * MIN,
      hints: { ttlMinutes: -5 },
      wait: 15 * MIN - SLACK,
    },
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
      wait: 30 * MIN - SLACK,
    },
  ])('$name', ({ interval, hints, wait }) => {
    expect(nextCheckAfterSuccess(NOW, interval, hints).toISOString()).toBe(at(wait).toISOString());
  });
});

describe('nextCheckAfterFailure', () => {
  it.each([
    { failures: 1, retryAfter: null, wait: 15 * MIN - SLACK },
    { failures: 2, retryAfter: null, wait: 30 * MIN - SLACK },
    { failures: 3, retryAfter: null, wait: 60 * MIN - SLACK },
    { failures: 6, retryAfter: null, wait: 8 * HOUR - SLACK },
    { failures: 8, retryAfter: null, wait: DAY - SLACK }, // 32 h capped at a day
    { failures: 50, retryAfter: null, wait: DAY - SLACK }, // no overflow to Infinity/NaN
    { failures: 0, retryAfter: null, wait: 15 * MIN - SLACK }, // defensive: treated like the first
    { failures: 1, retryAfter: 2 * HOUR, wait: 2 * HOUR }, // Retry-After beyond the backoff, exact
    { failures: 3, retryAfter: 10 * MIN, wait: 60 * MIN - SLACK }, // backoff beyond Retry-After
    { failures: 1, retryAfter: 10 * DAY, wait: DAY }, // even Retry-After is capped
  ])('failure $failures with Retry-After $retryAfter ms waits $wait ms', ({ failures, retryAfter, wait }) => {
    expect(nextCheckAfterFailure(NOW, 15 * MIN, failures, retryAfter).toISOString()).toBe(
      at(wait).toISOString(),
    );
  });
});

describe('regular checks count from the pass start, server hints from the fetch', () => {
  const passStart = NOW;
  const fetchedAt = at(40_000); // 40 s into the pass

  it.each([
    { name: 'no hint: pass start + interval − slack', hints: {}, wait: MIN - 5_000 },
    { name: 'a 1-minute <ttl> counts from the fetch', hints: { ttlMinutes: 1 }, wait: 40_000 + MIN },
    {
      name: 'max-age 90 s counts from the fetch',
      hints: { freshUntil: at(40_000 + 90_000) },
      wait: 40_000 + 90_000,
    },
  ])('$name', ({ hints, wait }) => {
    expect(nextCheckAfterSuccess(fetchedAt, MIN, hints, passStart).toISOString()).toBe(
      at(wait).toISOString(),
    );
  });

  it.each([
    { interval: MIN, slack: 5_000 },
    { interval: 10_000, slack: 1_000 },
    { interval: 1_000, slack: 100 },
  ])('slack for a $interval ms interval is $slack ms', ({ interval, slack }) => {
    expect(nextCheckAfterSuccess(fetchedAt, interval, {}, passStart).getTime()).toBe(
      passStart.getTime() + interval - slack,
    );
  });

  it('backs off from the pass start, Retry-After from the fetch', () => {
    expect(nextCheckAfterFailure(fetchedAt, MIN, 2, null, passStart).toISOString()).toBe(
      at(2 * MIN - 5_000).toISOString(),
    );
    expect(nextCheckAfterFailure(fetchedAt, MIN, 1, 3 * MIN, passStart).toISOString()).toBe(
      at(40_000 + 3 * MIN).toISOString(),
    );
  });
});
