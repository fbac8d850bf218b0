// `govwatch trends` on the demo archive: a PNG chart of at least 1200×600, and the counts as
// JSON agreeing with the items in the archive.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import { pngSize } from '../../src/trends/chart.ts';
import { runCli } from './run-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'govwatch-trends-'));
const db = join(dir, 'demo.db');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(async () => {
  const r = await runCli(['demo', '--keep', db], { env: {} });
  expect(r.code, r.stderr).toBe(0);
}, 120_000);

describe('govwatch trends', () => {
  it('--theme censorship --region RU --period 90d --png writes a PNG of at least 1200×600', async () => {
    const png = join(dir, 't.png');
    const r = await runCli(
      ['--db', db, 'trends', '--theme', 'censorship', '--region', 'RU', '--period', '90d', '--png', png],
      { env: {} },
    );
    expect(r.code, r.stderr).toBe(0);
    const size = pngSize(readFileSync(png));
    expect(size).not.toBeNull();
    expect(size!.width).toBeGreaterThanOrEqual(1200);
    expect(size!.height).toBeGreaterThanOrEqual(600);
  }, 60_000);

  it('--json counts per theme agree with the archive, at most 6 series plus other', async () => {
    const r = await runCli(['--db', db, 'trends', '--period', '3660d', '--json'], { env: {} });
    expect(r.code, r.stderr).toBe(0);
    const trend = JSON.parse(r.stdout) as { series: Array<{ name: string; total: number }> };
    expect(trend.series.length).toBeLessThanOrEqual(7);
    const store = openSqliteStore(db, { create: false });
    const items = await store.listItems({});
    await store.close();
    const tagged = items.reduce((n, i) => n + i.themes.length, 0);
    expect(trend.series.reduce((n, s) => n + s.total, 0)).toBe(tagged);
    const named = trend.series.find((s) => s.name !== 'other')!;
    expect(named.total).toBe(items.filter((i) => (i.themes as string[]).includes(named.name)).length);
  }, 60_000);
});
