// Items spread over the last ten weeks for trend charts: a rising censorship line in RU, a
// flat shutdowns line in IR, a few privacy items in the EU. Counts are known to the tests.
import type { TaggedItem } from '../../src/model.ts';
import type { Store } from '../../src/store/types.ts';

export const TREND_FEED = {
  id: 'watch',
  name: 'Watch',
  url: 'https://watch.example/rss',
  kind: 'rights' as const,
  language: 'en',
  origin: 'operator' as const,
};

const DAY = 86_400_000;

/** Adds the items to `TREND_FEED` (which must exist); returns how many of each theme. */
export async function seedTrendItems(store: Store, now = new Date()): Promise<Record<string, number>> {
  const items: TaggedItem[] = [];
  const counts: Record<string, number> = { censorship: 0, shutdowns: 0, privacy: 0 };
  const add = (n: number, daysAgo: number, theme: string, region: string) => {
    counts[theme] = (counts[theme] ?? 0) + 1;
    items.push({
      guid: `trend-${n}`,
      title: `Story ${n} about ${theme} in ${region}`,
      url: `https://watch.example/${n}`,
      author: null,
      summary: 'A story.',
      published: new Date(now.getTime() - daysAgo * DAY - 3_600_000).toISOString(),
      publishedEstimated: false,
      lang: 'en',
      themes: [theme as TaggedItem['themes'][number]],
      regions: [region],
      why: {},
    });
  };
  let n = 0;
  for (let week = 0; week < 10; week++) {
    // Censorship rises: 10 − week items in week `week` ago.
    for (let k = 0; k < 10 - week; k++) add(++n, week * 7 + (k % 7), 'censorship', 'RU');
    for (let k = 0; k < 3; k++) add(++n, week * 7 + k, 'shutdowns', 'IR');
    if (week % 3 === 0) add(++n, week * 7 + 2, 'privacy', 'EU');
  }
  await store.addItems(TREND_FEED.id, items, { alertable: () => false });
  return counts;
}
