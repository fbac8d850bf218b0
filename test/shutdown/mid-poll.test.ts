// SIGTERM during a poll (issue 8, "stopping is clean"): `govwatch start` polls feeds that a
// local server answers slowly (headers, then a body that never ends). SIGTERM must abort the
// fetches in flight (the abort reaches the socket), start no other feed, record no failure
// against the feeds (a stop is not the feed's fault), release their leases, and close the
// archive only once no fetch is running; all within 2 s.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import { sigterm, startBotProcess, until } from './harness.ts';

const FEEDS = 10;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'gw-shutdown-poll-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('SIGTERM during a poll', () => {
  it('aborts the fetches in flight, claims no more feeds, and closes the archive after them, within 2 s', async () => {
    const requests: Array<{ path: string; at: number; closedAt: number | null }> = [];
    const server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const r = { path: req.url ?? '', at: Date.now(), closedAt: null as number | null };
      requests.push(r);
      req.socket.on('close', () => (r.closedAt = Date.now()));
      // A feed that trickles: the headers and the start of the document, then nothing.
      res.writeHead(200, { 'content-type': 'application/rss+xml' });
      res.write('<?xml version="1.0"?><rss version="2.0"><channel><title>slow</title>');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const sources = join(dir, 'sources.yaml');
    writeFileSync(
      sources,
      'sources:\n' +
        Array.from(
          { length: FEEDS },
          (_, k) =>
            `  - id: slow-${k}\n    name: Slow ${k}\n    url: http://127.0.0.1:${port}/feed-${k}.xml\n    kind: media\n    language: en\n`,
        ).join(''),
    );
    const db = join(dir, 'poll.db');
    try {
      const bot = startBotProcess({ GOVWATCH_DB: db, GOVWATCH_SOURCES: sources });
      // Two at a time to one host (the fetcher's per-host limit): the others wait their turn.
      await until('fetches in flight', () => requests.length >= 2, 30_000);
      await new Promise((r) => setTimeout(r, 200));
      const inFlightAtSigterm = requests.length;
      const { code, tookMs } = await sigterm(bot, 10_000);
      console.log(
        `mid-poll SIGTERM: exited ${code} ${tookMs} ms after it; ${inFlightAtSigterm} fetches in flight, ` +
          `${requests.length} requests in all`,
      );
      expect(code).toBe(0);
      expect(tookMs).toBeLessThan(2_000);
      // No feed started after SIGTERM, and every fetch in flight was cut off by the bot.
      expect(requests.length).toBe(inFlightAtSigterm);
      await until(
        'the server to see every socket closed',
        () => requests.every((r) => r.closedAt !== null),
        2_000,
      );
      const closed = bot.logs.find((l) => l.msg === 'archive closed');
      expect(closed, bot.stderr()).toBeDefined();
      const archiveClosedAt = Number(closed!.time);
      for (const r of requests) expect(r.closedAt!).toBeLessThanOrEqual(archiveClosedAt);

      const store = openSqliteStore(db);
      const feeds = await store.listFeeds();
      const leased = store.db
        .prepare('SELECT count(*) AS n FROM feeds WHERE lease_owner IS NOT NULL')
        .get() as {
        n: number;
      };
      await store.close();
      expect(feeds).toHaveLength(FEEDS);
      // The stop was not the feeds' failure: nothing recorded against them, nothing left leased.
      expect(feeds.filter((f) => f.state.consecutiveFailures > 0 || f.state.lastError)).toEqual([]);
      expect(leased.n).toBe(0);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }, 60_000);
});
