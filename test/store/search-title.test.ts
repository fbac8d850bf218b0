// SQLite search's title check: a query word counts as a title hit when a title word has the
// same normalized form, decided on the words around a substring match (not on the whole
// tokenized title), including English plurals whose stem is not a substring ("policies").
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaggedItem } from '../../src/model.ts';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite/index.ts';

let dir: string;
let store: SqliteStore;

function item(guid: string, title: string, summary: string, day: number): TaggedItem {
  return {
    guid,
    title,
    url: `https://example.org/${guid}`,
    author: null,
    summary,
    published: new Date(Date.UTC(2026, 0, day)).toISOString(),
    publishedEstimated: false,
    lang: null,
    themes: [],
    regions: [],
    why: {},
  };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'govwatch-search-title-'));
  store = openSqliteStore(join(dir, 'archive.db'));
  await store.upsertFeeds([
    {
      id: 'f',
      name: 'F',
      url: 'https://example.org/feed',
      kind: 'media',
      language: 'en',
      origin: 'operator',
    },
  ]);
  // Older items carry the title words; the newest only mention them in the body.
  await store.addItems(
    'f',
    [
      item('plural-title', 'New policies for registrars', 'The policy was adopted.', 1),
      item('policy-body', 'Registrar news', 'The policy was adopted.', 3),
      item('ru-other-word', 'Судно задержано', 'Суд решил дело.', 1),
      item('ru-body', 'Новости', 'Суд решил дело.', 3),
      item('ru-title', 'Суды решили', 'Суд решил дело.', 1),
      item('inside-word', 'Depolicying talk', 'The policy was adopted.', 1),
    ],
    { alertable: () => false },
  );
}, 30_000);

afterAll(async () => {
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

const order = async (text: string) => (await store.search({ text, limit: 10 })).hits.map((h) => h.item.guid);

describe('SQLite search: title hits', () => {
  it('an English plural in the title is a title hit for the singular', async () => {
    const got = await order('policy');
    expect(got[0]).toBe('plural-title');
    // "Depolicying" holds the stem's letters but is another word: a body hit, ranked by date.
    expect(got.slice(1)).toEqual(['policy-body', 'inside-word']);
  });

  it('a Russian title word sharing the letters of the stem is not a hit; an inflected form is', async () => {
    const got = await order('суд');
    expect(got).toEqual(['ru-title', 'ru-body', 'ru-other-word']);
  });
});
