// GOVWATCH_HTTP_PORT: /healthz and /metrics of a running bot (terminal mode, a local feed
// server), the failure reasons, the systemd unit's keys, and `db backup` while the archive
// is open for writing.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBot, type Bot } from '../../src/app.ts';
import { runDbBackup } from '../../src/cli/db.ts';
import { loadConfig } from '../../src/config.ts';
import { silentLogger } from '../../src/log.ts';
import { failureReason } from '../../src/metrics/types.ts';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import { REPO_ROOT } from '../cli/run-cli.ts';
import { rssRoute, startFeedServer, type FeedServer } from '../support/feed-server.ts';

const dir = mkdtempSync(join(tmpdir(), 'govwatch-http-watch-'));
let server: FeedServer;
let bot: Bot;
let base: string;

async function until<T>(what: string, check: () => Promise<T | false>, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The value of one sample line of the Prometheus text, or null when absent. */
function sample(text: string, series: string): number | null {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : null;
}

beforeAll(async () => {
  server = await startFeedServer({
    '/ok.xml': rssRoute('OK', [
      { guid: 'a', title: 'Government orders internet shutdown', link: 'https://x.example/a' },
      { guid: 'b', title: 'Encryption backdoor bill advances', link: 'https://x.example/b' },
    ]),
    '/down.xml': { status: 503, body: 'down' },
  });
  const sources = join(dir, 'sources.yaml');
  writeFileSync(
    sources,
    `sources:\n` +
      `  - {id: ok, name: OK, url: "${server.url('/ok.xml')}", kind: rights, language: en}\n` +
      `  - {id: down, name: Down, url: "${server.url('/down.xml')}", kind: rights, language: en}\n`,
  );
  const config = loadConfig({
    GOVWATCH_DB: join(dir, 'bot.db'),
    GOVWATCH_SOURCES: sources,
    GOVWATCH_HTTP_PORT: '0',
    GOVWATCH_TRACKERS: 'off',
  });
  bot = await startBot(config, silentLogger());
  base = `http://127.0.0.1:${bot.httpPort}`;
}, 30_000);

afterAll(async () => {
  await bot?.stop();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the HTTP server of govwatch start', () => {
  it('is off unless GOVWATCH_HTTP_PORT is set, and binds 127.0.0.1 by default', () => {
    expect(loadConfig({}).http).toBeNull();
    expect(loadConfig({ GOVWATCH_HTTP_PORT: '9464' }).http).toEqual({
      port: 9464,
      host: '127.0.0.1',
      publicUrl: undefined,
    });
    expect(() => loadConfig({ GOVWATCH_HTTP_PORT: 'eighty' })).toThrow(/GOVWATCH_HTTP_PORT/);
  });

  it('/metrics counts the poll, stored items, feed failures by reason and tagging time', async () => {
    const text = await until('a finished poll in /metrics', async () => {
      const t = await (await fetch(`${base}/metrics`)).text();
      return (sample(t, 'govwatch_polls_total{outcome="ok"}') ?? 0) >= 1 && t;
    });
    expect(sample(text, 'govwatch_items_stored_total')).toBe(2);
    expect(sample(text, 'govwatch_feed_failures_total{reason="http_5xx"}')).toBe(1);
    expect(sample(text, 'govwatch_tagging_seconds_total')).toBeGreaterThan(0);
    expect(sample(text, 'govwatch_last_poll_timestamp_seconds')).toBeGreaterThan(0);
    expect(sample(text, 'govwatch_outbox_depth')).not.toBeNull();
    expect(sample(text, 'govwatch_outbox_oldest_age_seconds')).not.toBeNull();
    expect(text).toContain('# TYPE govwatch_search_duration_seconds histogram');
    expect(text).toContain('# TYPE govwatch_deliveries_total counter');
    expect(text).toContain('# TYPE govwatch_rate_limit_waits_total counter');
  });

  it('/healthz is 200 with the store, the scheduler and the last poll age', async () => {
    const res = await fetch(`${base}/healthz`);
    const body = (await res.json()) as {
      status: string;
      store: { ok: boolean };
      lastPoll: { at: string | null };
    };
    expect(res.status).toBe(200);
    expect(body.status).toBe('ok');
    expect(body.store.ok).toBe(true);
    expect(body.lastPoll.at).not.toBeNull();
  });

  it('answers 404 for unknown paths and 405 for writes', async () => {
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    expect((await fetch(`${base}/healthz`, { method: 'POST' })).status).toBe(405);
  });

  it('/healthz is 503 naming the reason when the scheduler is not running', async () => {
    const config = loadConfig({
      GOVWATCH_DB: join(dir, 'idle.db'),
      GOVWATCH_SOURCES: join(dir, 'sources.yaml'),
      GOVWATCH_HTTP_PORT: '0',
    });
    const idle = await startBot(config, silentLogger(), { autoStart: false });
    try {
      const res = await fetch(`http://127.0.0.1:${idle.httpPort}/healthz`);
      expect(res.status).toBe(503);
      expect(((await res.json()) as { reasons: string[] }).reasons).toContain('scheduler not running');
    } finally {
      await idle.stop();
    }
  });
});

describe('feed failure reasons', () => {
  it.each([
    ['fetch http://a/: HTTP 503 Service Unavailable', 'http_5xx'],
    ['fetch http://a/: HTTP 404 Not Found', 'http_4xx'],
    ['fetch http://a/: timed out after 20000 ms', 'timeout'],
    ['fetch http://a/: body of 99 bytes exceeds the 10-byte limit', 'too_large'],
    ['not a feed: the document is HTML', 'parse'],
    ['fetch http://a/: getaddrinfo ENOTFOUND a', 'network'],
    ['something else', 'other'],
  ])('%s → %s', (message, reason) => expect(failureReason(message)).toBe(reason));
});

describe('deploy/govwatch.service', () => {
  const unit = readFileSync(join(REPO_ROOT, 'deploy', 'govwatch.service'), 'utf8');
  const sections = new Map<string, Map<string, string>>();
  let current = '';
  for (const raw of unit.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const head = /^\[(\w+)\]$/.exec(line);
    if (head) sections.set((current = head[1]!), new Map());
    else {
      const eq = line.indexOf('=');
      sections.get(current)!.set(line.slice(0, eq), line.slice(eq + 1));
    }
  }
  const service = sections.get('Service')!;

  it('runs govwatch start as an unprivileged user and restarts it on failure', () => {
    expect(service.get('ExecStart')).toMatch(/govwatch\.js start$/);
    expect(service.get('User')).toBeTruthy();
    expect(service.get('Restart')).toBe('on-failure');
    expect(service.get('EnvironmentFile')).toBeTruthy();
    expect(sections.get('Install')?.get('WantedBy')).toBe('multi-user.target');
  });

  it('is hardened, with write access only to its state folder', () => {
    expect(service.get('NoNewPrivileges')).toBe('yes');
    expect(service.get('ProtectSystem')).toBe('strict');
    expect(service.get('ProtectHome')).toBe('yes');
    expect(service.get('PrivateTmp')).toBe('yes');
    expect(service.get('CapabilityBoundingSet')).toBe('');
    expect(service.get('ReadWritePaths')).toBe('/var/lib/govwatch');
    expect(unit).toContain('Environment=GOVWATCH_DB=/var/lib/govwatch/');
  });
});

describe('govwatch db backup', () => {
  it('copies an archive that is open for writing into a consistent file', async () => {
    const live = openSqliteStore(join(dir, 'live.db'));
    try {
      await live.upsertFeeds([
        { id: 'f', name: 'F', url: 'https://f.example/', kind: 'media', language: 'en', origin: 'operator' },
      ]);
      const item = (i: number) => ({
        guid: `g${i}`,
        url: `https://f.example/${i}`,
        title: `Item ${i}`,
        author: null,
        summary: '',
        published: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(),
        publishedEstimated: false,
        lang: 'en',
        themes: [],
        regions: [],
        why: {},
      });
      await live.addItems('f', Array.from({ length: 50 }, (_, i) => item(i)) as never, {
        alertable: () => false,
      });
      const backup = join(dir, 'backup.db');
      await runDbBackup(loadConfig({ GOVWATCH_DB: join(dir, 'live.db') }), backup);
      const copy = openSqliteStore(backup, { create: false });
      expect(await copy.countItems()).toBe(50);
      await copy.close();
      await expect(runDbBackup(loadConfig({ GOVWATCH_DB: join(dir, 'live.db') }), backup)).rejects.toThrow(
        /already exists/,
      );
    } finally {
      await live.close();
    }
  });
});
