import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeFeed, slugify } from '../../src/ingest/probe.ts';
import { UserError } from '../../src/model.ts';

const fixture = (name: string): Buffer => readFileSync(new URL(`../fixtures/feeds/${name}`, import.meta.url));

let server: http.Server;
let base = '';
beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url === '/eff.xml')
      res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(fixture('rss2-en-eff.xml'));
    else if (req.url === '/ru.xml')
      res.writeHead(200, { 'content-type': 'text/xml' }).end(fixture('rss2-ru-koi8r.xml'));
    else if (req.url === '/page')
      res.writeHead(200, { 'content-type': 'text/html' }).end(fixture('html-page.html'));
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
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

  it.each([
    ['EFF Deeplinks', 'eff-deeplinks'],
    ['Électronique & Libertés!', 'electronique-libertes'],
    ['Роскомсвобода', 'feed'],
  ])('slugifies %j as %j', (text, slug) => {
    expect(slugify(text)).toBe(slug);
  });
});
