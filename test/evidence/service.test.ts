import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EvidenceConfig } from '../../src/config.ts';
import { startEvidenceStandin, type EvidenceStandin } from '../../src/demo/evidence-server.ts';
import { evidenceSegments } from '../../src/evidence/line.ts';
import { EvidenceService } from '../../src/evidence/service.ts';
import type { StoredItem } from '../../src/model.ts';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import type { Store } from '../../src/store/types.ts';
import { iraqFixture } from './fixture.ts';

let standin: EvidenceStandin;
let store: Store;
let clock: Date;

function config(extra: Partial<EvidenceConfig> = {}): EvidenceConfig {
  return {
    attach: true,
    hourlyBudget: 100,
    ooniUrl: standin.baseUrl,
    iodaUrl: standin.baseUrl,
    radarUrl: standin.baseUrl,
    cloudflareToken: undefined,
    ...extra,
  };
}

function service(extra: Partial<EvidenceConfig> = {}): EvidenceService {
  return new EvidenceService({ store, config: config(extra), now: () => clock });
}

function item(id: number, extra: Partial<StoredItem> = {}): StoredItem {
  return {
    id,
    feedId: 'f',
    sourceName: 'Source',
    guid: `g${id}`,
    title: `Iraq cuts the internet during exams (${id})`,
    url: `https://news.example/${id}`,
    author: null,
    summary: 'Mobile networks were cut.',
    published: '2026-11-21T09:00:00Z',
    publishedEstimated: false,
    lang: 'en',
    themes: ['shutdowns'],
    regions: ['IQ'],
    why: {},
    firstSeen: '2026-11-21T09:05:00Z',
    alertable: true,
    clusterId: null,
    ...extra,
  };
}

beforeEach(async () => {
  standin = await startEvidenceStandin(iraqFixture());
  store = await openSqliteStore(':memory:');
  clock = new Date('2026-11-22T12:00:00Z');
});

afterEach(async () => {
  await store.close();
  await standin.close();
});

