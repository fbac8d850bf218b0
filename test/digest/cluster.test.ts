import { describe, expect, it } from 'vitest';
import { assignClusters, compareStories } from '../../src/digest/cluster.ts';
import { storyFeatures } from '../../src/digest/story-features.ts';
import { makeItem } from './helpers.ts';

const pegasusEn = {
  title: 'Serbia: Pegasus spyware found on phones of two journalists',
  summary: 'Forensic analysis confirms Pegasus infections of BIRN journalists in Belgrade.',
};

describe('assignClusters', () => {
  it('puts reports of one story from three sources into the cluster of the first', () => {
    const first = makeItem({ id: 10, feedId: 'amnesty', ...pegasusEn });
    const second = makeItem({
      id: 11,
      feedId: 'accessnow',
      title: 'Pegasus spyware targeted two Serbian journalists, analysis confirms',
      summary: 'Traces of Pegasus were found on the phones of BIRN reporters in Serbia.',
    });
    const third = makeItem({
      id: 12,
      feedId: 'novaya',
      lang: 'ru',
      title: 'Шпионская программа Pegasus обнаружена у журналистов в Сербии',
      summary: 'Amnesty International подтвердила заражение телефонов журналистов BIRN.',
    });
    const out = assignClusters([second, third], [first]);
    expect(out).toEqual([
      { itemId: 10, clusterId: 10 },
      { itemId: 11, clusterId: 10 },
      { itemId: 12, clusterId: 10 },
    ]);
  });

  it('keeps an existing cluster id and never merges two clusters', () => {
    const a = makeItem({ id: 3, feedId: 'a', clusterId: 1, ...pegasusEn });
    const b = makeItem({ id: 20, feedId: 'b', ...pegasusEn, title: `${pegasusEn.title}!` });
    expect(assignClusters([b], [a])).toEqual([{ itemId: 20, clusterId: 1 }]);
  });

  it('gives an unrelated item a cluster of its own', () => {
    const a = makeItem({ id: 1, feedId: 'a', ...pegasusEn });
    const b = makeItem({
      id: 2,
      feedId: 'b',
      title: 'IETF 125 to be held in Shenzhen',
      summary: 'Venue announced.',
    });
    expect(assignClusters([b], [a])).toEqual([{ itemId: 2, clusterId: 2 }]);
  });

  it('joins items of two feeds with the same canonical URL, far apart in time', () => {
    const a = makeItem({
      id: 1,
      feedId: 'a',
      title: 'x',
      url: 'https://ex.org/a',
      published: '2026-01-01T00:00:00Z',
    });
    const b = makeItem({ id: 2, feedId: 'b', title: 'y', url: 'https://ex.org/a' });
    expect(assignClusters([b], [a])).toContainEqual({ itemId: 2, clusterId: 1 });
  });

  it('joins one feed’s items under a shared link only when their text says so', () => {
    const url = 'https://ex.org/press';
    const a = makeItem({ id: 1, feedId: 'a', url, ...pegasusEn });
    const retitled = makeItem({
      id: 2,
      feedId: 'a',
      url,
      ...pegasusEn,
      title: `${pegasusEn.title} (updated)`,
    });
    const other = makeItem({
      id: 3,
      feedId: 'a',
      url,
      title: 'Ministry opens consultation on broadband prices',
      summary: 'Comments are invited until March.',
    });
    expect(assignClusters([retitled, other], [a])).toEqual([
      { itemId: 1, clusterId: 1 },
      { itemId: 2, clusterId: 1 },
      { itemId: 3, clusterId: 3 },
    ]);
  });

  it('does not join one feed’s near-identical posts, nor reports outside the time window', () => {
    const a = makeItem({ id: 1, feedId: 'a', ...pegasusEn });
    const sameFeed = makeItem({ id: 2, feedId: 'a', ...pegasusEn, url: 'https://ex.org/other' });
    const late = makeItem({ id: 3, feedId: 'c', ...pegasusEn, published: '2026-11-29T10:00:00.000Z' });
    expect(assignClusters([sameFeed, late], [a])).toEqual([
      { itemId: 2, clusterId: 2 },
      { itemId: 3, clusterId: 3 },
    ]);
    // A wider window lets the late report join.
    expect(assignClusters([late], [a], { windowDays: 10 })).toContainEqual({ itemId: 3, clusterId: 1 });
  });
});

describe('compareStories', () => {
  it('explains a cross-language match by shared names', () => {
    const en = storyFeatures(
      makeItem({
        id: 1,
        feedId: 'tc',
        title: 'Telegram founder Pavel Durov charged in France',
        summary: 'French prosecutors charged Pavel Durov.',
      }),
    );
    const ru = storyFeatures(
      makeItem({
        id: 2,
        feedId: 'meduza',
        lang: 'ru',
        title: 'Павлу Дурову предъявили обвинения во Франции',
        summary: 'Основателю Telegram Павлу Дурову предъявлены обвинения.',
      }),
    );
    expect(compareStories(en, ru)).toMatchObject({ same: true, reason: 'names' });
  });
});
