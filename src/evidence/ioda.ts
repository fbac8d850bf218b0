// IODA: outage events and raw signals per country from the public v2 API
// (GET /v2/outages/events, GET /v2/signals/raw/country/{CC}; see docs/evidence.md).
import { addDays, dayRangeLabel, daysBetween, dayStartSeconds } from './days.ts';
import { joinBase } from './http.ts';
import { isObject, type DayQuery, type QueryContext } from './query.ts';
import type { Evidence } from './types.ts';

export interface IodaEvent {
  datasource: string;
  method: string | null;
  /** Unix seconds. */
  start: number;
  /** Seconds. */
  duration: number;
  score: number | null;
}

/** The `data` of IODA's envelope; its `error` field is an error. */
function envelopeData(body: unknown): unknown {
  if (!isObject(body)) throw new Error('the answer is not an object');
  if (typeof body.error === 'string' && body.error) throw new Error(`IODA said: ${body.error.slice(0, 200)}`);
  return body.data;
}

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** Events (codf format: start, duration, datasource, method, score) overlapping each day. */
export const iodaEventsQuery: DayQuery = {
  source: 'ioda',
  query: 'events',
  async fetch(ctx, country, from, until) {
    const url = new URL(joinBase(ctx.config.iodaUrl, '/v2', '/outages/events'));
    url.searchParams.set('entityType', 'country');
    url.searchParams.set('entityCode', country);
    url.searchParams.set('from', String(dayStartSeconds(from)));
    url.searchParams.set('until', String(dayStartSeconds(addDays(until, 1))));
    const data = envelopeData(await ctx.get(url.toString()));
    if (!Array.isArray(data)) throw new Error('no event list in the answer');
    const events: IodaEvent[] = [];
    for (const e of data) {
      if (!isObject(e)) continue;
      const start = num(e.start);
      const duration = num(e.duration);
      if (start === null || duration === null) throw new Error('an event without start or duration');
      events.push({
        datasource: typeof e.datasource === 'string' ? e.datasource : 'unknown',
        method: typeof e.method === 'string' ? e.method : null,
        start,
        duration,
        score: num(e.score),
      });
    }
    const out = new Map<string, unknown>();
    for (const day of daysBetween(from, until)) {
      const s = dayStartSeconds(day);
      const e = s + 86_400;
      // An event belongs to every day it overlaps; a zero-length event to the day it starts.
      out.set(
        day,
        events.filter((ev) => ev.start < e && (ev.start + ev.duration > s || ev.start >= s)),
      );
    }
    return out;
  },
};

export interface SignalDay {
  /** Datasource → the values that fall in this day (null: no data for that step). */
  [datasource: string]: Array<number | null>;
}

/** Raw signals (bgp, ping-slash24, merit-nt, …), cut into days by each series' from and step. */
export const iodaSignalsQuery: DayQuery = {
  source: 'ioda',
  query: 'signals',
  async fetch(ctx, country, from, until) {
    const url = new URL(
      joinBase(ctx.config.iodaUrl, '/v2', `/signals/raw/country/${encodeURIComponent(country)}`),
    );
    url.searchParams.set('from', String(dayStartSeconds(from)));
    url.searchParams.set('until', String(dayStartSeconds(addDays(until, 1))));
    const data = envelopeData(await ctx.get(url.toString()));
    if (!Array.isArray(data)) throw new Error('no signal list in the answer');
    // The set of series comes as a list, or a list of lists (one per entity).
    const series = data.flatMap((d: unknown) => (Array.isArray(d) ? d : [d])).filter(isObject);
    const out = new Map<string, SignalDay>(daysBetween(from, until).map((d) => [d, {}]));
    for (const s of series) {
      const ds = typeof s.datasource === 'string' ? s.datasource : null;
      const start = num(s.from);
      const step = num(s.step);
      if (!ds || start === null || step === null || step <= 0 || !Array.isArray(s.values)) continue;
      s.values.forEach((v: unknown, i: number) => {
        const day = new Date((start + i * step) * 1000).toISOString().slice(0, 10);
        const bucket = out.get(day);
        if (bucket) (bucket[ds] ??= []).push(num(v));
      });
    }
    return out as Map<string, unknown>;
  },
};

