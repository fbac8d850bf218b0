// `govwatch demo` as a child process: the whole loop on the bundled samples, served on
// 127.0.0.1 by the demo itself, into a temporary archive that is removed afterwards.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, messageLines, runCli } from './run-cli.ts';

const index = parseYaml(readFileSync(join(REPO_ROOT, 'feeds', 'samples', 'index.yaml'), 'utf8')) as {
  samples: Array<{ id: string; items: number }>;
};
const dir = mkdtempSync(join(tmpdir(), 'govwatch-cli-demo-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('govwatch demo', () => {
  it('serves the samples, stores them, searches and prints a digest, then cleans up', async () => {
    const configured = join(dir, 'configured.db');
    const r = await runCli(['demo'], { env: { GOVWATCH_DB: configured }, timeoutMs: 90_000 });
    expect(messageLines(r.stderr)).toEqual([]);
    expect(r.code).toBe(0);
    const out = r.stdout;
    expect(out).toMatch(
      new RegExp(`serving ${index.samples.length} sample feeds at http://127\\.0\\.0\\.1:\\d+/`),
    );

    for (const s of index.samples) expect(out).toMatch(new RegExp(`^  ${s.id}: ${s.items} items \\(`, 'm'));
    const total = index.samples.reduce((n, s) => n + s.items, 0);
    expect(out).toContain(`total: ${total} items from ${index.samples.length} feeds, 0 failed`);
    expect(out).toContain(`polled again: 0 new, ${index.samples.length} answered 304`);

    const searches = [...out.matchAll(/^== govwatch search "([^"]+)".*: (\d+) result\(s\)$/gm)];
    expect(searches.length).toBeGreaterThanOrEqual(3);
    for (const m of searches) expect(Number(m[2]), m[1]).toBeGreaterThan(0);

    const digest = out.slice(out.indexOf('\n== Digest'));
    expect(digest.length).toBeGreaterThan(20);
    expect(digest.match(/^\* /gm)?.length ?? 0).toBeGreaterThanOrEqual(5);
    // Recorded OONI and IODA answers, served on 127.0.0.1, under the Iraq shutdown story.
    expect(out).toMatch(/== Evidence: recorded OONI and IODA answers served at http:\/\/127\.0\.0\.1:\d+/);
    expect(digest).toMatch(
      /Iraq[^\n]*\n(?: {2}[^\n]*\n)* {2}Evidence: OONI: \d+% of web tests anomalous in IQ on 17–19 Nov, ×[\d.]+ the month's median[^\n]* · IODA: 4 outage events/,
    );

    // The demo leaves the configured archive alone and removes its temporary one.
    expect(existsSync(configured)).toBe(false);
    const tmpArchive = /^archive: (.+) \(temporary\)$/m.exec(out)?.[1];
    expect(tmpArchive).toBeTruthy();
    expect(existsSync(tmpArchive!)).toBe(false);
  }, 120_000);

  it('tracks processes on its stand-in, shows a state change, and `deadlines --json` lists them from the kept archive', async () => {
    const kept = join(dir, 'kept.db');
    const r = await runCli(['demo', '--keep', kept], { env: {}, timeoutMs: 90_000 });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/== Trackers \(recorded answers served at http:\/\/127\.0\.0\.1:\d+\)/);
    expect(r.stdout).toContain('→ I-D: Active; IESG: In Last Call (rev. 04)');
    expect(r.stdout).toMatch(
      /40th ratification \(Country 40, \d{4}-\d{2}-\d{2}\): enters into force on \d{4}-\d{2}-\d{2}/,
    );
    expect(r.stdout).toContain('== Deadlines and meetings ==');

    const d = await runCli(['deadlines', '--json', '--db', kept], { env: {} });
    expect(d.code).toBe(0);
    const rows = JSON.parse(d.stdout) as Array<Record<string, unknown>>;
    expect(rows.map((x) => x.id)).toEqual([
      'icann:demo-registration-data-policy',
      'ietf:draft-ietf-demo-consent-signals',
      'eu:99001',
    ]);
    for (const row of rows) {
      expect(Object.keys(row)).toEqual(['id', 'kind', 'title', 'url', 'state', 'deadline', 'source']);
      expect(row.deadline).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    }
    expect(rows[0]).toMatchObject({ kind: 'icann-comment', source: 'icann', state: 'open for comment' });
    expect(String(rows[0]!.deadline)).toMatch(/T23:59:00\.000Z$/);
    // Brussels 23:59:59 is 22:59:59 UTC in winter, 21:59:59 in summer.
    expect(String(rows[2]!.deadline)).toMatch(/T2[12]:59:59\.000Z$/);
  }, 120_000);
});
