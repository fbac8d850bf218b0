import { describe, expect, it } from 'vitest';
import { createFetchLimiter } from '../../src/ingest/limiter.ts';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('createFetchLimiter', () => {
  it('serves waiters in arrival order, skipping hosts that are still busy', async () => {
    const limiter = createFetchLimiter({ perHost: 1, global: 2 });
    const order: string[] = [];
    const releases = new Map<string, () => void>();
    const take = (id: string, host: string) =>
      limiter.acquire(host).then((release) => {
        order.push(id);
        releases.set(id, release);
      });
    void take('a1', 'a');
    void take('a2', 'a'); // waits: host a busy
    void take('b1', 'b');
    void take('c1', 'c'); // waits: global full
    await tick();
    expect(order).toEqual(['a1', 'b1']);
    expect(limiter.waiting()).toBe(2);
    releases.get('a1')?.();
    await tick();
    expect(order).toEqual(['a1', 'b1', 'a2']); // a2 came first and host a is free again
    releases.get('b1')?.();
    await tick();
    expect(order).toEqual(['a1', 'b1', 'a2', 'c1']);
  });

  it('ignores a second release of the same slot', async () => {
    const limiter = createFetchLimiter({ perHost: 1, global: 1 });
    const release = await limiter.acquire('x');
    release();
    release();
    expect(limiter.active()).toBe(0);
    const again = await limiter.acquire('x');
    expect(limiter.active('x')).toBe(1);
    again();
  });

  it('gives the slot back when the task throws', async () => {
    const limiter = createFetchLimiter({ perHost: 1 });
    await expect(limiter.run('h', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(limiter.active()).toBe(0);
    expect(await limiter.run('h', async () => 42)).toBe(42);
  });

  it('treats host names case-insensitively', async () => {
    const limiter = createFetchLimiter({ perHost: 1 });
    const release = await limiter.acquire('Example.org');
    let second = false;
    void limiter.acquire('example.ORG').then(() => (second = true));
    await tick();
    expect(second).toBe(false);
    release();
    await tick();
    expect(second).toBe(true);
  });
});
