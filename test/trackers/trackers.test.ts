// The trackers against a local stand-in serving answers written from each source's
// documented or described format (src/demo/tracker-fixtures.ts): changes detected once,
// reminders once across a restart, a changed page as a tracker error, deadline time zones,
// and a treaty reaching 40 ratifications.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  datatrackerDocument,
  datatrackerMeetings,
  datatrackerState,
  euInitiative,
  icannPage,
  lastCallFeed,
  treatyPage,
  treatyRows,
} from '../../src/demo/tracker-fixtures.ts';
import { startTrackerServer, type TrackerServer } from '../../src/demo/tracker-server.ts';
import { silentLogger } from '../../src/log.ts';
import type { Target } from '../../src/model.ts';
import { SHIPPED_EVENTS_FILE } from '../../src/paths.ts';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import type { Store } from '../../src/store/types.ts';
import { brusselsToUtc } from '../../src/trackers/eu-haveyoursay.ts';
import { loadEvents, parseEventsYaml, zonedMidnight } from '../../src/trackers/events.ts';
import { enqueueReminders } from '../../src/trackers/notices.ts';
import { pollTrackers, type TrackerPollDeps } from '../../src/trackers/poll.ts';
import { resolveReference } from '../../src/trackers/registry.ts';

const DRAFT = 'draft-ietf-example-widgets';
const channel: Target = { platform: 'discord', channelId: 'c1', workspaceId: 'g1', kind: 'channel' };
const DAY = 86_400_000;

let server: TrackerServer;
let dir: string;

