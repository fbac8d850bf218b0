// `govwatch start` with no chat tokens, as a child process: it says how to connect a chat
// platform, starts the terminal bot, and exits 0 on SIGTERM without being killed.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, cliEnv, messageLines, runCli } from './run-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'govwatch-cli-start-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('govwatch start', () => {
  it.each([
    [
      'GOVWATCH_DIGEST_CRON',
      'every day',
      /^govwatch: invalid configuration: GOVWATCH_DIGEST_CRON: cron expression "every day" must have 5 fields/,
    ],
    [
      'GOVWATCH_TIMEZONE',
      'Mars/Olympus',
      /^govwatch: invalid configuration: GOVWATCH_TIMEZONE: unknown time zone "Mars\/Olympus"/,
    ],
    [
      'DISCORD_TOKEN',
      'a-token',
      /^govwatch: invalid configuration: DISCORD_TOKEN is set but DISCORD_APP_ID is not/,
    ],
  ])(
    'exits 1 at once with one line naming %s when it is wrong, having opened nothing',
    async (name, value, line) => {
      const db = join(dir, `never-${name}.db`);
      const r = await runCli(['start'], { env: { [name]: value, GOVWATCH_DB: db } });
      expect(r.code).toBe(1);
      const lines = r.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(line);
      expect(existsSync(db)).toBe(false);
    },
  );

  it('runs in terminal mode and shuts down cleanly on SIGTERM', async () => {
    const sources = join(dir, 'sources.yaml');
    writeFileSync(sources, 'sources:\n');
    const child = spawn(process.execPath, ['bin/govwatch.js', 'start'], {
      cwd: REPO_ROOT,
      env: cliEnv({
        GOVWATCH_DB: join(dir, 'bot.db'),
        GOVWATCH_SOURCES: sources,
        GOVWATCH_LOG_LEVEL: 'info',
      }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on('exit', (code, signal) => resolve({ code, signal })),
    );
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no start-up log within 45 s:\n${stderr}`)), 45_000);
        child.stderr.on('data', (chunk: string) => {
          stderr += chunk;
          if (stderr.includes('"msg":"govwatch started"')) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
      child.kill('SIGTERM');
      const result = await Promise.race([
        exited,
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error('did not exit within 15 s')), 15_000),
        ),
      ]);
      expect(result).toEqual({ code: 0, signal: null });
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    const lines = messageLines(stderr);
    expect(lines[0]).toBe('govwatch: no chat platform configured, so digests are printed here.');
    expect(lines.join('\n')).toMatch(/DISCORD_TOKEN[\s\S]*SLACK_BOT_TOKEN/);
    expect(stderr).toContain('"platforms":["console"]');
    expect(stderr).toContain('"signal":"SIGTERM"');
  }, 70_000);
});
