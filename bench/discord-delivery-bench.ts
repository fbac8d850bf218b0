// Posts one digest to 1,000 channels (quick: 400) through the outbox worker and the Discord
// stand-in, which enforces Discord's documented limits: 50 requests per second per bot
// (global) and the create-message bucket per channel (5 per 5 s). Reports the wall time
// against the lower bound those limits allow, and how often any one request met a 429.
// Target: within 1.2× the bound, no request answered 429 more than once.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Digest } from '../src/digest/types.ts';
import { createDeliveryWorker } from '../src/delivery/worker.ts';
import { silentLogger } from '../src/log.ts';
import type { StoredItem, Target } from '../src/model.ts';
import { createDiscordRest, createDiscordSender } from '../src/platforms/discord/index.ts';
import { renderOutbound } from '../src/platforms/discord/sender.ts';
import { openStore } from '../src/store/index.ts';
import { startDiscordStandin } from '../test/support/discord-standin/index.ts';
import type { BenchReport } from './lib.ts';
import { runWhenMain } from './lib.ts';

const GLOBAL_PER_SECOND = 50;
const PER_CHANNEL = { limit: 5, windowMs: 5_000 };
const GUILD = '200000000000000001';

function item(id: number): StoredItem {
  return {
    id,
    guid: `g${id}`,
    title: `W3C and IETF publish note ${id} on web privacy and DNS encryption`,
    url: `https://example.org/news/${id}`,
    author: null,
    summary: '',
    published: '2026-11-25T09:00:00Z',
    publishedEstimated: false,
    lang: 'en',
    themes: ['standards'],
    regions: [],
    why: {},
    feedId: 'w3c',
    sourceName: 'W3C News',
    firstSeen: '2026-11-25T09:01:00Z',
    alertable: true,
    clusterId: id,
  };
}

function digest(): Digest {
  const items = Array.from({ length: 8 }, (_, k) => item(k + 1));
  return {
    target: null,
    title: 'Daily digest',
    since: '2026-11-24T08:00:00Z',
    until: '2026-11-25T08:00:00Z',
    sections: [{ theme: 'standards', entries: items.map((it) => ({ item: it, alsoReportedBy: [] })) }],
    totalStories: items.length,
    omitted: 0,
    moreQuery: null,
  };
}

/**
 * Fixed windows: `requests` need ceil(requests / limit) windows, and the last window's
 * requests can go at its start, so (windows - 1) full windows must pass.
 */
export function lowerBoundMs(channels: number, partsPerChannel: number): number {
  const total = channels * partsPerChannel;
  const globalBound = (Math.ceil(total / GLOBAL_PER_SECOND) - 1) * 1_000;
  const channelBound = (Math.ceil(partsPerChannel / PER_CHANNEL.limit) - 1) * PER_CHANNEL.windowMs;
  return Math.max(globalBound, channelBound);
}

export async function run(opts: { quick: boolean }): Promise<BenchReport> {
  const channels = opts.quick ? 400 : 1_000;
  const channelIds = Array.from({ length: channels }, (_, k) => String(320000000000000000n + BigInt(k)));
  const standin = await startDiscordStandin({
    guilds: [{ id: GUILD, name: 'bench', channels: channelIds.map((id, k) => ({ id, name: `c${k}` })) }],
    globalPerSecond: GLOBAL_PER_SECOND,
    messagesPerChannel: PER_CHANNEL,
  });
  const dir = mkdtempSync(join(tmpdir(), 'gw-discord-bench-'));
  const store = await openStore({ dbPath: join(dir, 'bench.sqlite'), databaseUrl: undefined });
  try {
    const d = digest();
    const parts = renderOutbound({ kind: 'digest', digest: d }).length;
    const targets: Target[] = channelIds.map((id) => ({
      platform: 'discord',
      channelId: id,
      workspaceId: GUILD,
      kind: 'channel',
    }));
    await store.enqueue(
      targets.map((t) => ({
        key: `digest:${t.channelId}:bench`,
        target: t,
        kind: 'digest',
        payload: { kind: 'digest', digest: d },
      })),
    );
    const logger = silentLogger();
    const sender = createDiscordSender({
      rest: createDiscordRest({
        token: standin.token,
        apiUrl: standin.apiUrl,
        globalRequestsPerSecond: GLOBAL_PER_SECOND,
      }),
      logger,
      globalRequestsPerSecond: GLOBAL_PER_SECOND,
    });
    const worker = createDeliveryWorker({
      store,
      senders: new Map([['discord', sender]]),
      owner: 'bench',
      logger,
      batch: 100,
      leaseMs: 10 * 60_000,
      // Enough sends queued to fill every global window; discord.js paces them.
      concurrency: 2 * GLOBAL_PER_SECOND,
    });

    // A long-running bot has warm connections; do one request, then let its rate-limit window
    // pass, so the run measures delivery rather than connection set-up.
    await sender.send(targets[0]!, { kind: 'text', text: 'warm-up' }, { idempotencyKey: 'bench-warm-up' });
    await new Promise((r) => setTimeout(r, 1_100));
    standin.requests.length = 0;
    standin.messages.clear();

    const started = performance.now();
    const startedAt = Date.now();
    let sent = 0;
    for (;;) {
      const r = await worker.runOnce();
      sent += r.sent;
      if (r.claimed === 0) break;
    }
    const elapsedMs = performance.now() - started;

    const posts = standin.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/messages'));
    const firstPost = Math.min(...posts.map((p) => p.at));
    const lastPost = Math.max(...posts.map((p) => p.at));
    const hits = [...standin.rateLimitHits.values()];
    const total429 = hits.reduce((a, b) => a + b, 0);
    const worst429 = hits.length ? Math.max(...hits) : 0;
    const perChannel = channelIds.map((id) => standin.messages.get(id)?.length ?? 0);
    const exact = perChannel.every((n) => n === parts);
    const bound = lowerBoundMs(channels, parts);
    const ratio = elapsedMs / bound;
    const ok = ratio <= 1.2 && worst429 <= 1 && exact && sent === channels;
    return {
      name: 'discord-delivery',
      lines: [
        `${channels} channels × ${parts} message(s), limits: ${GLOBAL_PER_SECOND} req/s global, ` +
          `${PER_CHANNEL.limit} per ${PER_CHANNEL.windowMs / 1000} s per channel`,
        `lower bound ${(bound / 1000).toFixed(2)} s; took ${(elapsedMs / 1000).toFixed(2)} s ` +
          `(first post after ${firstPost - startedAt} ms, first→last post ${((lastPost - firstPost) / 1000).toFixed(2)} s): ` +
          `${ratio.toFixed(3)}× the bound (target ≤ 1.2)`,
        `429 answers: ${total429} in all, at most ${worst429} for any one request (target ≤ 1)`,
        `delivered: ${sent}/${channels} outbox entries; every channel has the digest exactly once: ${exact ? 'yes' : 'NO'}`,
        `verdict: ${ok ? 'PASS' : 'FAIL'}`,
      ],
    };
  } finally {
    await store.close();
    await standin.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await runWhenMain(import.meta.url, run);
