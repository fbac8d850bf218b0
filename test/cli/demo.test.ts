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

    // The demo leaves the configured archive alone and removes its temporary one.
    expect(existsSync(configured)).toBe(false);
    const tmpArchive = /^archive: (.+) \(temporary\)$/m.exec(out)?.[1];
    expect(tmpArchive).toBeTruthy();
    expect(existsSync(tmpArchive!)).toBe(false);
  }, 120_000);
});