beforeAll(async () => {
  server = await startTrackerServer({
    '/api/v1/doc/state/1/': { body: datatrackerState(1, 'Active', 'draft') },
    '/api/v1/doc/state/20/': { body: datatrackerState(20, 'AD Evaluation', 'draft-iesg') },
    '/api/v1/doc/state/21/': { body: datatrackerState(21, 'In Last Call', 'draft-iesg') },
  });
  dir = mkdtempSync(join(tmpdir(), 'gw-trackers-'));
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

function depsFor(store: Store, clock: { t: number }): TrackerPollDeps {
  const base = server.baseUrl;
  return {
    store,
    urls: { datatracker: base, untc: base, icann: base, eu: base },
    intervalMs: 60 * 60_000,
    fetch: { timeoutMs: 5_000 },
    eventsPath: null,
    logger: silentLogger(),
    now: () => new Date(clock.t),
  };
}

async function track(store: Store, ref: string, now: Date, reminderDays = [7, 1]): Promise<string> {
  const p = resolveReference(ref, { datatracker: '', untc: '', icann: '', eu: '' }, now);
  await store.trackers.upsert(p);
  await store.trackers.follow({ processId: p.id, target: channel, reminderDays, createdBy: 'u' });
  return p.id;
}

const texts = async (store: Store): Promise<string[]> =>
  (await store.listOutbox()).map((e) => (e.payload as { text: string }).text);

describe('IETF draft', () => {
  it('records the first state quietly, tells a change once, and reads the last call end as 23:59 UTC', async () => {
    const store = openSqliteStore(':memory:');
    const clock = { t: Date.parse('2026-12-01T10:00:00Z') };
    const deps = depsFor(store, clock);
    server.set(`/api/v1/doc/document/?name=${DRAFT}`, {
      body: datatrackerDocument({ name: DRAFT, title: 'Widgets', rev: '04', states: [1, 20] }),
    });
    const id = await track(store, `https://datatracker.ietf.org/doc/${DRAFT}/`, new Date(clock.t));
    expect(id).toBe(`ietf:${DRAFT}`);
    await pollTrackers(deps);
    const first = (await store.trackers.get(id))!;
    expect(first.state).toBe('I-D: Active; IESG: AD Evaluation (rev. 04)');
    expect(first.title).toBe(`${DRAFT}: Widgets`);
    expect(await store.listOutbox()).toHaveLength(0);

    server.set(`/api/v1/doc/document/?name=${DRAFT}`, {
      body: datatrackerDocument({ name: DRAFT, title: 'Widgets', rev: '05', states: [1, 21] }),
    });
    server.set('/feed/last-call/', {
      body: lastCallFeed([
        { name: 'draft-other', start: '2026-11-20', end: '2026-12-04' },
        { name: DRAFT, start: '2026-12-01', end: '2026-12-15' },
      ]),
    });
    clock.t += 2 * 60 * 60_000;
    const round = await pollTrackers(deps);
    expect(round).toMatchObject({ checked: 1, changed: 1, notices: 1 });
    const now = (await store.trackers.get(id))!;
    expect(now.state).toBe('I-D: Active; IESG: In Last Call (rev. 05)');
    expect(now.deadline).toBe('2026-12-15T23:59:00.000Z');
    expect(now.history.map((h) => h.state)).toHaveLength(2);

    // Nothing changed since (the stand-in answers 304): no second notice, however often.
    clock.t += 2 * 60 * 60_000;
    await pollTrackers(deps);
    clock.t += 2 * 60 * 60_000;
    await pollTrackers(deps, { force: true });
    const sent = await texts(store);
    expect(sent.filter((t) => t.startsWith('Tracked:'))).toHaveLength(1);
    expect(sent[0]).toContain('IESG: AD Evaluation (rev. 04) → I-D: Active; IESG: In Last Call (rev. 05)');
    expect(sent[0]).toContain('closes: Tue 15 Dec 2026, 23:59 UTC');
    await store.close();
  });
});

describe('IETF working group', () => {
  const atom = (entries: Array<[string, string]>): string =>
    `<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom"><title>Changes for tls</title>` +
    `<id>https://datatracker.ietf.org/group/tls/</id><updated>2026-12-01T00:00:00Z</updated>` +
    entries
      .map(
        ([title, at], i) =>
          `<entry><title>${title}</title><id>urn:x:${i}:${at}</id><updated>${at}</updated>` +
          `<link href="https://datatracker.ietf.org/group/tls/history/"/></entry>`,
      )
      .join('') +
    `</feed>`;

  it("follows the group's newest change and tells a new one once", async () => {
    const store = openSqliteStore(':memory:');
    const clock = { t: Date.parse('2026-12-01T00:00:00Z') };
    const deps = depsFor(store, clock);
    server.set('/feed/group-changes/tls/', { body: atom([['Milestone added', '2026-11-20T10:00:00Z']]) });
    const id = await track(store, 'wg:tls', new Date(clock.t));
    await pollTrackers(deps);
    expect((await store.trackers.get(id))!.state).toBe('Milestone added (2026-11-20)');
    server.set('/feed/group-changes/tls/', {
      body: atom([
        ['Charter updated', '2026-12-01T09:00:00Z'],
        ['Milestone added', '2026-11-20T10:00:00Z'],
      ]),
    });
    clock.t += 2 * 60 * 60_000;
    expect((await pollTrackers(deps)).notices).toBe(1);
    clock.t += 2 * 60 * 60_000;
    expect((await pollTrackers(deps)).notices).toBe(0);
    expect((await texts(store))[0]).toContain('Milestone added (2026-11-20) → Charter updated (2026-12-01)');
    await store.close();
  });
});

describe('reminders', () => {
  it('sends each reminder once, also after a restart, and only the nearest one', async () => {
    const path = join(dir, 'reminders.db');
    let store = openSqliteStore(path);
    const deadline = '2026-12-20T23:59:00.000Z';
    const id = await track(store, 'icann:example-proceeding', new Date('2026-12-01T00:00:00Z'));
    const p = (await store.trackers.get(id))!;
    await store.trackers.upsert({ ...p, state: 'open for comment', deadline, history: [] });

    expect(await enqueueReminders(store, new Date(Date.parse(deadline) - 8 * DAY))).toBe(0);
    expect(await enqueueReminders(store, new Date(Date.parse(deadline) - 6 * DAY))).toBe(1);
    await store.close();
    store = openSqliteStore(path); // a restart
    expect(await enqueueReminders(store, new Date(Date.parse(deadline) - 5 * DAY))).toBe(0);
    expect(await enqueueReminders(store, new Date(Date.parse(deadline) - DAY / 2))).toBe(1);
    expect(await enqueueReminders(store, new Date(Date.parse(deadline) - DAY / 4))).toBe(0);
    expect(await enqueueReminders(store, new Date(Date.parse(deadline) + 1))).toBe(0);
    const sent = await texts(store);
    expect(sent).toHaveLength(2);
    expect(sent[0]).toMatch(
      /^Reminder: ICANN public comment: example-proceeding closes in 6 days, Sun 20 Dec 2026, 23:59 UTC/,
    );
    expect(sent[1]).toMatch(/closes in 1 day,/);
    await store.close();
  });
});

describe('UN Treaty Collection', () => {
  const PAGE = '/Pages/ViewDetails.aspx';

  it('counts toward 40 ratifications and announces entry into force at the 40th, once', async () => {
    const store = openSqliteStore(':memory:');
    const clock = { t: Date.parse('2026-12-01T00:00:00Z') };
    const deps = depsFor(store, clock);
    server.set(PAGE, { body: treatyPage(treatyRows(72, 39)) });
    const id = await track(store, 'cybercrime', new Date(clock.t));
    expect(id).toBe('untc:XVIII-16');
    await pollTrackers(deps);
    expect((await store.trackers.get(id))!.state).toBe(
      '72 signatories, 39 parties of 40 needed for entry into force',
    );
    expect((await store.trackers.get(id))!.deadline).toBeNull();

    // Country 40 ratifies on 2026-02-13 (rows ratify on consecutive days from 5 January).
    server.set(PAGE, { body: treatyPage(treatyRows(72, 40)) });
    clock.t += DAY;
    const round = await pollTrackers(deps);
    expect(round.notices).toBe(1);
    const p = (await store.trackers.get(id))!;
    expect(p.deadline).toBe('2026-05-14T00:00:00.000Z');
    expect(p.state).toBe('72 signatories, 40 parties; enters into force 2026-05-14');
    const [notice] = await texts(store);
    expect(notice).toContain('ratified by Country 40 (2026-02-13)');
    expect(notice).toContain(
      '40th ratification (Country 40, 2026-02-13): enters into force on 2026-05-14, 90 days later',
    );
    clock.t += DAY;
    await pollTrackers(deps, { force: true });
    expect(await store.listOutbox()).toHaveLength(1);
    await store.close();
  });

  it('a page that lost its participants table is a tracker error, not a crash or zero parties', async () => {
    const store = openSqliteStore(':memory:');
    const clock = { t: Date.parse('2026-12-01T00:00:00Z') };
    const deps = depsFor(store, clock);
    server.set(PAGE, { body: treatyPage(treatyRows(3, 1)) });
    const id = await track(store, 'XVIII-16', new Date(clock.t));
    await pollTrackers(deps);
    server.set(PAGE, { body: '<html><body><p>The site is being redesigned.</p></body></html>' });
    clock.t += DAY;
    const round = await pollTrackers(deps);
    expect(round.errors).toEqual([
      { id, error: 'page changed: no table of participants, signatures and ratifications' },
    ]);
    const p = (await store.trackers.get(id))!;
    expect(p.state).toBe('3 signatories, 1 parties of 40 needed for entry into force');
    expect(p.fetch).toMatchObject({
      consecutiveFailures: 1,
      lastError: expect.stringMatching(/^page changed/),
    });
    expect(Date.parse(p.fetch.nextCheckAt!)).toBeGreaterThan(clock.t);
    expect(await store.listOutbox()).toHaveLength(0);
    await store.close();
  });
});

describe('deadline time zones', () => {
  it('ICANN closes at 23:59 UTC on the close date', async () => {
    const store = openSqliteStore(':memory:');
    const clock = { t: Date.parse('2026-12-01T00:00:00Z') };
    server.set('/en/public-comment/proceeding/root-zone-labels-01-12-2026', {
      // Navigation text that says "closes" before the labelled dates must not confuse the parser.
      body: icannPage({ title: 'Root Zone Labels', opens: '2026-11-20', closes: '2027-01-12' }).replace(
        '<main>',
        '<nav>What opens and closes this month</nav><main>',
      ),
    });
    const id = await track(
      store,
      'https://www.icann.org/en/public-comment/proceeding/root-zone-labels-01-12-2026',
      new Date(clock.t),
    );
    await pollTrackers(depsFor(store, clock));
    expect(await store.trackers.get(id)).toMatchObject({
      title: 'Root Zone Labels',
      state: 'open for comment',
      deadline: '2027-01-12T23:59:00.000Z',
    });
    await store.close();
  });

  it('"Have your say" end dates are Brussels time, winter and summer', async () => {
    expect(brusselsToUtc('2027/01/20 23:59:59')).toBe('2027-01-20T22:59:59.000Z');
    expect(brusselsToUtc('2027/07/20 23:59:59')).toBe('2027-07-20T21:59:59.000Z');
    expect(brusselsToUtc('20.07.2027')).toBeNull();
    const store = openSqliteStore(':memory:');
    const clock = { t: Date.parse('2026-12-01T00:00:00Z') };
    server.set('/brpapi/groupInitiatives/14460', {
      body: euInitiative({ id: 14460, shortTitle: 'Digital fairness', endDate: '2027/01/20 23:59:59' }),
    });
    const id = await track(
      store,
      'https://ec.europa.eu/info/law/better-regulation/have-your-say/initiatives/14460-digital-fairness_en',
      new Date(clock.t),
    );
    await pollTrackers(depsFor(store, clock));
    expect(await store.trackers.get(id)).toMatchObject({
      title: 'Digital fairness',
      state: 'open for feedback',
      deadline: '2027-01-20T22:59:59.000Z',
    });
    await store.close();
  });

  it('a meeting opens at midnight in its own zone', () => {
    expect(zonedMidnight('2026-11-09', 'Asia/Qatar')).toBe('2026-11-08T21:00:00.000Z');
    expect(zonedMidnight('2026-11-14', 'America/Los_Angeles')).toBe('2026-11-14T08:00:00.000Z');
  });
});

describe('IETF meetings from the Datatracker', () => {
  it('become meetings opening at midnight in their zone, read at most once per interval', async () => {
    const store = openSqliteStore(':memory:');
    const clock = { t: Date.parse('2026-12-01T00:00:00Z') };
    server.set('/api/v1/meeting/meeting/', {
      body: datatrackerMeetings([
        { number: '128', date: '2027-03-20', city: 'Example City', country: 'JP', timeZone: 'Asia/Tokyo' },
      ]),
    });
    const before = server.requests.filter((r) => r.startsWith('/api/v1/meeting/')).length;
    const deps = { ...depsFor(store, clock), ietfMeetings: true };
    await pollTrackers(deps);
    await pollTrackers(deps);
    expect(server.requests.filter((r) => r.startsWith('/api/v1/meeting/')).length - before).toBe(1);
    expect(await store.trackers.get('event:ietf-128')).toMatchObject({
      title: 'IETF 128',
      kind: 'event',
      state: 'scheduled',
      deadline: '2027-03-19T15:00:00.000Z',
      details: { place: 'Example City, JP', start: '2027-03-20', end: '2027-03-26' },
    });
    await store.close();
  });
});

describe("consultations matching the operator's keywords", () => {
  it('are found in "Have your say" and ICANN once per interval and then polled like any process', async () => {
    const store = openSqliteStore(':memory:');
    const clock = { t: Date.parse('2026-12-01T00:00:00Z') };
    server.set('/brpapi/searchInitiatives', {
      body: JSON.stringify({
        initiativeResultDtoPage: {
          content: [{ id: 15001.0, shortTitle: 'Encryption and lawful access' }],
          totalElements: 1,
          last: true,
        },
      }),
    });
    server.set('/brpapi/groupInitiatives/15001', {
      body: euInitiative({
        id: 15001,
        shortTitle: 'Encryption and lawful access',
        endDate: '2027/02/10 23:59:59',
      }),
    });
    server.set('/en/public-comment', {
      body:
        '<ul><li><a href="/en/public-comment/proceeding/dns-encryption-study-10-01-2027">DNS Encryption Study</a></li>' +
        '<li><a href="/en/public-comment/proceeding/budget-fy28">Draft FY28 Budget</a></li></ul>',
    });
    server.set('/en/public-comment/proceeding/dns-encryption-study-10-01-2027', {
      body: icannPage({ title: 'DNS Encryption Study', opens: '2026-11-25', closes: '2027-01-10' }),
    });
    const deps = { ...depsFor(store, clock), consultationKeywords: ['encryption'] };
    const round = await pollTrackers(deps);
    expect(round.errors).toEqual([]);
    expect((await store.trackers.list()).map((p) => [p.id, p.deadline])).toEqual([
      ['icann:dns-encryption-study-10-01-2027', '2027-01-10T23:59:00.000Z'],
      ['eu:15001', '2027-02-10T22:59:59.000Z'],
    ]);
    const asked = server.requests.filter((r) => r === '/en/public-comment').length;
    clock.t += 60_000;
    await pollTrackers(deps);
    expect(server.requests.filter((r) => r === '/en/public-comment').length).toBe(asked);
    await store.close();
  });
});

describe('events file', () => {
  it('the shipped file is valid', () => {
    expect(loadEvents(SHIPPED_EVENTS_FILE).length).toBeGreaterThan(0);
  });

  it('reports every problem with its line', () => {
    const text = [
      'events:',
      '  - id: ok-one',
      '    name: A',
      '    organiser: ITU',
      '    start: 2027-03-01',
      '    end: 2027-02-01',
      '    timezone: Mars/Olympus',
      '    place: Geneva',
      '    url: ftp://x',
      '    themes: [cats]',
      '    colour: red',
    ].join('\n');
    let message = '';
    try {
      parseEventsYaml(text, 'events.yaml');
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('events.yaml: 5 problems in the events file');
    expect(message).toContain('events.yaml:11:5: event "ok-one": unknown field "colour"');
    expect(message).toContain('events.yaml:6:10: event "ok-one": "end" is before "start"');
    expect(message).toContain('"Mars/Olympus" is not an IANA time zone');
    expect(message).toContain('url must be http(s)');
    expect(message).toContain('themes must be a list of theme ids');
  });
});

describe('references', () => {
  it('understands drafts, groups, treaties, ICANN and EU pages, and refuses the rest', () => {
    const urls = { datatracker: '', untc: '', icann: '', eu: '' };
    const now = new Date();
    expect(resolveReference('draft-ietf-tls-esni-22', urls, now).id).toBe('ietf:draft-ietf-tls-esni');
    expect(resolveReference('wg:tls', urls, now).id).toBe('ietf-group:tls');
    expect(
      resolveReference(
        'https://treaties.un.org/Pages/ViewDetails.aspx?src=TREATY&mtdsg_no=XVIII-16&chapter=18',
        urls,
        now,
      ).id,
    ).toBe('untc:XVIII-16');
    expect(resolveReference('eu:14460', urls, now).kind).toBe('eu-consultation');
    expect(() => resolveReference('https://example.org/x', urls, now)).toThrow(
      /not something govwatch can track/,
    );
  });
});
