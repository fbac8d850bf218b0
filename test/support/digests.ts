// A Digest built straight from stored items (one section per first theme), for tests that
// render or deliver digests without running the digest builder.
import type { Digest } from '../../src/digest/types.ts';
import type { StoredItem, ThemeId } from '../../src/model.ts';

export function digestOf(items: StoredItem[], over: Partial<Digest> = {}): Digest {
  const byTheme = new Map<ThemeId | 'other', StoredItem[]>();
  for (const it of items) {
    const t = it.themes[0] ?? 'other';
    byTheme.set(t, [...(byTheme.get(t) ?? []), it]);
  }
  return {
    target: null,
    title: 'Daily digest',
    since: '2026-11-24T08:00:00Z',
    until: '2026-11-25T08:00:00Z',
    sections: [...byTheme].map(([theme, list]) => ({
      theme,
      entries: list.map((item) => ({ item, alsoReportedBy: [] })),
    })),
    totalStories: items.length,
    omitted: 0,
    moreQuery: null,
    ...over,
  };
}
