// `govwatch feeds add|remove|import|export` on a temporary copy of the shipped sources file.
// These run in-process (src/cli.ts main); the poll/parse/demo tests cover the child process.
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSources } from '../../src/sources/load.ts';
import { openStore } from '../../src/store/index.ts';
import type { FeedSource } from '../../src/model.ts';
import { rssFeed, rssRoute, startFeedServer } from '../support/feed-server.ts';
import type { FeedServer } from '../support/feed-server.ts';
import { REPO_ROOT, runInProcess } from './run-cli.ts';

let dir: string;
let server: FeedServer;
let sourcesPath: string;
let env: Record<string, string>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'govwatch-cli-feeds-'));
  sourcesPath = join(dir, 'sources.yaml');
  copyFileSync(join(REPO_ROOT, 'feeds', 'sources.yaml'), sourcesPath);
  env = { GOVWATCH_DB: join(dir, 'archive.db'), GOVWATCH_SOURCES: sourcesPath };
  server = await startFeedServer({
    '/lagoon.xml': rssRoute('Lagoon Rights Monitor', [
      { guid: 'l1', title: 'First post', link: 'https://lagoon.example/1', date: '2026-11-20T10:00:00Z' },
    ]),
    '/page.html': {
      headers: { 'content-type': 'text/html' },
      body: '<!doctype html><html><body>hi</body></html>',
    },
  });
});

afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

const comparable = (s: FeedSource) => ({
  id: s.id,
  name: s.name,
  url: s.url,
  kind: s.kind,
  language: s.language,
  themes: s.themes ?? [],
});

