// "Deadlines and meetings" at the top of digests: 14 days ahead for a daily digest, 31 for a
// weekly one; a channel sees meetings and what it follows, filtered by its themes.
import { describe, expect, it } from 'vitest';
import { prepareDigest } from '../../src/digest/build.ts';
import { renderMarkdown, renderText } from '../../src/digest/render.ts';
import type { Target } from '../../src/model.ts';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import { emptyFetchState, type TrackedProcess } from '../../src/trackers/types.ts';

const now = new Date('2026-12-05T08:00:00Z');
const channel: Target = { platform: 'slack', channelId: 'C1', workspaceId: 'T1', kind: 'channel' };
const inDays = (d: number): string => new Date(now.getTime() + d * 86_400_000).toISOString();

function proc(id: string, kind: TrackedProcess['kind'], days: number, themes: string[]): TrackedProcess {
  return {
    id,
    kind,
    source: kind === 'event' ? 'events' : 'icann',
    title: `Title ${id}`,
    url: `https://example.org/${id}`,
    state: kind === 'event' ? 'scheduled' : 'open for comment',
    deadline: inDays(days),
    updatedAt: now.toISOString(),
    history: [],
    themes,
    regions: [],
    details: {},
    fetch: emptyFetchState(),
  };
}

describe('digest agenda', () => {
  it('shows what closes within the window, meetings and followed processes first in the digest', async () => {
    const store = openSqliteStore(':memory:');
    await store.trackers.upsert(proc('event:soon', 'event', 3, ['standards']));
    await store.trackers.upsert(proc('event:later', 'event', 20, ['standards']));
    await store.trackers.upsert(proc('event:privacy', 'event', 4, ['privacy']));
    await store.trackers.upsert(proc('icann:followed', 'icann-comment', 5, ['internet-governance']));
    await store.trackers.upsert(proc('icann:unfollowed', 'icann-comment', 6, ['standards']));
    await store.trackers.follow({
      processId: 'icann:followed',
      target: channel,
      reminderDays: [],
      createdBy: 'u',
    });
    const filters = [{ themes: ['standards' as const], regions: [], sources: [], keywords: [] }];

    const daily = (await prepareDigest(store, { target: channel, filters, now, agendaDays: 14 })).digest;
    expect(daily.agenda?.map((a) => a.id)).toEqual(['event:soon', 'icann:followed']);
    const weekly = (await prepareDigest(store, { target: channel, filters, now, agendaDays: 31 })).digest;
    expect(weekly.agenda?.map((a) => a.id)).toEqual(['event:soon', 'icann:followed', 'event:later']);
    const none = (await prepareDigest(store, { target: channel, filters, now })).digest;
    expect(none.agenda).toBeUndefined();

    const text = renderText(daily);
    expect(text.indexOf('== Deadlines and meetings ==')).toBeGreaterThan(0);
    expect(text).toContain('* Tue 08 Dec 2026 08:00 UTC: Title event:soon opens (scheduled)');
    expect(text).toContain('Title icann:followed closes (open for comment)');
    expect(renderMarkdown(daily)).toContain('### Deadlines and meetings');
    await store.close();
  });
});
