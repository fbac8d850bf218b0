// Feeds out: Atom 1.0 and JSON Feed 1.1 served by `govwatch start` (GOVWATCH_HTTP_PORT), read
// back with rss-parser and with govwatch's own parser and checked for the elements the
// specifications require; conditional GET; private saved-search feeds made with
// /subscribe mode:feed and revoked with /unsubscribe; 1,000 requests during polls.
import { setFlagsFromString } from 'node:v8';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import Parser from 'rss-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allCommands } from '../../commands/index.ts';
import { startBot, type Bot } from '../../src/app.ts';
import type { CommandContext, Reply } from '../../src/chat/types.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import { parseFeedBytes } from '../../src/ingest/parse.ts';
import { silentLogger } from '../../src/log.ts';
import type { Target } from '../../src/model.ts';
import { rssRoute, startFeedServer, type FeedServer, type RssItem } from '../support/feed-server.ts';

const dir = mkdtempSync(join(tmpdir(), 'govwatch-http-feeds-'));
let server: FeedServer;
let bot: Bot;
let config: Config;
let base: string;

const hoursAgo = (h: number): string => new Date(Date.now() - h * 3_600_000).toISOString();
const ITEMS: RssItem[] = [
  {
    guid: 'a',
    title: 'Russia orders internet shutdown in Dagestan',
    link: 'https://x.example/a',
    description: 'Mobile data cut <b>again</b> & "more".',
    date: hoursAgo(1),
  },
  {
    guid: 'b',
    title: 'Encryption backdoor bill advances',
    link: 'https://x.example/b',
    description: 'Scanning of messages.',
    date: hoursAgo(2),
  },
  {
    guid: 'c',
    title: 'Weather report',
    link: 'https://x.example/c',
    description: 'Sunny.',
    date: hoursAgo(3),
  },
];

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${base}${path}`, { headers });

async function run(name: string, options: CommandContext['options'], where: Target): Promise<Reply> {
  const def = allCommands.find((c) => c.name === name)!;
  return def.run({
    store: bot.store,
    config,
    logger: silentLogger(),
    caller: { id: 'U1', name: 'ana', isAdmin: false },
    where,
    subcommand: null,
    options,
    now: new Date(),
  });
}

function replyText(reply: Reply): string {
  return reply.blocks.map((b) => ('items' in b ? b.items.join('\n') : 'text' in b ? b.text : '')).join('\n');
}

beforeAll(async () => {
  server = await startFeedServer({ '/news.xml': rssRoute('News', ITEMS) });
  const sources = join(dir, 'sources.yaml');
  writeFileSync(
    sources,
    `sources:\n  - {id: news, name: "News & Co", url: "${server.url('/news.xml')}", kind: media, language: en}\n`,
  );
  config = loadConfig({
    GOVWATCH_DB: join(dir, 'bot.db'),
    GOVWATCH_SOURCES: sources,
    GOVWATCH_HTTP_PORT: '0',
    GOVWATCH_TRACKERS: 'off',
    GOVWATCH_PUBLIC_URL: 'https://news.example.org/gw/',
  });
  bot = await startBot(config, silentLogger());
  base = `http://127.0.0.1:${bot.httpPort}`;
  const deadline = Date.now() + 15_000;
  while ((await bot.store.countItems()) < ITEMS.length) {
    if (Date.now() > deadline) throw new Error('the first poll did not store the items');
    await new Promise((r) => setTimeout(r, 50));
  }
}, 30_000);

