// The command line behaves like a Unix tool: quiet on a closed pipe, one line naming the
// archive when it is missing or unusable, nothing created by commands that only read, a
// progress bar that nothing tears, and the themes and subscriptions commands.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaggedItem } from '../../src/model.ts';
import { THEME_IDS } from '../../src/model.ts';
import { CONSOLE_TARGET } from '../../src/platforms/console/index.ts';
import { openStore } from '../../src/store/index.ts';
import { rssRoute, startFeedServer } from '../support/feed-server.ts';
import { REPO_ROOT, cliEnv, runInProcess } from './run-cli.ts';

let dir: string;
let db: string;

const item = (n: number): TaggedItem => ({
  guid: `g${n}`,
  title: `Pangolin trade report number ${n}`,
  url: `https://pangolin.example/${n}`,
  author: null,
  summary: 'A pangolin story.',
  published: new Date(Date.now() - n * 60_000).toISOString(),
  publishedEstimated: false,
  lang: 'en',
  themes: [],
  regions: [],
  why: {},
});

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'govwatch-unix-'));
  db = join(dir, 'archive.db');
  const store = await openStore({ dbPath: db, databaseUrl: undefined });
  await store.upsertFeeds([
    {
      id: 'pangolins',
      name: 'Pangolins',
      url: 'https://pangolin.example/feed',
      kind: 'media',
      language: 'en',
      origin: 'operator',
    },
  ]);
  await store.addItems(
    'pangolins',
    Array.from({ length: 60 }, (_, i) => item(i)),
    { alertable: () => false },
  );
  await store.addSubscription({
    target: CONSOLE_TARGET,
    filter: { themes: [], regions: [], sources: [], keywords: [] },
    mode: 'digest',
    cron: null,
    timezone: '',
    createdBy: 'govwatch',
  });
  await store.addSubscription({
    target: { platform: 'discord', workspaceId: 'g1', kind: 'channel', channelId: 'c9' },
    filter: { themes: ['censorship'], regions: ['RU'], sources: [], keywords: [] },
    mode: 'digest',
    cron: '0 9 * * 1',
    timezone: 'Europe/Berlin',
    createdBy: 'admin',
  });
  await store.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a closed pipe', () => {
  it('ends `govwatch search … | head -1` quietly: exit 0, no stack trace', async () => {
    const child = spawn(
      process.execPath,
      ['bin/govwatch.js', 'search', 'pangolin', '--limit', '100', '--db', db],
      {
        cwd: REPO_ROOT,
        env: cliEnv({}),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    // The reader goes away before the first line, as `head` does after its first.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const code = await new Promise<number | null>((done) => child.on('close', (c) => done(c)));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});

describe('where the archive is', () => {
  it('says a reading command has no archive to read, naming its path, and creates nothing', async () => {
    const missing = join(dir, 'not', 'there', 'archive.db');
    for (const args of [['search', 'pangolin'], ['digest'], ['subscriptions', 'list']]) {
      const r = await runInProcess([...args, '--db', missing], {});
      expect(r.code, args[0]).toBe(1);
      expect(r.stderr).toBe(
        `govwatch: there is no archive at ${missing} yet (\`govwatch poll\` makes one; --db or GOVWATCH_DB chooses another)\n`,
      );
    }
    const sources = join(dir, 'one.yaml');
    writeFileSync(sources, 'sources:\n');
    const list = await runInProcess(['feeds', 'list', '--db', missing, '--sources', sources], {});
    expect(list).toMatchObject({ code: 0, stderr: '' });
    expect(existsSync(join(dir, 'not'))).toBe(false);
  });

  it('says in one line which archive cannot be opened, and why', async () => {
    const notADatabase = join(dir, 'notes.txt');
    writeFileSync(notADatabase, 'these are my notes, not a database\n'.repeat(100));
    const cases: Array<[string[], string]> = [
      [
        ['search', 'x', '--db', notADatabase],
        `cannot open the archive ${notADatabase}: file is not a database`,
      ],
      [
        ['migrate', '--db', join(notADatabase, 'archive.db')],
        `cannot open the archive ${join(notADatabase, 'archive.db')}: a part of the path is a file, not a folder`,
      ],
    ];
    for (const [args, message] of cases) {
      const r = await runInProcess(args, {});
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(`govwatch: ${message}\n`);
    }
  });

  it('names the PostgreSQL database that does not answer, without its password', async () => {
    const r = await runInProcess(['search', 'x'], {
      DATABASE_URL: 'postgres://gw:s3cret@127.0.0.1:1/govwatch',
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'govwatch: the PostgreSQL database at 127.0.0.1:1/govwatch (DATABASE_URL) did not answer: connection refused (is PostgreSQL running there?)\n',
    );
  });

  it('a command that writes makes the archive and its folder', async () => {
    const fresh = join(dir, 'new', 'folder', 'archive.db');
    const r = await runInProcess(['migrate', '--db', fresh], {});
    expect(r.code).toBe(0);
    expect(existsSync(fresh)).toBe(true);
    expect(resolve(fresh)).toBe(fresh);
  });
});

describe('govwatch themes and subscriptions', () => {
  it('lists the theme ids with what each covers', async () => {
    const r = await runInProcess(['themes'], {});
    const lines = r.stdout.trim().split('\n');
    expect(lines.map((l) => l.split(/\s+/)[0])).toEqual([...THEME_IDS]);
    expect(lines[0]).toMatch(/^censorship\s+State blocking, filtering or removal of content/);
    expect(JSON.parse((await runInProcess(['themes', '--json'], {})).stdout)).toHaveLength(THEME_IDS.length);
  });

  it("lists every target's subscriptions, the terminal's on the configured schedule, and removes one", async () => {
    const env = { GOVWATCH_DB: db, GOVWATCH_DIGEST_CRON: '0 7 * * *', GOVWATCH_TIMEZONE: 'Europe/Paris' };
    const list = await runInProcess(['subscriptions', 'list'], env);
    expect(list.stdout.split('\n')).toEqual([
      '#1: everything (digest daily at 07:00 Europe/Paris, as configured) → the terminal',
      '#2: themes censorship; regions RU (digest weekly on mon at 09:00 Europe/Berlin) → discord channel c9 (guild g1)',
      '2 subscription(s)',
      '',
    ]);
    const removed = await runInProcess(['subscriptions', 'remove', '2'], env);
    expect(removed.stdout).toMatch(/^removed #2: themes censorship/);
    const again = await runInProcess(['subscriptions', 'remove', '2'], env);
    expect(again).toMatchObject({
      code: 1,
      stderr: 'govwatch: no subscription #2 (see govwatch subscriptions list)\n',
    });
    expect(JSON.parse((await runInProcess(['subscriptions', 'list', '--json'], env)).stdout)).toHaveLength(1);
  });
});

describe('govwatch poll on a terminal', () => {
  it('keeps the progress bar intact: log lines wait until it is done, and each failure is told once', async () => {
    const server = await startFeedServer({
      '/ok.xml': rssRoute('Fine Feed', [{ guid: 'f1', title: 'Fine news', date: new Date().toISOString() }]),
      '/down.xml': { status: 503, body: 'down' },
    });
    const sources = join(dir, 'tty.yaml');
    writeFileSync(
      sources,
      'sources:\n' +
        `  - {id: fine, name: Fine, url: "${server.url('/ok.xml')}", kind: media, language: en}\n` +
        `  - {id: down, name: Down, url: "${server.url('/down.xml')}", kind: media, language: en}\n`,
    );
    const stderr = process.stderr as { isTTY?: boolean };
    const wasTTY = stderr.isTTY;
    stderr.isTTY = true;
    try {
      const r = await runInProcess(['poll', '--sources', sources, '--db', join(dir, 'tty.db')], {
        GOVWATCH_LOG_LEVEL: 'info',
      });
      expect(r.stdout).toContain('polled 2 feed(s): 1 new item(s), 0 unchanged, 1 failed');
      expect(r.stderr).toContain('polling');
      expect(r.stderr.match(/HTTP 503/g)).toHaveLength(1);
      expect(r.stderr).toMatch(/failed down: fetch .*\/down\.xml: HTTP 503/);
      expect(r.stderr).not.toContain('{"');
      // Nothing is written after the failure line but the end of output.
      expect(r.stderr.trimEnd().endsWith('HTTP 503 Service Unavailable')).toBe(true);
    } finally {
      stderr.isTTY = wasTTY;
      await server.close();
    }
  });
});
