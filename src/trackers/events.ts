// feeds/events.yaml: curated meetings and conferences (ITU, IETF, IGF, ICANN), validated
// like sources.yaml: every problem at once, each with its line and column. Each event
// becomes a tracked process (`event:<id>`) whose deadline is its opening day, midnight in
// the event's own time zone.
import { readFileSync } from 'node:fs';
import { isMap, isSeq, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import { isThemeId, UserError } from '../model.ts';
import { assertTimeZone, instantsForWallTime } from '../schedule/cron.ts';
import { emptyFetchState, type TrackedProcess } from './types.ts';

export interface CuratedEvent {
  id: string;
  name: string;
  organiser: string;
  /** YYYY-MM-DD, in the event's zone. */
  start: string;
  end: string;
  timezone: string;
  place: string;
  url: string;
  themes: string[];
  regions: string[];
}

const FIELDS = ['id', 'name', 'organiser', 'start', 'end', 'timezone', 'place', 'url', 'themes', 'regions'];
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export class EventsFileError extends UserError {
  constructor(fileName: string, problems: string[]) {
    super(
      'invalid_events',
      [
        `${fileName}: ${problems.length} problem${problems.length === 1 ? '' : 's'} in the events file`,
        ...problems.map((p) => `  ${p}`),
      ].join('\n'),
    );
  }
}

export function loadEvents(path: string): CuratedEvent[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UserError('events_not_found', `cannot read the events file ${path}: ${(err as Error).message}`);
  }
  return parseEventsYaml(text, path);
}

export function parseEventsYaml(text: string, fileName = 'events.yaml'): CuratedEvent[] {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const problems: string[] = [];
  const at = (node: YamlNode | null | undefined, msg: string): void => {
    const offset = node?.range?.[0];
    if (offset === undefined) problems.push(`${fileName}: ${msg}`);
    else {
      const { line, col } = lines.linePos(offset);
      problems.push(`${fileName}:${line}:${col}: ${msg}`);
    }
  };
  for (const err of doc.errors) problems.push(`${fileName}: YAML syntax: ${err.message.split('\n')[0]}`);
  if (problems.length) throw new EventsFileError(fileName, problems);
  const list = isMap(doc.contents) ? doc.contents.get('events', true) : undefined;
  if (!isSeq(list)) throw new EventsFileError(fileName, [`${fileName}: expected a top-level "events:" list`]);
  const out: CuratedEvent[] = [];
  const seen = new Set<string>();
  list.items.forEach((node, index) => {
    const n = node as YamlNode;
    const raw = (isMap(n) ? n.toJSON() : null) as Record<string, unknown> | null;
    const label = typeof raw?.id === 'string' ? `event "${raw.id}"` : `event #${index + 1}`;
    if (!raw) return at(n, `${label}: expected a mapping of fields`);
    const field = (k: string): YamlNode | undefined =>
      isMap(n) ? (n.get(k, true) as YamlNode | undefined) : undefined;
    const before = problems.length;
    const keyNode = (k: string): YamlNode | undefined =>
      isMap(n)
        ? (n.items.find((p) => String((p.key as { value?: unknown })?.value) === k)?.key as YamlNode)
        : undefined;
    for (const k of Object.keys(raw))
      if (!FIELDS.includes(k)) at(keyNode(k) ?? n, `${label}: unknown field "${k}"`);
    for (const k of ['id', 'name', 'organiser', 'start', 'end', 'timezone', 'place', 'url'])
      if (typeof raw[k] !== 'string' || !(raw[k] as string).trim())
        at(field(k) ?? n, `${label}: "${k}" is required (text)`);
    if (typeof raw.id === 'string' && !/^[a-z0-9][a-z0-9-]{0,62}$/.test(raw.id))
      at(field('id'), `${label}: id must be lower-case letters, digits and dashes`);
    if (typeof raw.id === 'string' && seen.has(raw.id)) at(field('id'), `${label}: duplicate id`);
    for (const k of ['start', 'end'])
      if (
        typeof raw[k] === 'string' &&
        (!DATE.test(raw[k] as string) || Number.isNaN(Date.parse(raw[k] as string)))
      )
        at(field(k), `${label}: "${k}" must be a date YYYY-MM-DD`);
    if (typeof raw.start === 'string' && typeof raw.end === 'string' && raw.end < raw.start)
      at(field('end'), `${label}: "end" is before "start"`);
    if (typeof raw.timezone === 'string') {
      try {
        assertTimeZone(raw.timezone);
      } catch {
        at(field('timezone'), `${label}: "${raw.timezone}" is not an IANA time zone`);
      }
    }
    if (typeof raw.url === 'string' && !/^https?:\/\/\S+$/.test(raw.url))
      at(field('url'), `${label}: url must be http(s)`);
    const themes = raw.themes ?? [];
    if (!Array.isArray(themes) || themes.some((t) => typeof t !== 'string' || !isThemeId(t)))
      at(field('themes'), `${label}: themes must be a list of theme ids from feeds/themes.yaml`);
    const regions = raw.regions ?? [];
    if (!Array.isArray(regions) || regions.some((r) => typeof r !== 'string' || !/^[A-Z]{2}$/.test(r)))
      at(field('regions'), `${label}: regions must be a list of two-letter codes`);
    if (problems.length > before) return;
    seen.add(raw.id as string);
    out.push({
      ...(raw as unknown as CuratedEvent),
      themes: themes as string[],
      regions: regions as string[],
    });
  });
  if (problems.length) throw new EventsFileError(fileName, problems);
  return out;
}

/** Midnight of a date in a zone, as ISO UTC. */
export function zonedMidnight(date: string, timezone: string): string {
  const wall = Date.parse(`${date}T00:00:00Z`);
  const at = instantsForWallTime(wall, timezone)[0] ?? wall;
  return new Date(at).toISOString();
}

export function eventState(start: string, endExclusive: string, now: Date): string {
  const t = now.getTime();
  return t < Date.parse(start) ? 'scheduled' : t < Date.parse(endExclusive) ? 'under way' : 'ended';
}

export function eventProcess(e: CuratedEvent, now: Date, existing: TrackedProcess | null): TrackedProcess {
  const deadline = zonedMidnight(e.start, e.timezone);
  const endNext = new Date(Date.parse(`${e.end}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  const state = eventState(deadline, zonedMidnight(endNext, e.timezone), now);
  const changed = !existing || existing.state !== state || existing.deadline !== deadline;
  return {
    id: `event:${e.id}`,
    kind: 'event',
    source: 'events',
    title: e.name,
    url: e.url,
    state,
    deadline,
    updatedAt: changed ? now.toISOString() : existing.updatedAt,
    history: changed
      ? [...(existing?.history ?? []), { at: now.toISOString(), state, deadline }]
      : existing.history,
    themes: e.themes,
    regions: e.regions,
    details: { organiser: e.organiser, place: e.place, start: e.start, end: e.end, timezone: e.timezone },
    fetch: existing?.fetch ?? emptyFetchState(),
  };
}