afterAll(async () => {
  await bot?.stop();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('Atom 1.0', () => {
  it('/feeds/all.atom has the required feed and entry elements, read back by rss-parser and our parser', async () => {
    const res = await get('/feeds/all.atom');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/atom+xml; charset=utf-8');
    const xml = await res.text();

    // RFC 4287 §4.1.1: atom:feed has exactly one id, title, updated, and an author (or every entry has one).
    const head = xml.slice(0, xml.indexOf('<entry>'));
    for (const el of ['id', 'title', 'updated', 'author'])
      expect(head.match(new RegExp(`<${el}[ >]`, 'g'))).toHaveLength(1);
    expect(head).toContain(
      '<link rel="self" type="application/atom+xml" href="https://news.example.org/gw/feeds/all.atom"/>',
    );
    // §4.1.2: each entry has one id, title and updated, and (without content src) content or an alternate link.
    const entries = xml.split('<entry>').slice(1);
    expect(entries).toHaveLength(3);
    for (const e of entries) {
      for (const el of ['id', 'title', 'updated'])
        expect(e.match(new RegExp(`<${el}[ >]`, 'g'))).toHaveLength(1);
      expect(e).toMatch(/<id>tag:govwatch,2025:item:\d+<\/id>/);
      expect(e).toMatch(/<updated>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z<\/updated>/);
      expect(e).toContain('<content type="text">');
    }

    const viaRssParser = await new Parser().parseString(xml);
    expect(viaRssParser.title).toBe('govwatch: all news');
    expect(viaRssParser.items.map((i) => i.title)).toEqual(ITEMS.map((i) => i.title));
    const shutdown = viaRssParser.items[0]!;
    expect(shutdown.link).toBe('https://x.example/a');
    expect(shutdown.id).toMatch(/^tag:govwatch/);

    const ours = parseFeedBytes(Buffer.from(xml), { contentType: res.headers.get('content-type') });
    expect(ours.format).toMatch(/atom/i);
    expect(ours.items.map((i) => i.title)).toEqual(ITEMS.map((i) => i.title));
    expect(ours.items[0]!.url).toBe('https://x.example/a');
    // The untrusted markup in the summary stays text.
    expect(ours.items[0]!.summary).toContain('Mobile data cut');
  });

  it('carries the themes as categories and the tagging explanation', async () => {
    const xml = await (await get('/feeds/all.atom')).text();
    const first = xml.split('<entry>')[1]!;
    expect(first).toContain(
      '<category term="shutdowns" scheme="tag:govwatch,2025:feed:themes" label="Shutdowns"/>',
    );
    expect(first).toContain('<category term="RU" scheme="urn:iso:std:iso:3166"/>');
    expect(first).toMatch(/Why tagged:\n- shutdowns: &quot;internet shutdown&quot;/);
  });
});

describe('JSON Feed 1.1', () => {
  it('/feeds/theme/shutdowns.json has version, title, items with id and content, and only that theme', async () => {
    const res = await get('/feeds/theme/shutdowns.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/feed+json; charset=utf-8');
    const text = await res.text();
    const feed = JSON.parse(text) as {
      version: string;
      title: string;
      feed_url: string;
      items: Array<Record<string, unknown>>;
    };
    expect(feed.version).toBe('https://jsonfeed.org/version/1.1');
    expect(typeof feed.title).toBe('string');
    expect(feed.feed_url).toBe('https://news.example.org/gw/feeds/theme/shutdowns.json');
    expect(feed.items).toHaveLength(1);
    for (const item of feed.items) {
      expect(typeof item.id).toBe('string');
      expect(typeof item.content_text === 'string' || typeof item.content_html === 'string').toBe(true);
      expect(Number.isNaN(Date.parse(item.date_published as string))).toBe(false);
    }
    expect(feed.items[0]!.tags).toEqual(expect.arrayContaining(['shutdowns', 'RU']));
    expect(
      (feed.items[0]!._govwatch as { why: Record<string, string[]> }).why.shutdowns!.length,
    ).toBeGreaterThan(0);

    const ours = parseFeedBytes(Buffer.from(text), { contentType: res.headers.get('content-type') });
    expect(ours.format).toMatch(/json/i);
    expect(ours.items.map((i) => i.title)).toEqual([ITEMS[0]!.title]);
  });

  it('serves region and source feeds; an unknown theme, region or source is a 404', async () => {
    const region = (await (await get('/feeds/region/ru.json')).json()) as { items: unknown[] };
    expect(region.items).toHaveLength(1);
    const source = (await (await get('/feeds/source/news.atom')).text()).split('<entry>');
    expect(source).toHaveLength(4);
    for (const path of [
      '/feeds/theme/nope.json',
      '/feeds/region/RUS.atom',
      '/feeds/source/none.atom',
      '/feeds/all.rss',
    ])
      expect((await get(path)).status, path).toBe(404);
  });
});

describe('conditional GET and caching', () => {
  it('answers 304 to a matching ETag or a fresh If-Modified-Since, with Cache-Control', async () => {
    const first = await get('/feeds/theme/encryption.atom');
    const etag = first.headers.get('etag')!;
    const lastModified = first.headers.get('last-modified')!;
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect(first.headers.get('cache-control')).toBe('public, max-age=300');
    expect(Date.parse(lastModified)).not.toBeNaN();
    const byTag = await get('/feeds/theme/encryption.atom', { 'if-none-match': etag });
    expect(byTag.status).toBe(304);
    expect(await byTag.text()).toBe('');
    expect((await get('/feeds/theme/encryption.atom', { 'if-modified-since': lastModified })).status).toBe(
      304,
    );
    expect((await get('/feeds/theme/encryption.atom', { 'if-none-match': '"other"' })).status).toBe(200);
    // The JSON document of the same feed is another representation: another ETag.
    expect((await get('/feeds/theme/encryption.json')).headers.get('etag')).not.toBe(etag);
  });
});

describe('private feeds of saved searches', () => {
  const dm: Target = { platform: 'slack', workspaceId: 'T1', channelId: 'D1', kind: 'user' };

  it('/subscribe mode:feed gives an unguessable URL; a wrong token is 404; /unsubscribe revokes it', async () => {
    const reply = await run('subscribe', { keywords: 'backdoor', mode: 'feed', scope: 'me' }, dm);
    expect(reply.ephemeral).toBe(true);
    const text = replyText(reply);
    const m = /https:\/\/news\.example\.org\/gw(\/feeds\/private\/([\w-]{43}))\.atom/.exec(text);
    expect(m, text).not.toBeNull();
    const [, path, token] = m!;
    // Only a hash of the token is stored.
    const row = JSON.stringify(await bot.store.feedTokens.list());
    expect(row).not.toContain(token);

    const res = await get(`${path}.atom`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('private, max-age=300');
    const feed = await new Parser().parseString(await res.text());
    expect(feed.items.map((i) => i.title)).toEqual([ITEMS[1]!.title]);
    expect((await get(`${path}.json`)).status).toBe(200);

    const wrong = token!.slice(0, -1) + (token!.endsWith('A') ? 'B' : 'A');
    expect((await get(`/feeds/private/${wrong}.atom`)).status).toBe(404);
    expect((await get('/feeds/private/short.atom')).status).toBe(404);

    const id = Number(/feed #(\d+)/.exec(text)![1]);
    const revoked = await run('unsubscribe', { feed: id }, dm);
    expect(replyText(revoked)).toContain(`#${id} revoked`);
    expect((await get(`${path}.atom`)).status).toBe(404);
  });

  it('needs the HTTP server', async () => {
    const off = { ...config, http: null };
    const def = allCommands.find((c) => c.name === 'subscribe')!;
    await expect(
      def.run({
        store: bot.store,
        config: off,
        logger: silentLogger(),
        caller: { id: 'U1', name: 'ana', isAdmin: false },
        where: dm,
        subcommand: null,
        options: { themes: 'censorship', mode: 'feed' },
        now: new Date(),
      }),
    ).rejects.toThrow(/GOVWATCH_HTTP_PORT/);
  });
});

describe('under load', () => {
  it('1,000 requests to the feeds while the bot polls: none fails, the heap stays flat', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const paths = [
      '/feeds/all.atom',
      '/feeds/all.json',
      '/feeds/theme/shutdowns.atom',
      '/feeds/theme/encryption.json',
      '/feeds/region/RU.atom',
      '/feeds/source/news.json',
    ];
    let n = 0;
    const burst = async (count: number, concurrency: number): Promise<number[]> => {
      const statuses: number[] = [];
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (statuses.length < count) {
            statuses.push(0);
            const res = await get(paths[n++ % paths.length]!);
            await res.arrayBuffer();
            statuses[statuses.indexOf(0)] = res.status;
          }
        }),
      );
      return statuses;
    };
    await burst(100, 8); // warm-up: JIT, statement caches, sockets
    gc();
    const before = process.memoryUsage().heapUsed;
    let polls = 0;
    let polling = true;
    const poller = (async () => {
      for (let k = 0; polling; k++) {
        server.set(
          '/news.xml',
          rssRoute('News', [
            {
              guid: `p${k}`,
              title: `Shutdown update ${k}`,
              link: `https://x.example/p${k}`,
              date: hoursAgo(0),
            },
            ...ITEMS,
          ]),
        );
        await bot.store.saveFeedState('news', {
          ...(await bot.store.getFeed('news'))!.state,
          nextCheckAt: null,
        });
        if ((await bot.scheduler.runPoll()) === 'ran') polls++;
      }
    })();
    const statuses = await burst(1000, 8);
    polling = false;
    await poller;
    expect(statuses).toHaveLength(1000);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    expect(polls).toBeGreaterThan(0);
    gc();
    const growth = process.memoryUsage().heapUsed - before;
    // Flat: no per-request retention. 1,000 × a 10–30 KB body retained would be 10–30 MB.
    expect(growth).toBeLessThan(8 * 1024 * 1024);
  }, 120_000);
});