describe('govwatch feeds', () => {
  it('adds a feed that parses to the sources file, keeping its comments, and refuses duplicates and non-feeds', async () => {
    const before = loadSources(sourcesPath);
    const url = server.url('/lagoon.xml');
    const r = await runInProcess(['feeds', 'add', url, '--kind', 'rights'], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^added lagoon-rights-monitor: Lagoon Rights Monitor \(rss2\.0, 1 items\)/);
    const after = loadSources(sourcesPath);
    expect(after).toHaveLength(before.length + 1);
    expect(after.find((s) => s.url === url)).toMatchObject({
      id: 'lagoon-rights-monitor',
      name: 'Lagoon Rights Monitor',
      kind: 'rights',
      origin: 'operator',
    });
    expect(readFileSync(sourcesPath, 'utf8')).toContain('# govwatch: the curated sources.');

    const again = await runInProcess(['feeds', 'add', `${url}/`], env);
    expect(again.code).toBe(1);
    expect(again.stderr.trim()).toMatch(/^govwatch: .* is already in the sources as lagoon-rights-monitor$/);

    const html = await runInProcess(['feeds', 'add', server.url('/page.html')], env);
    expect(html.code).toBe(1);
    expect(html.stderr.trim().split('\n')).toHaveLength(1);
    expect(html.stderr).toMatch(/is a web page that names no feed/);
    expect(loadSources(sourcesPath)).toHaveLength(before.length + 1);
  });

  it('exports OPML that imports back into the same sources', async () => {
    const sources = loadSources(sourcesPath);
    const exported = await runInProcess(['feeds', 'export'], env);
    expect(exported.code).toBe(0);
    expect(exported.stdout).toMatch(/^<\?xml[^>]*\?>\s*<opml version="2\.0"/);
    expect(exported.stdout.match(/<outline [^>]*xmlUrl=/g)).toHaveLength(sources.length);
    const opmlPath = join(dir, 'export.opml');
    writeFileSync(opmlPath, exported.stdout);

    const freshPath = join(dir, 'fresh.yaml');
    writeFileSync(freshPath, 'sources:\n');
    const freshEnv = { GOVWATCH_DB: join(dir, 'fresh.db'), GOVWATCH_SOURCES: freshPath };
    const imported = await runInProcess(['feeds', 'import', opmlPath], freshEnv);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain(`imported ${sources.length} feed(s) from ${opmlPath}; 0 skipped`);
    const roundTrip = loadSources(freshPath);
    const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
    expect(roundTrip.map(comparable).sort(byId)).toEqual(sources.map(comparable).sort(byId));

    const twice = await runInProcess(['feeds', 'import', opmlPath], freshEnv);
    expect(twice.stdout).toContain(`imported 0 feed(s) from ${opmlPath}; ${sources.length} skipped`);
    expect(loadSources(freshPath)).toHaveLength(sources.length);
  });

  it('removes a feed from the file and the archive, and says so for an unknown id', async () => {
    const r = await runInProcess(['feeds', 'remove', 'lagoon-rights-monitor'], env);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(
      `removed lagoon-rights-monitor from ${sourcesPath} and its items from the archive`,
    );
    expect(loadSources(sourcesPath).some((s) => s.id === 'lagoon-rights-monitor')).toBe(false);
    const list = await runInProcess(['feeds', 'list', '--json'], env);
    const feeds = JSON.parse(list.stdout) as Array<{ id: string }>;
    expect(feeds.some((f) => f.id === 'lagoon-rights-monitor')).toBe(false);
    expect(feeds).toHaveLength(loadSources(sourcesPath).length);

    // A feed added from chat lives only in the archive; removing it takes its items along.
    const store = await openStore({ dbPath: env.GOVWATCH_DB!, databaseUrl: undefined });
    await store.upsertFeeds([
      {
        id: 'chat-added',
        name: 'Chat Added',
        url: 'https://chat.example/feed',
        kind: 'media',
        language: 'en',
        origin: 'chat',
      },
    ]);
    await store.addItems(
      'chat-added',
      [
        {
          guid: 'c1',
          title: 'Xylophone regulation story',
          url: 'https://chat.example/1',
          author: null,
          summary: '',
          published: '2026-11-20T10:00:00.000Z',
          publishedEstimated: false,
          lang: 'en',
          themes: [],
          regions: [],
          why: {},
        },
      ],
      { alertable: () => false },
    );
    await store.close();
    expect(JSON.parse((await runInProcess(['search', 'xylophone', '--json'], env)).stdout).total).toBe(1);
    const chat = await runInProcess(['feeds', 'remove', 'chat-added'], env);
    expect(chat.code).toBe(0);
    expect(chat.stdout.trim()).toBe('removed chat-added (added from chat) and its items from the archive');
    expect(JSON.parse((await runInProcess(['search', 'xylophone', '--json'], env)).stdout).total).toBe(0);

    const missing = await runInProcess(['feeds', 'remove', 'no-such-feed'], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toBe('govwatch: no feed with id no-such-feed');
  });
});

describe('govwatch migrate and register-commands', () => {
  it('migrates a SQLite archive and asks for Discord settings before registering commands', async () => {
    const db = join(dir, 'sub', 'migrated.db');
    const migrated = await runInProcess(['migrate', '--db', db], env);
    expect(migrated).toMatchObject({ code: 0, stderr: '' });
    expect(migrated.stdout.trim()).toBe(`SQLite archive ${db} is up to date`);
    const again = await runInProcess(['migrate', '--db', db], env);
    expect(again.stdout.trim()).toBe(`SQLite archive ${db} is up to date`);

    const register = await runInProcess(['register-commands'], env);
    expect(register.code).toBe(1);
    expect(register.stderr.trim()).toBe(
      'govwatch: set DISCORD_TOKEN and DISCORD_APP_ID (the application id) first',
    );
  });
});

describe('govwatch feeds add, as people add feeds', () => {
  const recent = new Date(Date.now() - 3_600_000).toISOString();
  // A file of its own: polling the shipped sources would reach the internet.
  let sourcesPath: string;
  let env: Record<string, string>;
  beforeAll(() => {
    sourcesPath = join(dir, 'own-sources.yaml');
    writeFileSync(sourcesPath, "# the operator's own feeds\nsources:\n");
    env = { GOVWATCH_DB: join(dir, 'own.db'), GOVWATCH_SOURCES: sourcesPath };
  });
  const pangolin = (guid: string) => [
    { guid, title: `Pangolin ${guid} report`, link: `https://pangolin.example/${guid}`, date: recent },
  ];

  it('finds the feed of a web page among several it names, reports the others, and gives a taken id -2', async () => {
    const site = await startFeedServer({
      '/watch.xml': rssRoute('Pangolin Watch', pangolin('p1')),
      '/blog/': {
        headers: { 'content-type': 'text/html; charset=utf-8' },
        body: `<!doctype html><html><head><title>Blog</title>
          <link rel="stylesheet" href="/style.css">
          <!-- <link rel="alternate" type="application/rss+xml" href="/old.xml"> -->
          <base href="/blog/">
          <link rel="alternate" type="application/rss+xml" title="Posts &amp; news" href="posts.xml?lang=en&amp;v=2">
          <LINK REL="Alternate" TYPE="application/atom+xml" title="Comments" HREF="/blog/comments.atom">
          <link rel="alternate" type="text/html" hreflang="fr" href="/fr/">
        </head><body></body></html>`,
      },
      '/blog/posts.xml': rssRoute('Pangolin Watch', pangolin('p2')),
      '/blog/comments.atom': {
        headers: { 'content-type': 'application/atom+xml' },
        body: '<feed xmlns="http://www.w3.org/2005/Atom"><title>Comments</title></feed>',
      },
    });
    try {
      const direct = await runInProcess(['feeds', 'add', site.url('/watch.xml')], env);
      expect(direct.stdout).toMatch(/^added pangolin-watch: /);

      const page = await runInProcess(['feeds', 'add', site.url('/blog/')], env);
      expect(page.stderr).toBe('');
      expect(page.stdout.split('\n').slice(0, 3)).toEqual([
        `added pangolin-watch-2: Pangolin Watch (rss2.0, 1 items) to ${sourcesPath}`,
        `  the feed ${site.url('/blog/posts.xml?lang=en&v=2')} was found on ${site.url('/blog/')}; ` +
          `the page also names ${site.url('/blog/comments.atom')} (Comments)`,
        '  (pangolin-watch was taken; --id chooses another)',
      ]);
      expect(loadSources(sourcesPath).find((s) => s.id === 'pangolin-watch-2')?.url).toBe(
        site.url('/blog/posts.xml?lang=en&v=2'),
      );
      expect(site.requestsFor('/old.xml')).toHaveLength(0);
      expect(site.requestsFor('/blog/comments.atom')).toHaveLength(0);

      // Pause: not polled (not even by --force), items kept; resume: polled again.
      expect((await runInProcess(['poll', '--force'], env)).code).toBe(0);
      const fetched = site.requestsFor('/watch.xml').length;
      const paused = await runInProcess(['feeds', 'pause', 'pangolin-watch'], env);
      expect(paused.stdout.trim()).toBe(
        'paused pangolin-watch: not polled until `govwatch feeds resume pangolin-watch`; its 1 items stay searchable',
      );
      await runInProcess(['poll', '--force'], env);
      expect(site.requestsFor('/watch.xml')).toHaveLength(fetched);
      expect(JSON.parse((await runInProcess(['search', 'pangolin', '--json'], env)).stdout).total).toBe(2);
      const line = (await runInProcess(['feeds', 'list'], env)).stdout
        .split('\n')
        .find((l) => l.startsWith('pangolin-watch '));
      expect(line).toMatch(/paused by the operator since \d{4}-\d\d-\d\d \d\d:\d\dZ · last success /);
      expect((await runInProcess(['feeds', 'resume', 'pangolin-watch'], env)).stdout.trim()).toBe(
        'resumed pangolin-watch: polled again from the next poll',
      );
      await runInProcess(['poll', '--force'], env);
      expect(site.requestsFor('/watch.xml').length).toBeGreaterThan(fetched);
    } finally {
      await site.close();
      for (const id of ['pangolin-watch', 'pangolin-watch-2'])
        await runInProcess(['feeds', 'remove', id], env);
    }
  });

  it('tries the common feed paths of a site whose page names none', async () => {
    const site = await startFeedServer({
      '/': {
        headers: { 'content-type': 'text/html' },
        body: '<html><head><title>Home</title></head></html>',
      },
      '/atom.xml': {
        headers: { 'content-type': 'application/atom+xml' },
        body:
          '<feed xmlns="http://www.w3.org/2005/Atom"><title>Bare Site</title>' +
          '<entry><id>e1</id><title>One</title><updated>2026-11-20T10:00:00Z</updated></entry></feed>',
      },
    });
    try {
      const r = await runInProcess(['feeds', 'add', site.url('/'), '--id', 'bare-site'], env);
      expect(r.stdout).toContain(`added bare-site: Bare Site (atom1.0, 1 items)`);
      expect(r.stdout).toContain(`the feed ${site.url('/atom.xml')} was found on ${site.url('/')}`);
      expect(site.requests.map((q) => q.path)).toEqual(['/', '/feed', '/rss.xml', '/atom.xml']);
    } finally {
      await site.close();
      await runInProcess(['feeds', 'remove', 'bare-site'], env);
    }
  });

  it('adds a local file by path (and a local page naming one), and polls it from disk', async () => {
    const local = join(dir, 'local feed.xml');
    writeFileSync(
      local,
      rssFeed('Local Quokka Notes', [{ guid: 'q1', title: 'Quokka diary entry', date: recent }]),
    );
    writeFileSync(
      join(dir, 'index.html'),
      '<html><head><link rel="alternate" type="application/rss+xml" href="local%20feed.xml"></head></html>',
    );
    const byPath = await runInProcess(['feeds', 'add', local], env);
    expect(byPath.stdout).toMatch(/^added local-quokka-notes: Local Quokka Notes \(rss2\.0, 1 items\)/);
    const stored = loadSources(sourcesPath).find((s) => s.id === 'local-quokka-notes');
    expect(stored?.url).toBe(pathToFileURL(local).href);
    const viaPage = await runInProcess(['feeds', 'add', join(dir, 'index.html')], env);
    expect(viaPage.code).toBe(1);
    expect(viaPage.stderr.trim()).toBe(
      `govwatch: ${pathToFileURL(local).href} is already in the sources as local-quokka-notes`,
    );

    const polled = await runInProcess(['poll'], env);
    expect(polled.code).toBe(0);
    expect(JSON.parse((await runInProcess(['search', 'quokka', 'diary', '--json'], env)).stdout).total).toBe(
      1,
    );
    await runInProcess(['feeds', 'remove', 'local-quokka-notes'], env);
  });
});
