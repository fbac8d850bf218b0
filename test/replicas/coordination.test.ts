// The coordination the replicas rely on, checked in one process on a SQLite archive (so it
// runs everywhere; the PostgreSQL multi-process test is replicas.test.ts):
// - pollers share a cycle: due feeds are claimed a batch at a time, so a second replica gets
//   work instead of the first leasing every due feed, and no feed is polled twice;
// - a dead replica's feed leases expire and its feeds are taken over;
// - digests: one run per target at a time, even when replicas see different latest slots.
import { afterEach, describe, expect, it } from 'vitest';
import { pollFeeds, type FetchFn, type PollDeps } from '../../src/ingest/poll.ts';
import { silentLogger } from '../../src/log.ts';
import { targetKey, type FeedSource, type Target } from '../../src/model.ts';
import { createScheduler } from '../../src/scheduler.ts';
import { openStore } from '../../src/store/index.ts';
import type { Store } from '../../src/store/types.ts';

let store: Store | null = null;
afterEach(async () => {
  await store?.close();
  store = null;
});

async function archiveWithFeeds(n: number): Promise<Store> {
  store = await openStore({ dbPath: ':memory:', databaseUrl: undefined });
  const sources: FeedSource[] = Array.from({ length: n }, (_, k) => ({
    id: `feed-${String(k).padStart(3, '0')}`,
    name: `Feed ${k}`,
    url: `http://feeds.test/${k}.xml`,
    kind: 'rights',
    language: 'en',
    origin: 'operator',
  }));
  await store.upsertFeeds(sources);
  return store;
}

/** Poll deps whose fetch answers 304 after `delayMs`, recording which feed URLs were fetched. */
function depsFor(
  s: Store,
  owner: string,
  fetched: string[],
  opts: { delayMs?: number; now?: () => Date } = {},
): PollDeps {
  const fetch: FetchFn = async (url) => {
    fetched.push(url);
    await new Promise((r) => setTimeout(r, opts.delayMs ?? 5));
    return { status: 'not-modified', etag: null, lastModified: null, finalUrl: url, freshUntil: null };
  };
  return {
    store: s,
    fetch,
    parse: () => {
      throw new Error('not called: every fetch is not-modified');
    },
    tagger: { tag: () => ({ themes: [], regions: [], why: {} }) as never },
    logger: silentLogger(),
    owner,
    intervalMs: 60_000,
    newOnFirstPoll: 0,
    allowPrivateUrls: false,
    ...(opts.now ? { now: opts.now } : {}),
  };
}

describe('poll cycle shared by replicas', () => {
  it('two pollers running at once both get feeds, and each feed is polled once', async () => {
    const s = await archiveWithFeeds(120);
    const a: string[] = [];
    const b: string[] = [];
    const [ra, rb] = await Promise.all([
      pollFeeds(depsFor(s, 'replica-a', a), { concurrency: 8 }),
      pollFeeds(depsFor(s, 'replica-b', b), { concurrency: 8 }),
    ]);
    expect(ra.feeds.length + rb.feeds.length).toBe(120);
    expect(new Set([...a, ...b]).size).toBe(120);
    // Batches of 8 as lanes free up: neither replica leased the whole cycle for itself.
    expect(Math.min(a.length, b.length)).toBeGreaterThan(20);
    // Released after polling, and not due again in this cycle.
    expect((await s.listFeeds()).every((f) => f.state.lastSuccessAt !== null)).toBe(true);
    expect((await pollFeeds(depsFor(s, 'replica-a', a))).feeds).toHaveLength(0);
  });

  it('claims no more than a batch ahead of the lanes', async () => {
    const s = await archiveWithFeeds(40);
    const claims: number[] = [];
    const spy: Store = Object.create(s) as Store;
    spy.claimDueFeeds = async (...args) => {
      const got = await s.claimDueFeeds(...args);
      claims.push(got.length);
      return got;
    };
    const summary = await pollFeeds(depsFor(spy, 'replica-a', []), { concurrency: 4, claimBatch: 6 });
    expect(summary.feeds).toHaveLength(40);
    expect(Math.max(...claims)).toBeLessThanOrEqual(6);
    expect(claims.reduce((x, y) => x + y, 0)).toBe(40);
  });

  it("a dead replica's leased feeds are taken over once the lease expires", async () => {
    const s = await archiveWithFeeds(10);
    const t0 = new Date('2026-11-26T10:00:00Z');
    // The dead replica claimed 4 feeds with a 30 s lease and never released them.
    const dead = await s.claimDueFeeds('dead', t0, 4, 30_000);
    expect(dead).toHaveLength(4);
    let now = new Date(t0.getTime() + 1_000);
    const fetched: string[] = [];
    const alive = depsFor(s, 'alive', fetched, { now: () => now });
    expect((await pollFeeds(alive, { leaseMs: 30_000 })).feeds).toHaveLength(6);
    expect(fetched.filter((u) => dead.some((f) => f.url === u))).toEqual([]);
    now = new Date(t0.getTime() + 31_000);
    const second = await pollFeeds(alive, { leaseMs: 30_000 });
    expect(second.feeds.map((r) => r.feedId).sort()).toEqual(dead.map((f) => f.id).sort());
  });
});

describe('digest runs across replicas', () => {
  const target: Target = { platform: 'console', channelId: 'terminal', workspaceId: '', kind: 'channel' };

  it('a replica on a later slot waits while another replica runs the same target', async () => {
    store = await openStore({ dbPath: ':memory:', databaseUrl: undefined });
    const s = store;
    await s.addSubscription({
      target,
      filter: { themes: [], regions: [], sources: [], keywords: [] },
      mode: 'digest',
      cron: '* * * * *',
      timezone: 'UTC',
      createdBy: 'test',
    });
    // Replica A is building the 10:01 digest (it holds the target's run lock); replica B's
    // clock already says 10:02, a slot A does not hold.
    expect(await s.tryLock(`digest-run:${targetKey(target)}`, 'replica-a', 60_000)).toBe(true);
    const b = createScheduler({ store: s, owner: 'replica-b', now: () => new Date(Date.now() + 120_000) });
    expect((await b.runDueDigests()).map((r) => r.outcome)).toEqual(['locked']);
    expect(await s.getDigestMark(targetKey(target))).toBeNull();
    // A finishes; B's next tick runs its slot from A's mark.
    await s.unlock(`digest-run:${targetKey(target)}`, 'replica-a');
    expect((await b.runDueDigests()).map((r) => r.outcome)).toEqual(['empty']);
    expect(await s.getDigestMark(targetKey(target))).not.toBeNull();
    await b.stop();
  });
});
