// `govwatch demo`: the whole loop offline. Serve the sample feeds on 127.0.0.1, poll them
// into a temporary archive, then show what was stored, searches and a digest.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { syncSources } from '../archive.ts';
import type { Config } from '../config.ts';
import { readFileSync } from 'node:fs';
import { startEvidenceStandin, type EvidenceFixture } from '../demo/evidence-server.ts';
import { startSampleServer } from '../demo/sample-server.ts';
import { withEvidence } from '../evidence/attach.ts';
import { EvidenceService } from '../evidence/service.ts';
import { runTrackerDemo } from '../demo/trackers.ts';
import { buildDigest } from '../digest/build.ts';
import { renderText } from '../digest/render.ts';
import { pollFeeds } from '../ingest/poll.ts';
import { silentLogger } from '../log.ts';
import { SAMPLES_DIR, SHIPPED_EVENTS_FILE } from '../paths.ts';
import { createPollDeps } from '../pipeline.ts';
import { loadSampleIndex, sampleSources } from '../sources/samples.ts';
import { openStore } from '../store/index.ts';
import { itemLine, out, snippetText } from './output.ts';

const DEMO_SEARCHES = [
  { text: 'cybercrime convention' },
  { text: 'internet shutdown', themes: ['shutdowns' as const] },
  { text: 'блокировка' },
  { text: '审查' },
];

function emptyTrackers(): NonNullable<Config['trackers']> {
  return {
    urls: { datatracker: '', untc: '', icann: '', eu: '' },
    eventsPath: '',
    intervalMs: 3_600_000,
    reminderDays: [7, 1],
    consultationKeywords: [],
  };
}

export async function runDemo(config: Config, opts: { keep?: string }): Promise<void> {
  const tmp = opts.keep ? null : mkdtempSync(join(tmpdir(), 'govwatch-demo-'));
  const dbPath = opts.keep ?? join(tmp!, 'demo.db');
  const index = loadSampleIndex(SAMPLES_DIR);
  const server = await startSampleServer(index);
  // The demo's feeds live on 127.0.0.1 and every sample item should show up in the digest.
  const demoConfig: Config = {
    ...config,
    dbPath,
    databaseUrl: undefined,
    allowPrivateUrls: true,
    newOnFirstPoll: 1000,
  };
  const store = await openStore(demoConfig);
  try {
    out(`govwatch demo: serving ${index.samples.length} sample feeds at ${server.baseUrl}`);
    out(`archive: ${dbPath}${tmp ? ' (temporary)' : ''}`);
    await syncSources(store, sampleSources(index, server.baseUrl));
    const deps = createPollDeps({ store, config: demoConfig, logger: silentLogger(), owner: 'demo' });
    const summary = await pollFeeds(deps, { all: true });

    out('\n== Stored');
    const feeds = new Map((await store.listFeeds()).map((f) => [f.id, f]));
    for (const r of summary.feeds) {
      const f = feeds.get(r.feedId);
      out(
        r.status === 'failed'
          ? `  ${r.feedId}: FAILED ${r.error}`
          : `  ${r.feedId}: ${r.added} items (${f?.language ?? '?'}${f?.state.feedTitle ? `, "${f.state.feedTitle}"` : ''})`,
      );
    }
    out(
      `  total: ${await store.countItems()} items from ${summary.feeds.length} feeds, ${summary.failed} failed`,
    );
    const again = await pollFeeds(deps, { all: true });
    out(
      `  polled again: ${again.added} new, ${again.feeds.filter((f) => f.status === 'not-modified').length} answered 304`,
    );

    out('\n== Newest items');
    for (const item of await store.listItems({ order: 'id-desc', limit: 8 })) out(`  ${itemLine(item)}`);

    for (const q of DEMO_SEARCHES) {
      const result = await store.search({ ...q, limit: 3 });
      out(
        `\n== govwatch search "${q.text}"${q.themes ? ` --theme ${q.themes.join(',')}` : ''}: ${result.total} result(s)`,
      );
      for (const hit of result.hits) {
        out(`  ${itemLine(hit.item)}`);
        if (hit.snippet.length) out(`      ${snippetText(hit.snippet)}`);
      }
    }

    const now = new Date();
    // Trackers run on the demo's own stand-in whatever GOVWATCH_TRACKERS says: nothing leaves 127.0.0.1.
    await runTrackerDemo(
      store,
      {
        ...demoConfig,
        trackers: { ...(config.trackers ?? emptyTrackers()), eventsPath: SHIPPED_EVENTS_FILE },
      },
      now,
      out,
    );
    const digest = await buildDigest(store, {
      target: null,
      filters: [],
      seenSince: new Date(now.getTime() - 3_600_000).toISOString(),
      now,
      cap: 12,
      title: 'govwatch demo digest',
      agendaDays: 14,
    });
    // Evidence under the shutdown story, from recorded OONI and IODA answers served on
    // 127.0.0.1 (whatever GOVWATCH_EVIDENCE says: nothing leaves this machine).
    const fixture = JSON.parse(readFileSync(join(SAMPLES_DIR, 'evidence.json'), 'utf8')) as EvidenceFixture;
    const evidenceServer = await startEvidenceStandin(fixture);
    let shown = digest;
    try {
      const service = new EvidenceService({
        store,
        config: {
          attach: true,
          hourlyBudget: 60,
          ooniUrl: evidenceServer.baseUrl,
          iodaUrl: evidenceServer.baseUrl,
          radarUrl: evidenceServer.baseUrl,
          cloudflareToken: undefined,
        },
      });
      const sent = await withEvidence({ kind: 'digest', digest }, service);
      if (sent.kind === 'digest') shown = sent.digest;
      out(`\n== Evidence: recorded OONI and IODA answers served at ${evidenceServer.baseUrl}`);
    } finally {
      await evidenceServer.close();
    }
    out('\n== Digest');
    out(renderText(shown, { timeZone: config.timezone }));
    out('\nNext: `node bin/govwatch.js poll` polls the real sources in feeds/sources.yaml; see README.md.');
  } finally {
    await store.close();
    await server.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }
}
