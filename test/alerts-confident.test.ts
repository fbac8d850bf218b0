// Alerts fire on confident themes only; digests and items without the mark are unaffected.
import { describe, expect, it } from 'vitest';
import { alertView, enqueueAlerts } from '../src/alerts.ts';
import type { StoredItem, Subscription } from '../src/model.ts';
import type { NewOutboxEntry, Store } from '../src/store/types.ts';

function item(id: number, themes: StoredItem['themes'], confident?: StoredItem['themes']): StoredItem {
  return {
    id,
    guid: `g${id}`,
    url: `https://x.example/${id}`,
    title: `Item ${id}`,
    author: null,
    summary: '',
    published: '2026-12-05T10:00:00Z',
    publishedEstimated: false,
    lang: 'en',
    themes,
    regions: [],
    why: {},
    ...(confident ? { confident } : {}),
    feedId: 'f',
    sourceName: 'F',
    firstSeen: '2026-12-05T10:00:00Z',
    alertable: true,
    clusterId: null,
  } as StoredItem;
}

function fakeStore(sub: Partial<Subscription>): { store: Store; queued: NewOutboxEntry[] } {
  const queued: NewOutboxEntry[] = [];
  const store = {
    listSubscriptions: () =>
      Promise.resolve([
        { id: 1, target: { platform: 'discord', workspaceId: 'g', kind: 'channel', channelId: 'c' }, ...sub },
      ]),
    markAlerted: () => Promise.resolve(),
    enqueue: (entries: NewOutboxEntry[]) => {
      queued.push(...entries);
      return Promise.resolve(entries.length);
    },
  } as unknown as Store;
  return { store, queued };
}

describe('alerts on confident tags', () => {
  const filter = { themes: ['censorship' as const], regions: [], sources: [], keywords: [] };

  it('a theme filter matches confident themes, not the tentative ones', async () => {
    const { store, queued } = fakeStore({ filter, mode: 'alert' });
    const n = await enqueueAlerts(store, [
      item(1, ['censorship', 'platforms'], ['platforms']), // censorship tagged but not confident
      item(2, ['censorship'], ['censorship']),
      item(3, ['censorship']), // no mark (rules-only tagger): all themes count
    ]);
    expect(n).toBe(2);
    expect(queued.map((e) => e.key).sort()).toEqual(
      ['alert:discord:g:channel:c:2', 'alert:discord:g:channel:c:3'].sort(),
    );
  });

  it('the alert carries the whole item, tentative themes included', async () => {
    const { store, queued } = fakeStore({ filter: { ...filter, themes: [] }, mode: 'alert' });
    await enqueueAlerts(store, [item(4, ['censorship', 'platforms'], ['platforms'])]);
    expect(queued).toHaveLength(1);
    const payload = queued[0]!.payload as { item: StoredItem };
    expect(payload.item.themes).toEqual(['censorship', 'platforms']);
  });

  it('alertView keeps items without the mark as they are', () => {
    const plain = item(5, ['surveillance']);
    expect(alertView(plain)).toBe(plain);
    expect(alertView(item(6, ['surveillance', 'privacy'], ['privacy'])).themes).toEqual(['privacy']);
  });
});