describe('evidence from the stand-ins', () => {
  it('computes the figures exactly from what the sources served', async () => {
    const ev = await service({ cloudflareToken: 'token' }).forWindow('iq', '2026-11-18', '2026-11-21');
    const web = ev.find((e) => e.kind === 'web_connectivity')!;
    expect(web).toMatchObject({ source: 'ooni', country: 'IQ', from: '2026-11-18', until: '2026-11-21' });
    expect(web.figures).toMatchObject({
      measurement_count: 450,
      anomaly_count: 120,
      confirmed_count: 15,
      failure_count: 10,
      ok_count: 305,
      anomalous_share: 135 / 450,
      ratio_to_baseline_median: 135 / 450 / 0.05,
      baseline: {
        from: '2026-10-19',
        until: '2026-11-17',
        days_with_measurements: 30,
        median_anomalous_share: 0.05,
      },
    });
    expect(
      (web.figures!.days as Array<{ day: string; measurement_count: number }>).map(
        (d) => d.measurement_count,
      ),
    ).toEqual([200, 150, 0, 100]);
    expect(web.summary).toBe(
      "30% of web tests anomalous in IQ on 18–21 Nov (450 measurements), ×6 the month's median",
    );
    const circ = ev.find((e) => e.kind === 'circumvention')!;
    expect(circ.figures).toMatchObject({
      measurement_count: 18,
      anomaly_count: 4,
      tests: { tor: { measurement_count: 10 }, psiphon: { measurement_count: 8 } },
    });
    const events = ev.find((e) => e.kind === 'outage_events')!;
    expect(events.figures).toMatchObject({
      event_count: 2,
      datasources: ['bgp', 'ping-slash24'],
      longest_duration_seconds: 7200,
      max_score: 12.5,
    });
    const signals = ev.find((e) => e.kind === 'signals')!;
    expect(signals.figures).toEqual({
      signals: { bgp: { points: 16, min: 40, median: 100, max: 100, drop_from_median: 0.6 } },
    });
    const annotations = ev.find((e) => e.kind === 'outage_annotations')!;
    expect(annotations.figures).toMatchObject({ count: 1 });
    expect(ev.find((e) => e.kind === 'traffic_anomalies')!.figures).toMatchObject({ count: 0 });
    expect(evidenceSegments(ev).map((s) => `${s.label}: ${s.text}`)).toEqual([
      "OONI: 30% of web tests anomalous in IQ on 18–21 Nov, ×6 the month's median; circumvention tests 22% anomalous",
      'IODA: 2 outage events (bgp −60%)',
      'Radar: 1 outage annotation, no traffic anomalies',
    ]);
  });

  it('asks each source once per country and day however many stories name them, then uses the cache', async () => {
    const s = service();
    const items = Array.from({ length: 25 }, (_, i) => item(i + 1));
    await Promise.all(items.map((it) => s.forItem(it)));
    // OONI: window, baseline, circumvention; IODA: events, signals. Radar is off without a token.
    expect(standin.requests).toHaveLength(5);
    await s.forItem(item(99));
    expect(standin.requests).toHaveLength(5);
    // Another process on the same archive: the cache is in the archive.
    await service().forItem(item(100));
    expect(standin.requests).toHaveLength(5);
    // A day later: days already final (three days past) come from the cache; recent ones,
    // whose measurements may still be arriving, are asked again with the new day.
    clock = new Date('2026-11-23T12:00:00Z');
    await s.forItem(item(101, { published: '2026-11-22T10:00:00Z' }));
    const window = standin.requests.slice(5).filter((r) => r.includes('test_name=web_connectivity&'));
    expect(window.map((r) => /since=([\d-]+)&until=([\d-]+)/.exec(r)!.slice(1).join('..'))).toEqual([
      '2026-11-20..2026-11-23',
      '2026-11-19..2026-11-20',
    ]);
  });

  it('asks OONI about a domain the story names', async () => {
    const ev = await service().forItem(
      item(1, { summary: 'Access to telegram.org was blocked.', published: '2026-11-19T09:00:00Z' }),
    );
    const dom = ev[0]!.evidence.find((e) => e.kind === 'web_connectivity_domain')!;
    expect(dom.figures).toMatchObject({
      domain: 'telegram.org',
      measurement_count: 20,
      anomaly_count: 16,
      confirmed_count: 2,
    });
    expect(standin.requests.some((r) => r.includes('domain=telegram.org'))).toBe(true);
  });

  it('shows a failing source as unavailable, not as zero, and keeps the others', async () => {
    standin.fail('ioda', 500);
    const ev = await service().forWindow('IQ', '2026-11-18', '2026-11-21');
    const events = ev.find((e) => e.kind === 'outage_events')!;
    expect(events.figures).toBeNull();
    expect(events.summary).toMatch(/^IODA unavailable for IQ on 18–21 Nov: HTTP 500/);
    expect(ev.find((e) => e.kind === 'web_connectivity')!.figures).not.toBeNull();
    const segments = evidenceSegments(ev);
    expect(segments.find((s) => s.label === 'IODA')!.text).toBe('source unavailable');
    expect(JSON.stringify(segments)).not.toMatch(/IODA[^·]*\b0 outage/);
  });

  it('backs off a source that answered 429 for as long as Retry-After says', async () => {
    standin.fail('ooni', 429, 120);
    const s = service();
    const first = await s.forWindow('IQ', '2026-11-18', '2026-11-21');
    expect(first.find((e) => e.kind === 'web_connectivity')!.summary).toMatch(/rate-limited \(429\)/);
    const ooniAsked = () => standin.requests.filter((r) => r.startsWith('/api/v1/')).length;
    expect(ooniAsked()).toBe(1);
    standin.clearFailures();
    clock = new Date(clock.getTime() + 60_000);
    const second = await s.forWindow('IQ', '2026-11-18', '2026-11-21');
    expect(ooniAsked()).toBe(1);
    expect(second.find((e) => e.kind === 'web_connectivity')!.figures).toBeNull();
    clock = new Date(clock.getTime() + 61_000);
    const third = await s.forWindow('IQ', '2026-11-18', '2026-11-21');
    expect(ooniAsked()).toBeGreaterThan(1);
    expect(third.find((e) => e.kind === 'web_connectivity')!.figures).toMatchObject({
      measurement_count: 450,
    });
  });

  it('keeps to the hourly request budget', async () => {
    const s = service({ hourlyBudget: 2 });
    const ev = await s.forWindow('IQ', '2026-11-18', '2026-11-21');
    expect(standin.requests).toHaveLength(2);
    expect(
      ev
        .filter((e) => e.figures === null)
        .map((e) => e.summary)
        .join('\n'),
    ).toMatch(/hourly request budget/);
  });
});
