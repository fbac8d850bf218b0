// The shutdown budget: steps raced against one deadline, abandoned (and named) when it passes.
import { describe, expect, it } from 'vitest';
import { raceAbort, shutdownBudget } from '../../src/shutdown.ts';

const never = (): Promise<void> => new Promise(() => {});

describe('shutdownBudget', () => {
  it('runs a step that settles in time and forgets it', async () => {
    const b = shutdownBudget(1_000);
    expect(await b.step('quick', async () => undefined)).toBe('done');
    expect(b.pending()).toEqual([]);
  });

  it('abandons a step that never settles at the deadline and keeps it pending', async () => {
    const b = shutdownBudget(80);
    const t0 = Date.now();
    expect(await b.step('frozen database', never)).toBe('timeout');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(70);
    expect(Date.now() - t0).toBeLessThan(1_000);
    expect(b.pending()).toEqual(['frozen database']);
    // Nothing is left for a later step: it gets no time at all.
    expect(await b.step('close', never)).toBe('timeout');
    expect(b.pending()).toEqual(['frozen database', 'close']);
  });

  it('keeps a reserve back for the steps after, and reports a step that threw', async () => {
    const b = shutdownBudget(400);
    const t0 = Date.now();
    expect(await b.step('work', never, { reserveMs: 300 })).toBe('timeout');
    expect(Date.now() - t0).toBeLessThan(250);
    const errors: unknown[] = [];
    expect(
      await b.step(
        'release',
        async () => {
          throw new Error('refused');
        },
        { onError: (e) => errors.push(e) },
      ),
    ).toBe('failed');
    expect(String(errors[0])).toContain('refused');
    expect(b.remaining()).toBeGreaterThan(100);
  });
});

describe('raceAbort', () => {
  it('gives the abort value when the signal aborts first, and removes its listener otherwise', async () => {
    const c = new AbortController();
    const pending = raceAbort(never(), c.signal, 'aborted' as const);
    c.abort();
    expect(await pending).toBe('aborted');
    const d = new AbortController();
    let added = 0;
    let removed = 0;
    const add = d.signal.addEventListener.bind(d.signal);
    const remove = d.signal.removeEventListener.bind(d.signal);
    d.signal.addEventListener = ((...a: Parameters<typeof add>) => (added++, add(...a))) as typeof add;
    d.signal.removeEventListener = ((...a: Parameters<typeof remove>) => (
      removed++,
      remove(...a)
    )) as typeof remove;
    expect(await raceAbort(Promise.resolve(7), d.signal, 'aborted')).toBe(7);
    expect([added, removed]).toEqual([1, 1]);
  });
});
