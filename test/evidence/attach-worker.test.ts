import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { country } from '../../commands/country.ts';
import { evidence as evidenceCommand } from '../../commands/evidence.ts';
import type { CommandContext } from '../../src/chat/types.ts';
import { loadConfig, type EvidenceConfig } from '../../src/config.ts';
import { startEvidenceStandin, type EvidenceStandin } from '../../src/demo/evidence-server.ts';
import { withEvidence } from '../../src/evidence/attach.ts';
import { EvidenceService } from '../../src/evidence/service.ts';
import { createEvidenceWorker } from '../../src/evidence/worker.ts';
import { silentLogger } from '../../src/log.ts';
import type { StoredItem, ThemeId } from '../../src/model.ts';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import type { Store } from '../../src/store/types.ts';
import { digestOf } from '../support/digests.ts';
import { iraqFixture } from './fixture.ts';

let standin: EvidenceStandin;
let store: Store;
const now = () => new Date('2026-11-22T12:00:00Z');

function config(): EvidenceConfig {
  return {
    attach: true,
    hourlyBudget: 100,
    ooniUrl: standin.baseUrl,
    iodaUrl: standin.baseUrl,
    radarUrl: standin.baseUrl,
    cloudflareToken: undefined,
  };
}

function item(
  id: number,
  themes: ThemeId[],
  regions: string[],
  published = '2026-11-21T09:00:00Z',
): StoredItem {
  return {
    id,
    feedId: 'f',
    sourceName: 'Source',
    guid: `g${id}`,
    title: `Story ${id}`,
    url: `https://news.example/${id}`,
    author: null,
    summary: '',
    published,
    publishedEstimated: false,
    lang: 'en',
    themes,
    regions,
    why: {},
    firstSeen: published,
    alertable: true,
    clusterId: null,
  };
}

beforeEach(async () => {
  standin = await startEvidenceStandin(iraqFixture());
  store = await openSqliteStore(':memory:');
});
afterEach(async () => {
  await store.close();
  await standin.close();
});

describe('evidence attached to what is sent', () => {
  it('the background worker asks once per country and day for many stories; sending then uses the cache', async () => {
    const service = new EvidenceService({ store, config: config(), now });
    const worker = createEvidenceWorker(service, silentLogger(), now);
    const iraq = Array.from({ length: 30 }, (_, i) => item(i + 1, ['shutdowns'], ['IQ']));
    const russia = Array.from({ length: 5 }, (_, i) => item(100 + i, ['censorship'], ['RU', 'EU']));
    worker.enqueue([...iraq, ...russia, item(200, ['encryption'], ['IQ']), item(201, ['shutdowns'], [])]);
    await worker.idle();
    // Five questions (OONI window, baseline, circumvention; IODA events, signals) per country.
    expect(standin.requests).toHaveLength(10);
    expect(standin.requests.filter((r) => r.includes('probe_cc=RU'))).toHaveLength(3);

    const digest = digestOf([iraq[0]!, russia[0]!, item(200, ['encryption'], ['IQ'])]);
    const sent = await withEvidence({ kind: 'digest', digest }, service);
    expect(standin.requests).toHaveLength(10);
    if (sent.kind !== 'digest') throw new Error('not a digest');
    const entries = sent.digest.sections.flatMap((s) => s.entries);
    const byId = new Map(entries.map((e) => [e.item.id, e.evidence]));
    expect(byId.get(1)?.[0]?.segments.map((s) => s.label)).toEqual(['OONI', 'IODA']);
    expect(byId.get(1)?.[0]?.segments[0]?.text).toBe(
      "26% of web tests anomalous in IQ on 19–21 Nov, ×5.2 the month's median; circumvention tests 0% anomalous",
    );
    expect(byId.get(100)).toEqual([
      {
        country: 'RU',
        segments: [
          expect.objectContaining({ label: 'OONI', text: 'no web measurements from RU on 19–21 Nov' }),
          expect.objectContaining({ label: 'IODA', text: 'no outage events' }),
        ],
      },
    ]);
    expect(byId.get(200)).toBeUndefined();
    await worker.stop();
  });

  it('a source that does not answer in time does not hold the message back', async () => {
    const hanging = new EvidenceService({
      store,
      config: config(),
      now,
      fetch: () => new Promise<Response>(() => {}),
    });
    const message = { kind: 'alert' as const, item: item(1, ['shutdowns'], ['IQ']), subscriptionId: 1 };
    expect(await withEvidence(message, hanging, undefined, 50)).toBe(message);
  });
});

describe('/evidence and /country', () => {
  function ctx(options: Record<string, string>): CommandContext {
    const base = loadConfig({});
    return {
      store,
      config: { ...base, evidence: config() },
      logger: silentLogger(),
      caller: { id: 'U1', name: 'u', isAdmin: false },
      where: { platform: 'discord', channelId: 'C', workspaceId: 'G', kind: 'channel' },
      subcommand: null,
      options,
      now: now(),
    };
  }

  it('say plainly when a story gets no evidence, and refuse what is not a country', async () => {
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
    const { added } = await store.addItems('f', [{ ...item(1, ['encryption'], ['IQ']), guid: 'a' }], {
      alertable: () => true,
    });
    const reply = await evidenceCommand.run(ctx({ item: String(added[0]!.id) }));
    expect(JSON.stringify(reply.blocks)).toContain(
      'No evidence: measurements are looked up for stories tagged shutdowns or censorship',
    );
    expect(standin.requests).toEqual([]);
    await expect(country.run(ctx({ code: 'Iraq' }))).rejects.toThrow('is not a country code');
    await expect(country.run(ctx({ code: 'EU' }))).rejects.toThrow('is not a country code');
  });
});
