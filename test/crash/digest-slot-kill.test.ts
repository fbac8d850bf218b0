// Killed (SIGKILL) while building a slot's digests, a single SQLite bot on the default owner is
// started again: every channel gets its digest within a minute of the restart, once. The
// restarted process takes over its own per-target locks, feed leases and outbox claims at
// once (a stable owner per SQLite archive, released at start) instead of waiting out a
// 10-minute lock as a stranger. The slot is the hourly one that fell due just before the
// first start (the catch-up tick), so no test waits for a wall-clock boundary.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaggedItem, Target } from '../../src/model.ts';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import { REPO_ROOT, cliEnv } from '../cli/run-cli.ts';
import { startDiscordStandin, type DiscordStandin } from '../support/discord-standin/index.ts';

const CHANNELS = 50;
const GUILD = '200000000000000077';
const channelIds = Array.from({ length: CHANNELS }, (_, k) => String(320000000000000000n + BigInt(k)));

let dir: string;
let standin: DiscordStandin;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gw-slot-kill-'));
  standin = await startDiscordStandin({
    guilds: [{ id: GUILD, name: 'g', channels: channelIds.map((id, k) => ({ id, name: `c${k}` })) }],
    latencyMs: 5,
  });
});
afterAll(async () => {
  await standin?.close();
  rmSync(dir, { recursive: true, force: true });
});

function start(env: Record<string, string>): {
  proc: ChildProcess;
  lines: string[];
  exited: Promise<number | null>;
} {
  const proc = spawn(process.execPath, ['bin/govwatch.js', 'start'], {
    cwd: REPO_ROOT,
    env: cliEnv(env),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const lines: string[] = [];
  let buf = '';
  proc.stderr!.setEncoding('utf8');
  proc.stderr!.on('data', (d: string) => {
    buf += d;
    const parts = buf.split('\n');
    buf = parts.pop() ?? '';
    lines.push(...parts);
  });
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  return { proc, lines, exited };
}

async function until(what: string, check: () => boolean | Promise<boolean>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('SIGKILL during a digest slot (SQLite, default owner)', () => {
  it('every channel has its digest, once, within a minute of the restart', { timeout: 90_000 }, async () => {
    const db = join(dir, 'govwatch.db');
    const sources = join(dir, 'sources.yaml');
    writeFileSync(sources, 'sources:\n');
    // Subscriptions made two hours ago, so the last hourly slot is due at start.
    const past = new Date(Date.now() - 2 * 3_600_000);
    const setup = openSqliteStore(db, { now: () => past });
    await setup.upsertFeeds([
      {
        id: 'news',
        name: 'News',
        url: 'https://news.example/feed.xml',
        kind: 'media',
        language: 'en',
        origin: 'operator',
      },
    ]);
    const published = new Date(Date.now() - 10 * 60_000).toISOString();
    // Enough items that building 50 digests takes longer than 250 ms: the kill lands mid-way.
    const items: TaggedItem[] = Array.from({ length: 3000 }, (_, k) => ({
      guid: `n${k}`,
      title: `Story ${k}: regulator number ${k * 31} orders a platform to remove posts`,
      url: `https://news.example/${k}`,
      author: null,
      summary: '',
      published,
      publishedEstimated: false,
      lang: 'en',
      themes: [],
      regions: [],
      why: {},
    }));
    await setup.addItems('news', items, { alertable: () => true });
    for (const id of channelIds) {
      const target: Target = { platform: 'discord', workspaceId: GUILD, kind: 'channel', channelId: id };
      await setup.addSubscription({
        target,
        filter: { themes: [], regions: [], sources: [], keywords: [] },
        mode: 'digest',
        cron: null,
        timezone: '',
        createdBy: 'admin',
      });
    }
    await setup.close();

    const env = {
      DISCORD_TOKEN: standin.token,
      DISCORD_APP_ID: standin.appId,
      DISCORD_API_URL: standin.apiUrl,
      GOVWATCH_DB: db,
      GOVWATCH_SOURCES: sources,
      GOVWATCH_DIGEST_CRON: '0 * * * *',
      GOVWATCH_LOG_LEVEL: 'info',
      GOVWATCH_LOG_FORMAT: 'json',
    };
    const first = start(env);
    // The kill lands while a digest is being built (its per-target lock held), the case that
    // used to hold a channel back for the lock's 10 minutes.
    const watch = openSqliteStore(db);
    const building = watch.db.prepare("SELECT count(*) AS n FROM locks WHERE name LIKE 'digest%'");
    await until('a digest being built', () => (building.get() as { n: number }).n > 0, 30_000);
    first.proc.kill('SIGKILL');
    await watch.close();
    await first.exited;
    const check = openSqliteStore(db);
    const held = (
      check.db.prepare("SELECT count(*) AS n FROM locks WHERE name LIKE 'digest%'").get() as { n: number }
    ).n;
    const enqueued = (await check.listOutbox()).length;
    await check.close();
    const postedAtKill = channelIds.filter((id) => (standin.messages.get(id) ?? []).length > 0).length;

    const restartedAt = Date.now();
    const second = start(env);
    try {
      await until(
        'a digest in every channel',
        () => channelIds.every((id) => (standin.messages.get(id) ?? []).length > 0),
        60_000,
      );
      const tookMs = Date.now() - restartedAt;
      // Recorded as sent, each once: nothing left claimed or pending, no channel posted twice.
      const after = openSqliteStore(db);
      await until(
        'every delivery recorded',
        async () => (await after.listOutbox({ status: 'sent' })).length === CHANNELS,
        10_000,
      );
      const sent = await after.listOutbox({ status: 'sent' });
      await after.close();
      for (const entry of sent) {
        const posted = standin.messages.get(entry.target.channelId) ?? [];
        expect(posted.length, `channel ${entry.target.channelId}`).toBe(entry.sentRefs.length);
        expect(new Set(posted.map((m) => m.nonce)).size).toBe(posted.length);
      }
      console.log(
        `slot kill: at SIGKILL ${enqueued} of ${CHANNELS} digests recorded, ${held} digest locks held, ` +
          `${postedAtKill} channels posted; all ${CHANNELS} posted ${tookMs} ms after the restart`,
      );
    } finally {
      second.proc.kill('SIGTERM');
      await second.exited;
    }
  });
});
