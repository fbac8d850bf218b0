import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeFeed, slugify } from '../../src/ingest/probe.ts';
import { UserError } from '../../src/model.ts';

const fixture = (name: string): Buffer => readFileSync(new URL(`../fixtures/feeds/${name}`, import.meta.url));

let server: http.Server;
let base = '';
let port = 0;
const requested: string[] = [];
beforeAll(async () => {
  server = http.createServer((req, res) => {
    requested.push(`${req.headers.host} ${req.url}`);
    if (req.url === '/eff.xml')
      res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(fixture('rss2-en-eff.xml'));
    else if (req.url === '/ru.xml')
      res.writeHead(200, { 'content-type': 'text/xml' }).end(fixture('rss2-ru-koi8r.xml'));
    else if (req.url === '/site')
      res.writeHead(200, { 'content-type': 'text/html' }).end(
        `<html><head>
          <link rel="alternate" type="application/rss+xml" href="file:///etc/passwd">
          <link rel="alternate" type="application/rss+xml" href="http://127.0.0.2:${port}/eff.xml">
          <link rel="alternate" type="application/atom+xml" href="/eff.xml">
        </head></html>`,
      );
    else if (req.url === '/page')
      res.writeHead(200, { 'content-type': 'text/html' }).end(fixture('html-page.html'));
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function userError(promise: Promise<unknown>): Promise<UserError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    return err as UserError;
  }
  throw new Error('expected a UserError');
}

describe('probeFeed', () => {
  it('describes a feed for saving', async () => {
    const probe = await probeFeed(`${base}/eff.xml`, { allowPrivate: true });
    expect(probe).toMatchObject({
      title: 'Deeplinks',
      format: 'rss2.0',
      itemCount: 3,
      language: 'en',
      suggestedId: 'deeplinks',
      finalUrl: `${base}/eff.xml`,
    });
  });

  it('suggests an id from the host when the title has no Latin letters', async () => {
    const probe = await probeFeed(`${base}/ru.xml`, { allowPrivate: true });
    expect(probe).toMatchObject({ language: 'ru', charset: 'koi8-r', suggestedId: '127-0-0' });
  });

  it('refuses private addresses unless allowed', async () => {
    expect((await userError(probeFeed(`${base}/eff.xml`))).code).toBe('blocked-url');
  });

  it('says so when the URL is not a feed or not there', async () => {
    const page = await userError(probeFeed(`${base}/page`, { allowPrivate: true }));
    expect(page).toMatchObject({ code: 'not-a-feed' });
    expect(page.message).toBe(
      `${base}/page is a web page that names no feed (<link rel="alternate">) and its site has none at ` +
        '/feed, /rss.xml, /atom.xml, /index.xml, /feed.json; give the feed URL itself',
    );
    expect((await userError(probeFeed(`${base}/missing`, { allowPrivate: true }))).code).toBe(
      'feed-unavailable',
    );
  });

  it('keeps the address guard on every fetch of discovery, and never reads a file a page names', async () => {
    // 127.0.0.1 stands in for a public server; 127.0.0.2 for a private one.
    const classify = (address: string) => (address === '127.0.0.1' ? null : 'a private address');
    requested.length = 0;
    const probe = await probeFeed(`${base}/site`, { classify });
    expect(probe).toMatchObject({ url: `${base}/eff.xml`, foundVia: `${base}/site`, title: 'Deeplinks' });
    expect(probe.otherFeeds.map((f) => f.url)).toEqual([`http://127.0.0.2:${port}/eff.xml`]);
    expect(requested).toEqual([`127.0.0.1:${port} /site`, `127.0.0.1:${port} /eff.xml`]);
  });

  it('refuses a local file unless the caller is the operator', async () => {
    const path = new URL('../fixtures/feeds/rss2-en-eff.xml', import.meta.url);
    const err = await userError(probeFeed(path.href, { allowPrivate: true }));
    expect(err.code).toBe('blocked-url');
    expect(err.message).toMatch(/only http and https/);
    expect(await probeFeed(path.href, { allowLocalFiles: true })).toMatchObject({
      url: path.href,
      title: 'Deeplinks',
    });
  });

  it.each([
    ['EFF Deeplinks', 'eff-deeplinks'],
    ['Électronique & Libertés!', 'electronique-libertes'],
    ['Роскомсвобода', 'feed'],
  ])('slugifies %j as %j', (text, slug) => {
    expect(slugify(text)).toBe(slug);
  });
});
