// The trackers part of the Store contract (src/trackers/types.ts), run by runStoreContract
// for every adapter.
import { describe, expect, it } from 'vitest';
import type { Target } from '../../src/model.ts';
import type { Store } from '../../src/store/types.ts';
import { emptyFetchState, type TrackedProcess } from '../../src/trackers/types.ts';

const channel: Target = { platform: 'discord', channelId: 'c1', workspaceId: 'g1', kind: 'channel' };
const user: Target = { platform: 'slack', channelId: 'U1', workspaceId: 'T1', kind: 'user' };

export function trackedProcess(id: string, extra: Partial<TrackedProcess> = {}): TrackedProcess {
  return {
    id,
    kind: 'ietf-draft',
    source: 'datatracker',
    title: `Process ${id}`,
    url: `https://example.org/${id}`,
    state: 'Active',
    deadline: null,
    updatedAt: '2026-01-01T00:00:00.000Z',
    history: [{ at: '2026-01-01T00:00:00.000Z', state: 'Active', deadline: null }],
    themes: ['standards'],
    regions: [],
    details: {},
    fetch: emptyFetchState(),
    ...extra,
  };
}

export function runTrackersContract(store: () => Store): void {
  describe('trackers', () => {
    it('stores a process with its history, details and fetch state, and replaces it', async () => {
      const { trackers } = store();
      expect(await trackers.get('ietf:a')).toBeNull();
      const p = trackedProcess('ietf:a', {
        details: { parties: [{ name: 'Norway', date: '2026-02-01' }], count: 1 },
        fetch: {
          ...emptyFetchState(),
          etag: '"x"',
          consecutiveFailures: 2,
          lastError: 'page changed: no table',
        },
      });
      await trackers.upsert(p);
      expect(await trackers.get('ietf:a')).toEqual(p);
      const changed: TrackedProcess = {
        ...p,
        state: 'IESG: In Last Call',
        deadline: '2026-03-01T23:59:00.000Z',
        history: [
          ...p.history,
          { at: '2026-02-01T00:00:00.000Z', state: 'IESG: In Last Call', deadline: null },
        ],
      };
      await trackers.upsert(changed);
      expect(await trackers.get('ietf:a')).toEqual(changed);
      expect(await trackers.list()).toHaveLength(1);
    });

    it('lists soonest deadline first, processes without one last, and filters by source and kind', async () => {
      const { trackers } = store();
      await trackers.upsert(trackedProcess('b', { deadline: null }));
      await trackers.upsert(
        trackedProcess('c', { deadline: '2026-05-01T00:00:00.000Z', source: 'icann', kind: 'icann-comment' }),
      );
      await trackers.upsert(trackedProcess('a', { deadline: '2026-04-01T00:00:00.000Z' }));
      expect((await trackers.list()).map((p) => p.id)).toEqual(['a', 'c', 'b']);
      expect((await trackers.list({ source: 'icann' })).map((p) => p.id)).toEqual(['c']);
      expect((await trackers.list({ kind: 'ietf-draft' })).map((p) => p.id)).toEqual(['a', 'b']);
    });

    it('keeps one follow per process and target, updates its reminder days, and unfollows', async () => {
      const { trackers } = store();
      await trackers.upsert(trackedProcess('p1'));
      await trackers.upsert(trackedProcess('p2'));
      expect(
        await trackers.follow({ processId: 'p1', target: channel, reminderDays: [7, 1], createdBy: 'u' }),
      ).toBe(true);
      expect(
        await trackers.follow({ processId: 'p1', target: channel, reminderDays: [3], createdBy: 'u' }),
      ).toBe(false);
      await trackers.follow({ processId: 'p1', target: user, reminderDays: [1], createdBy: 'U1' });
      await trackers.follow({ processId: 'p2', target: user, reminderDays: [], createdBy: 'U1' });
      const p1 = await trackers.listFollows({ processId: 'p1' });
      expect(p1.map((f) => [f.target, f.reminderDays])).toEqual([
        [channel, [3]],
        [user, [1]],
      ]);
      expect((await trackers.listFollows({ target: user })).map((f) => f.processId)).toEqual(['p1', 'p2']);
      expect(await trackers.unfollow('p1', user)).toBe(true);
      expect(await trackers.unfollow('p1', user)).toBe(false);
      expect(await trackers.listFollows()).toHaveLength(2);
    });

    it('removing a process removes its follows', async () => {
      const { trackers } = store();
      await trackers.upsert(trackedProcess('gone'));
      await trackers.follow({ processId: 'gone', target: channel, reminderDays: [7], createdBy: 'u' });
      expect(await trackers.remove('gone')).toBe(true);
      expect(await trackers.remove('gone')).toBe(false);
      expect(await trackers.listFollows()).toEqual([]);
    });
  });
}
