// Cloudflare Radar: outage annotations and traffic anomalies per location (API token in
// GOVWATCH_CLOUDFLARE_TOKEN; without it this source is off). See docs/evidence.md.
import { addDays, dayRangeLabel, daysBetween, dayToMs } from './days.ts';
import { joinBase } from './http.ts';
import { isObject, type DayQuery, type QueryContext } from './query.ts';
import type { Evidence } from './types.ts';

export interface RadarEntry {
  id: string;
  startDate: string;
  endDate: string | null;
  /** Annotations: outage cause; anomalies: type. */
  what: string | null;
  /** Annotations: outage type; anomalies: status. */
  detail: string | null;
}

function radarResult(body: unknown, key: string): unknown[] {
  if (!isObject(body)) throw new Error('the answer is not an object');
  if (body.success === false) {
    const errors = Array.isArray(body.errors) ? body.errors : [];
    const msg = errors.map((e) => (isObject(e) && typeof e.message === 'string' ? e.message : '')).join('; ');
    throw new Error(`Cloudflare said: ${msg.slice(0, 200) || 'no success'}`);
  }
  const result = body.result;
  if (!isObject(result) || !Array.isArray(result[key])) throw new Error(`no ${key} list in the answer`);
  return result[key] as unknown[];
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v ? v : null;
}

function radarQuery(
  query: string,
  path: string,
  key: string,
  read: (e: Record<string, unknown>) => RadarEntry,
): DayQuery {
  return {
    source: 'radar',
    query,
    async fetch(ctx: QueryContext, country, from, until) {
      const url = new URL(joinBase(ctx.config.radarUrl, '/client/v4', path));
      url.searchParams.set('location', country);
      url.searchParams.set('dateStart', `${from}T00:00:00Z`);
      url.searchParams.set('dateEnd', `${addDays(until, 1)}T00:00:00Z`);
      url.searchParams.set('format', 'json');
      url.searchParams.set('limit', '100');
      const token = ctx.config.cloudflareToken;
      const list = radarResult(
        await ctx.get(url.toString(), token ? { authorization: `Bearer ${token}` } : {}),
        key,
      );
      const entries = list.filter(isObject).map(read);
      const out = new Map<string, unknown>();
      for (const day of daysBetween(from, until)) {
        const s = dayToMs(day)!;
        const e = s + 86_400_000;
        out.set(
          day,
          entries.filter((x) => {
            const a = Date.parse(x.startDate);
            const b = x.endDate ? Date.parse(x.endDate) : Infinity;
            return Number.isFinite(a) && a < e && b >= s;
          }),
        );
      }
      return out;
    },
  };
}

export const radarAnnotationsQuery = radarQuery(
  'annotations',
  '/radar/annotations/outages',
  'annotations',
  (e) => {
    const outage = isObject(e.outage) ? e.outage : {};
    return {
      id: String(e.id ?? ''),
      startDate: String(e.startDate ?? ''),
      endDate: str(e.endDate),
      what: str(outage.outageCause),
      detail: str(outage.outageType),
    };
  },
);

export const radarAnomaliesQuery = radarQuery(
  'anomalies',
  '/radar/traffic_anomalies',
  'trafficAnomalies',
  (e) => ({
    id: String(e.uuid ?? ''),
    startDate: String(e.startDate ?? ''),
    endDate: str(e.endDate),
    what: str(e.type),
    detail: str(e.status),
  }),
);

export function radarUrl(country: string): string {
  return `https://radar.cloudflare.com/outage-center?location=${encodeURIComponent(country.toLowerCase())}`;
}

export function radarEvidence(
  kind: 'outage_annotations' | 'traffic_anomalies',
  country: string,
  from: string,
  until: string,
  days: Map<string, RadarEntry[]>,
): Evidence {
  const seen = new Map<string, RadarEntry>();
  for (const day of daysBetween(from, until))
    for (const e of days.get(day) ?? []) seen.set(`${e.id}|${e.startDate}`, e);
  const entries = [...seen.values()].sort((a, b) => a.startDate.localeCompare(b.startDate));
  const n = entries.length;
  const noun = kind === 'outage_annotations' ? 'outage annotation' : 'traffic anomal';
  const plural =
    kind === 'outage_annotations' ? (n === 1 ? noun : `${noun}s`) : n === 1 ? `${noun}y` : `${noun}ies`;
  return {
    source: 'radar',
    country,
    from,
    until,
    kind,
    summary: `${n === 0 ? 'no' : n} Cloudflare Radar ${plural} for ${country} on ${dayRangeLabel(from, until)}`,
    figures: { count: n, entries },
    url: radarUrl(country),
  };
}