export function iodaExplorerUrl(country: string, from: string, until: string): string {
  return `https://ioda.inetintel.cc.gatech.edu/country/${encodeURIComponent(country)}?from=${dayStartSeconds(from)}&until=${dayStartSeconds(addDays(until, 1))}`;
}

function hours(seconds: number): string {
  const h = seconds / 3600;
  return h >= 1 ? `${Number(h.toFixed(1))} h` : `${Math.round(seconds / 60)} min`;
}

export function iodaEventsEvidence(
  country: string,
  from: string,
  until: string,
  days: Map<string, IodaEvent[]>,
): Evidence {
  const seen = new Map<string, IodaEvent>();
  for (const day of daysBetween(from, until))
    for (const e of days.get(day) ?? [])
      seen.set(`${e.datasource}|${e.method ?? ''}|${e.start}|${e.duration}`, e);
  const events = [...seen.values()].sort(
    (a, b) => a.start - b.start || a.datasource.localeCompare(b.datasource),
  );
  const datasources = [...new Set(events.map((e) => e.datasource))].sort();
  const longest = events.reduce((m, e) => Math.max(m, e.duration), 0);
  const scores = events.map((e) => e.score).filter((s): s is number => s !== null);
  const n = events.length;
  return {
    source: 'ioda',
    country,
    from,
    until,
    kind: 'outage_events',
    summary:
      n === 0
        ? `no IODA outage events in ${country} on ${dayRangeLabel(from, until)}`
        : `${n} outage event${n === 1 ? '' : 's'} in ${country} on ${dayRangeLabel(from, until)} (${datasources.join(', ')}; longest ${hours(longest)})`,
    figures: {
      event_count: n,
      datasources,
      longest_duration_seconds: longest,
      max_score: scores.length ? Math.max(...scores) : null,
      events,
    },
    url: iodaExplorerUrl(country, from, until),
  };
}

export function iodaSignalsEvidence(
  country: string,
  from: string,
  until: string,
  days: Map<string, SignalDay>,
): Evidence {
  const byDs = new Map<string, number[]>();
  for (const day of daysBetween(from, until))
    for (const [ds, values] of Object.entries(days.get(day) ?? {}))
      for (const v of values) if (v !== null) (byDs.get(ds) ?? byDs.set(ds, []).get(ds)!).push(v);
  const signals: Record<
    string,
    { points: number; min: number; median: number; max: number; drop_from_median: number | null }
  > = {};
  for (const [ds, values] of [...byDs.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const s = [...values].sort((a, b) => a - b);
    const mid = Math.floor(s.length / 2);
    const median = s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
    signals[ds] = {
      points: s.length,
      min: s[0]!,
      median,
      max: s[s.length - 1]!,
      drop_from_median: median > 0 ? 1 - s[0]! / median : null,
    };
  }
  const drops = Object.entries(signals)
    .filter(([, v]) => v.drop_from_median !== null && v.drop_from_median >= 0.25)
    .map(([ds, v]) => `${ds} fell ${Math.round(v.drop_from_median! * 100)}% below its median`);
  const names = Object.keys(signals);
  return {
    source: 'ioda',
    country,
    from,
    until,
    kind: 'signals',
    summary: !names.length
      ? `no IODA signals for ${country} on ${dayRangeLabel(from, until)}`
      : drops.length
        ? `IODA signals for ${country} on ${dayRangeLabel(from, until)}: ${drops.join('; ')}`
        : `IODA signals for ${country} on ${dayRangeLabel(from, until)}: no drop of 25% or more (${names.join(', ')})`,
    figures: { signals },
    url: iodaExplorerUrl(country, from, until),
  };
}

export type { QueryContext };
