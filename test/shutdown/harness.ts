// Shared pieces of the shutdown tests: `govwatch start` as a child process (as an operator
// runs it), an archive whose hourly digest is due at start for a set of channels, and checks
// on what was posted.
import { spawn, type ChildProcess } from 'node:child_process';
import { expect } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TaggedItem, Target } from '../../src/model.ts';
import type { Store } from '../../src/store/types.ts';
import { REPO_ROOT, cliEnv } from '../cli/run-cli.ts';

export interface BotProcess {
  proc: ChildProcess;
  /** JSON log lines parsed (others kept as { raw }). */
  logs: Array<Record<string, unknown>>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  /** Resolves with the first log line whose msg matches. */
  waitForLog(msg: string | RegExp, ms: number): Promise<Record<string, unknown>>;
  stderr(): string;
}

export function startBotProcess(env: Record<string, string>): BotProcess {
  const proc = spawn(process.execPath, ['bin/govwatch.js', 'start'], {
    cwd: REPO_ROOT,
    env: cliEnv({ GOVWATCH_LOG_LEVEL: 'info', GOVWATCH_LOG_FORMAT: 'json', ...env }),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const logs: Array<Record<string, unknown>> = [];
  let all = '';
  let buf = '';
  const waiters: Array<() => void> = [];
  proc.stderr!.setEncoding('utf8');
  proc.stderr!.on('data', (d: string) => {
    all += d;
    buf += d;
    const parts = buf.split('\n');
    buf = parts.pop() ?? '';
    for (const line of parts) {
      try {
        logs.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        logs.push({ raw: line });
      }
    }
    for (const w of waiters.splice(0)) w();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    proc.on('exit', (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  const matches = (l: Record<string, unknown>, msg: string | RegExp) =>
    typeof l.msg === 'string' && (typeof msg === 'string' ? l.msg === msg : msg.test(l.msg));
  return {
    proc,
    logs,
    exited,
    stderr: () => all,
    waitForLog(msg, ms) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no log "${String(msg)}" within ${ms} ms:\n${all.slice(-4000)}`)),
          ms,
        );
        const check = (): void => {
          const hit = logs.find((l) => matches(l, msg));
          if (hit) {
            clearTimeout(timer);
            resolve(hit);
          } else waiters.push(check);
        };
        check();
        void exited.then(() => {
          if (!logs.some((l) => matches(l, msg))) {
            clearTimeout(timer);
            reject(new Error(`exited before log "${String(msg)}":\n${all.slice(-4000)}`));
          }
        });
      });
    },
  };
}

/** SIGTERM, then how long until the process exited (throws past `ms`, killing it). */
export async function sigterm(bot: BotProcess, ms: number): Promise<{ code: number | null; tookMs: number }> {
  const t0 = Date.now();
  bot.proc.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  try {
    const r = await Promise.race([
      bot.exited,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`still running ${ms} ms after SIGTERM`)), ms);
      }),
    ]);
    return { code: r.code, tookMs: r.at - t0 };
  } finally {
    clearTimeout(timer);
    if (bot.proc.exitCode === null && bot.proc.signalCode === null) bot.proc.kill('SIGKILL');
  }
}

export async function until(
  what: string,
  check: () => boolean | Promise<boolean>,
  ms: number,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export function emptySources(dir: string): string {
  const path = join(dir, 'sources.yaml');
  writeFileSync(path, 'sources:\n');
  return path;
}

/**
 * Items and one digest subscription per target, made two hours before now, so the hourly
 * digest (GOVWATCH_DIGEST_CRON='0 * * * *') of every target is due as the bot starts. The
 * store must be opened with a clock two hours back.
 */
export async function seedDueDigests(store: Store, targets: Target[], items = 30): Promise<void> {
  await store.upsertFeeds([
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
  const tagged: TaggedItem[] = Array.from({ length: items }, (_, k) => ({
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
  await store.addItems('news', tagged, { alertable: () => false });
  for (const target of targets) {
    await store.addSubscription({
      target,
      filter: { themes: [], regions: [], sources: [], keywords: [] },
      mode: 'digest',
      cron: null,
      timezone: '',
      createdBy: 'admin',
    });
  }
}

export const TWO_HOURS_AGO = (): Date => new Date(Date.now() - 2 * 3_600_000);

/** Outbox entries by status. */
export async function outboxCounts(store: Store): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const e of await store.listOutbox()) counts[e.status] = (counts[e.status] ?? 0) + 1;
  return counts;
}

/**
 * The next start, with everything reachable again (`env` as before): every channel's
 * digest gets recorded as sent, and each channel holds exactly the messages recorded for
 * it, each once (`idsIn`: the platform's id of every message posted in a channel, e.g.
 * Discord nonces or Slack timestamps). Then the bot is stopped, cleanly.
 */
export async function expectNextStartPostsEachOnce(opts: {
  label: string;
  env: Record<string, string>;
  channels: number;
  openStore: () => Store | Promise<Store>;
  idsIn: (channelId: string) => unknown[];
  deadlineMs: number;
}): Promise<void> {
  const second = startBotProcess(opts.env);
  try {
    // (A signal before this would meet Node's default handler: killed, not stopped.)
    await second.waitForLog('govwatch started', 30_000);
    const after = await opts.openStore();
    try {
      await until(
        'every delivery recorded',
        async () => (await after.listOutbox({ status: 'sent' })).length === opts.channels,
        60_000,
      );
      for (const entry of await after.listOutbox({ status: 'sent' })) {
        const ids = opts.idsIn(entry.target.channelId);
        expect(ids.length, `channel ${entry.target.channelId}`).toBe(entry.sentRefs.length);
        expect(new Set(ids).size).toBe(ids.length);
      }
    } finally {
      await after.close();
    }
  } finally {
    const r = await sigterm(second, opts.deadlineMs + 5_000);
    console.log(`${opts.label}, everything reachable again: exited ${r.code} ${r.tookMs} ms after SIGTERM`);
    expect(r.code).toBe(0);
  }
}
