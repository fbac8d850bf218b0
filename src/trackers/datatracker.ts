// IETF Datatracker: documented JSON API and Atom feeds (https://datatracker.ietf.org/api/).
//
// Verified against the public source of the Datatracker (github.com/ietf-tools/datatracker,
// read through the code index; nothing fetched live):
// - /api/v1/doc/document/?name=<draft>&format=json is the Tastypie list endpoint
//   ({meta, objects: [...]}) over the Document model: `name`, `title`, `rev`, `expires`,
//   `states` (resource URIs such as /api/v1/doc/state/<id>/).
// - /api/v1/doc/state/<id>/ gives the state's `name`, `slug` and `type`
//   (/api/v1/doc/statetype/draft-iesg/, draft-stream-ietf/, draft/ …).
// - /feed/last-call/ (ietf/doc/feeds.py InLastCallFeed) is Atom; each entry is titled
//   "<name> (<F j> - <F j, Y>)", the second date being the last call's `expires`.
// - /feed/group-changes/<acronym>/ is Atom, newest first.
// The last call's end is a date only; the Datatracker keeps times in UTC, so the deadline
// is read as the end of that day, 23:59 UTC.
import { parseFeed } from '../ingest/parse.ts';
import { type Observation, type TrackerModule } from './module.ts';
import { PageChangedError, findDate, parseJson } from './io.ts';

const DRAFT_RE = /^draft-[a-z0-9][a-z0-9-]{2,120}$/;
const GROUP_RE = /^[a-z0-9][a-z0-9-]{1,30}$/;

/** Names of state URIs are fixed, so they are fetched once per process lifetime. */
const stateNames = new Map<string, { name: string; type: string }>();

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

export function draftName(ref: string): string | null {
  const m = /datatracker\.ietf\.org\/doc\/([^/?#]+)/.exec(ref);
  const name = (m?.[1] ?? ref)
    .trim()
    .toLowerCase()
    .replace(/-\d{2}$/, '');
  return DRAFT_RE.test(name) ? name : null;
}

export function groupAcronym(ref: string): string | null {
  const m =
    /^(?:wg|group):([a-z0-9-]+)$/i.exec(ref.trim()) ??
    /datatracker\.ietf\.org\/(?:wg|group)\/([^/?#]+)/.exec(ref);
  const acronym = m?.[1]?.toLowerCase();
  return acronym && GROUP_RE.test(acronym) ? acronym : null;
}

function record(v: unknown): Record<string, unknown> | null {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

const STATE_LABELS: Record<string, string> = {
  'draft-iesg': 'IESG',
  'draft-stream-ietf': 'WG',
  draft: 'I-D',
  'draft-iana-review': 'IANA',
  'draft-rfceditor': 'RFC Editor',
};

export const draftTracker: TrackerModule = {
  source: 'datatracker',
  async observe(p, io): Promise<Observation | null> {
    const name = p.id.replace(/^ietf:/, '');
    const base = trimSlash(io.urls.datatracker);
    const text = await io.main(`${base}/api/v1/doc/document/?name=${encodeURIComponent(name)}&format=json`);
    if (text === null) return null;
    const answer = record(parseJson(text, 'the Datatracker document answer'));
    const objects = answer?.objects;
    if (!Array.isArray(objects)) throw new PageChangedError('the Datatracker answer has no `objects` list');
    const doc = record(objects[0]);
    if (!doc) throw new PageChangedError(`the Datatracker knows no document named ${name}`);
    if (typeof doc.title !== 'string' || !Array.isArray(doc.states))
      throw new PageChangedError('a Datatracker document lacks `title` or `states`');
    const labels: string[] = [];
    let inLastCall = false;
    for (const uri of doc.states) {
      if (typeof uri !== 'string' || !uri.startsWith('/api/v1/doc/state/')) continue;
      let known = stateNames.get(uri);
      if (!known) {
        const st = record(parseJson(await io.get(`${base}${uri}?format=json`), 'a Datatracker state'));
        if (!st || typeof st.name !== 'string')
          throw new PageChangedError('a Datatracker state has no `name`');
        const type = typeof st.type === 'string' ? (st.type.split('/').filter(Boolean).pop() ?? '') : '';
        known = { name: st.name, type };
        stateNames.set(uri, known);
      }
      const label = STATE_LABELS[known.type];
      if (!label) continue;
      labels.push(`${label}: ${known.name}`);
      if (known.type === 'draft-iesg' && /last call/i.test(known.name) && !/requested/i.test(known.name))
        inLastCall = true;
    }
    const order = ['I-D', 'WG', 'IESG', 'IANA', 'RFC Editor'];
    labels.sort((a, b) => order.indexOf(a.split(':')[0]!) - order.indexOf(b.split(':')[0]!));
    const rev = typeof doc.rev === 'string' ? doc.rev : null;
    let deadline: string | null = null;
    if (inLastCall) {
      const feed = parseFeed(await io.get(`${base}/feed/last-call/`), { now: io.now });
      const entry = feed.items.find((i) => i.title.split(/\s/)[0] === name);
      const end = entry ? /-\s*([A-Za-z]+ \d{1,2}, \d{4})\)\s*$/.exec(entry.title) : null;
      const date = end ? findDate(end[1]!) : null;
      if (date) deadline = `${date}T23:59:00.000Z`;
    }
    return {
      title: `${name}: ${doc.title}`,
      state: `${labels.join('; ') || 'no state'}${rev ? ` (rev. ${rev})` : ''}`,
      deadline,
      details: { rev },
    };
  },
};

export const groupTracker: TrackerModule = {
  source: 'datatracker',
  async observe(p, io) {
    const acronym = p.id.replace(/^ietf-group:/, '');
    const text = await io.main(`${trimSlash(io.urls.datatracker)}/feed/group-changes/${acronym}/`);
    if (text === null) return null;
    let latest;
    try {
      latest = parseFeed(text, { now: io.now }).items[0];
    } catch (err) {
      throw new PageChangedError(`the group changes feed does not parse (${(err as Error).message})`);
    }
    return {
      state: latest ? `${latest.title} (${latest.published.slice(0, 10)})` : 'no changes yet',
      deadline: null,
      details: {},
    };
  },
};

/**
 * IETF meetings from /api/v1/meeting/meeting/?type=ietf&date__gte=<day> (MeetingResource in
 * ietf/meeting/resources.py: `number`, `date`, `city`, `country`, `time_zone`, `type`
 * filterable with relations, so `type=ietf` and `date__gte` are accepted filters).
 */
export interface DatatrackerMeeting {
  number: string;
  city: string;
  country: string;
  date: string;
  days: number;
  timeZone: string;
}

export function meetingsUrl(base: string, today: string): string {
  return `${trimSlash(base)}/api/v1/meeting/meeting/?type=ietf&date__gte=${today}&format=json`;
}

export function parseMeetings(text: string): DatatrackerMeeting[] {
  const answer = record(parseJson(text, 'the Datatracker meetings answer'));
  if (!Array.isArray(answer?.objects))
    throw new PageChangedError('the meetings answer has no `objects` list');
  const out: DatatrackerMeeting[] = [];
  for (const o of answer.objects) {
    const m = record(o);
    if (!m || typeof m.number !== 'string' || typeof m.date !== 'string') continue;
    out.push({
      number: m.number,
      city: typeof m.city === 'string' ? m.city : '',
      country: typeof m.country === 'string' ? m.country : '',
      date: m.date.slice(0, 10),
      days: typeof m.days === 'number' ? m.days : 7,
      timeZone: typeof m.time_zone === 'string' && m.time_zone ? m.time_zone : 'UTC',
    });
  }
  return out;
}
