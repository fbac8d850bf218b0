// `govwatch evidence` against the evidence stand-in, through the base-URL variables.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEvidenceStandin, type EvidenceStandin } from '../../src/demo/evidence-server.ts';
import { daysBetween } from '../../src/evidence/days.ts';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import { iraqFixture } from '../evidence/fixture.ts';
import { messageLines, runCli } from './run-cli.ts';

let standin: EvidenceStandin;
const dir = mkdtempSync(join(tmpdir(), 'govwatch-cli-evidence-'));

beforeAll(async () => {
  standin = await startEvidenceStandin(iraqFixture());
});
afterAll(async () => {
  await standin.close();
  rmSync(dir, { recursive: true, force: true });
});

function env(): Record<string, string> {
  return {
    GOVWATCH_DB: join(dir, 'none.db'),
    GOVWATCH_OONI_API_URL: standin.baseUrl,
    GOVWATCH_IODA_API_URL: standin.baseUrl,
    GOVWATCH_RADAR_API_URL: standin.baseUrl,
  };
}

describe('govwatch evidence', () => {
  it('--country IQ --from --until --json returns the figures the stand-ins serve, computed exactly', async () => {
    const r = await runCli(
      ['evidence', '--country', 'IQ', '--from', '2026-11-18', '--until', '2026-11-21', '--json'],
      {
        env: env(),
      },
    );
    expect(messageLines(r.stderr)).toEqual([]);
    expect(r.code).toBe(0);
    const list = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
    for (const e of list) {
      expect(Object.keys(e).sort()).toEqual([
        'country',
        'figures',
        'from',
        'kind',
        'source',
        'summary',
        'until',
        'url',
      ]);
      expect(e).toMatchObject({ country: 'IQ', from: '2026-11-18', until: '2026-11-21' });
    }
    // Expected sums straight from the stand-in's data.
    const iq = iraqFixture().ooni!.IQ!;
    const sum = (
      f: 'measurement_count' | 'anomaly_count' | 'confirmed_count' | 'failure_count' | 'ok_count',
    ) => daysBetween('2026-11-18', '2026-11-21').reduce((n, d) => n + (iq[d]?.web_connectivity?.[f] ?? 0), 0);
    const web = list.find((e) => e.kind === 'web_connectivity')!;
    expect(web.source).toBe('ooni');
    expect(web.figures).toMatchObject({
      measurement_count: sum('measurement_count'),
      anomaly_count: sum('anomaly_count'),
      confirmed_count: sum('confirmed_count'),
      failure_count: sum('failure_count'),
      ok_count: sum('ok_count'),
      anomalous_share: (sum('anomaly_count') + sum('confirmed_count')) / sum('measurement_count'),
    });
    const events = list.find((e) => e.kind === 'outage_events')!;
    expect(events).toMatchObject({ source: 'ioda', figures: { event_count: 2 } });
    expect(String(events.url)).toMatch(/^https:\/\/ioda\.inetintel\.cc\.gatech\.edu\/country\/IQ\?/);
    // No token: Cloudflare Radar is not asked.
    expect(list.some((e) => e.source === 'radar')).toBe(false);
    expect(standin.requests.some((q) => q.startsWith('/client/v4/'))).toBe(false);
    expect(standin.requests.find((q) => q.includes('test_name=web_connectivity&'))).toContain(
      'probe_cc=IQ&test_name=web_connectivity&since=2026-11-18&until=2026-11-22&axis_x=measurement_start_day&time_grain=day',
    );
  });

  it('--item: the evidence for the countries of an archived story, around its date', async () => {
    const db = join(dir, 'archive.db');
    const store = openSqliteStore(db);
    await store.upsertFeeds([
      {
        id: 'f',
        name: 'Source',
        url: 'https://x.example/feed',
        kind: 'media',
        language: 'en',
        origin: 'operator',
      },
    ]);
    const base = {
      url: null,
      author: null,
      summary: '',
      publishedEstimated: false,
      lang: 'en',
      why: {},
    };
    const { added } = await store.addItems(
      'f',
      [
        {
          ...base,
          guid: 'a',
          title: 'Iraq cuts the internet',
          published: '2026-11-20T08:00:00Z',
          themes: ['shutdowns'],
          regions: ['IQ'],
        },
        {
          ...base,
          guid: 'b',
          title: 'A standard',
          published: '2026-11-20T08:00:00Z',
          themes: ['standards'],
          regions: [],
        },
      ],
      { alertable: () => true },
    );
    await store.close();
    const r = await runCli(['evidence', '--item', String(added[0]!.id), '--json'], {
      env: { ...env(), GOVWATCH_DB: db },
    });
    expect(messageLines(r.stderr)).toEqual([]);
    const list = JSON.parse(r.stdout) as Array<{
      kind: string;
      from: string;
      until: string;
      figures: Record<string, unknown>;
    }>;
    const web = list.find((e) => e.kind === 'web_connectivity')!;
    expect(web).toMatchObject({
      from: '2026-11-18',
      until: '2026-11-20',
      figures: { measurement_count: 350 },
    });
    const text = await runCli(['evidence', '--item', String(added[1]!.id)], {
      env: { ...env(), GOVWATCH_DB: db },
    });
    expect(text.stdout).toContain(
      'no evidence: the item is not tagged shutdowns or censorship with a country',
    );
  });

  it('says which option is wrong', async () => {
    const r = await runCli(['evidence', '--country', 'Iraq'], { env: env() });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('--country must be a two-letter country code');
    const both = await runCli(['evidence'], { env: env() });
    expect(both.stderr).toContain('give either --country <CC> or --item <id>');
  });
});
