// The trackers part of `govwatch demo`: recorded-style answers of the Datatracker, the UN
// Treaty Collection, ICANN and "Have your say" (src/demo/tracker-fixtures.ts) served on
// 127.0.0.1; the terminal tracks four processes, a second poll finds a draft in last call
// and the Convention against Cybercrime at its 40th ratification.
import type { Config } from '../config.ts';
import { silentLogger } from '../log.ts';
import { CONSOLE_TARGET } from '../platforms/console/index.ts';
import type { Store } from '../store/types.ts';
import { upcomingDeadlines } from '../trackers/deadlines.ts';
import { track } from '../trackers/follow.ts';
import { deadlineVerb, formatDeadline } from '../trackers/notices.ts';
import { pollTrackers } from '../trackers/poll.ts';
import {
  datatrackerDocument,
  datatrackerState,
  euInitiative,
  icannPage,
  lastCallFeed,
  treatyPage,
  treatyRows,
} from './tracker-fixtures.ts';
import { startTrackerServer } from './tracker-server.ts';

export const DEMO_DRAFT = 'draft-ietf-demo-consent-signals';
const ICANN_SLUG = 'demo-registration-data-policy';
const EU_ID = 99001;

const day = (now: Date, d: number): string =>
  new Date(now.getTime() + d * 86_400_000).toISOString().slice(0, 10);
/** Brussels "YYYY/MM/DD 23:59:59" `d` days from now. */
const brussels = (now: Date, d: number): string => `${day(now, d).replace(/-/g, '/')} 23:59:59`;

export async function runTrackerDemo(
  store: Store,
  config: Config,
  now: Date,
  out: (line: string) => void,
): Promise<void> {
  const server = await startTrackerServer({
    '/api/v1/doc/state/1/': { body: datatrackerState(1, 'Active', 'draft') },
    '/api/v1/doc/state/20/': { body: datatrackerState(20, 'AD Evaluation', 'draft-iesg') },
    '/api/v1/doc/state/21/': { body: datatrackerState(21, 'In Last Call', 'draft-iesg') },
    [`/api/v1/doc/document/?name=${DEMO_DRAFT}`]: {
      body: datatrackerDocument({
        name: DEMO_DRAFT,
        title: 'Consent Signals over HTTP',
        rev: '03',
        states: [1, 20],
      }),
    },
    // 39 of the 40 instruments the Convention needs, ratified over the past months.
    '/Pages/ViewDetails.aspx': { body: treatyPage(treatyRows(74, 39, day(now, -60))) },
    [`/en/public-comment/proceeding/${ICANN_SLUG}`]: {
      body: icannPage({
        title: 'Registration Data Policy Amendments',
        opens: day(now, -30),
        closes: day(now, 5),
      }),
    },
    [`/brpapi/groupInitiatives/${EU_ID}`]: {
      body: euInitiative({ id: EU_ID, shortTitle: 'Digital Fairness Act', endDate: brussels(now, 20) }),
    },
  });
  try {
    const demoConfig: Config = {
      ...config,
      trackers: {
        urls: {
          datatracker: server.baseUrl,
          untc: server.baseUrl,
          icann: server.baseUrl,
          eu: server.baseUrl,
        },
        eventsPath: config.trackers?.eventsPath ?? '',
        intervalMs: 60 * 60_000,
        reminderDays: [7, 1],
        consultationKeywords: [],
      },
    };
    out(`\n== Trackers (recorded answers served at ${server.baseUrl})`);
    for (const ref of [
      DEMO_DRAFT,
      'cybercrime',
      `https://www.icann.org/en/public-comment/proceeding/${ICANN_SLUG}`,
      `https://ec.europa.eu/info/law/better-regulation/have-your-say/initiatives/${EU_ID}`,
    ])
      await track(store, demoConfig, { ref, target: CONSOLE_TARGET, createdBy: 'demo', now });
    let clock = now.getTime();
    const deps = {
      store,
      urls: demoConfig.trackers!.urls,
      intervalMs: 60 * 60_000,
      fetch: { timeoutMs: 10_000 },
      eventsPath: demoConfig.trackers!.eventsPath || null,
      logger: silentLogger(),
      now: () => new Date(clock),
    };
    const first = await pollTrackers(deps);
    for (const p of await store.trackers.list()) if (p.source !== 'events') out(`  ${p.title}: ${p.state}`);
    out(`  first check: ${first.checked} processes, ${first.errors.length} errors`);

    // Later that day: the draft enters last call, a 40th state ratifies.
    server.set(`/api/v1/doc/document/?name=${DEMO_DRAFT}`, {
      body: datatrackerDocument({
        name: DEMO_DRAFT,
        title: 'Consent Signals over HTTP',
        rev: '04',
        states: [1, 21],
      }),
    });
    server.set('/feed/last-call/', {
      body: lastCallFeed([{ name: DEMO_DRAFT, start: day(now, 0), end: day(now, 10) }]),
    });
    server.set('/Pages/ViewDetails.aspx', { body: treatyPage(treatyRows(74, 40, day(now, -39))) });
    clock += 2 * 60 * 60_000;
    const second = await pollTrackers(deps);
    out(`  second check: ${second.changed} changed, ${second.reminders} reminder(s) due`);
    out('\n== State changes and reminders (queued for the terminal, once)');
    for (const e of await store.listOutbox({ targetKey: 'console::channel:terminal' })) {
      const text = (e.payload as { text?: string }).text;
      if (text) out(`  ${text.split('\n').join('\n    ')}`);
    }
    out('\n== Deadlines, next 30 days (govwatch deadlines)');
    for (const p of await upcomingDeadlines(store, { now: new Date(clock) }))
      out(`  ${formatDeadline(p.deadline!)}  ${p.title} ${deadlineVerb(p)}  (${p.state})`);
  } finally {
    await server.close();
  }
}
