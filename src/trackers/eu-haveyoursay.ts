// European Commission "Have your say" (better regulation portal): feedback periods.
//
// The portal's JSON endpoints are NOT documented by the Commission: the public web app
// reads /brpapi/groupInitiatives/<id>?language=EN ({shortTitle, reference, publications:
// [{id, type, reference, endDate, …}]}) and /brpapi/searchInitiatives. The field names were
// checked against independent public code that reads the same endpoints (found through
// the code index; nothing fetched live). Times are naive "YYYY/MM/DD HH:MM:SS" in Brussels
// time (a feedback window closes at 23:59:59 Europe/Brussels), converted here to UTC.
// An answer without `publications` is a tracker error.
import { instantsForWallTime } from '../schedule/cron.ts';
import { parseJson, PageChangedError } from './io.ts';
import type { TrackerModule } from './module.ts';

export function euInitiativeId(ref: string): string | null {
  const m = /have-your-say\/initiatives\/(\d+)/i.exec(ref) ?? /^eu:(\d+)$/i.exec(ref.trim());
  return m ? m[1]! : null;
}

export function euPageUrl(id: string): string {
  return `https://ec.europa.eu/info/law/better-regulation/have-your-say/initiatives/${id}_en`;
}

/** "2026/01/20 23:59:59" in Europe/Brussels → ISO UTC; null when unreadable. */
export function brusselsToUtc(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const m = /^(\d{4})\/(\d{2})\/(\d{2})(?: (\d{2}):(\d{2}):(\d{2}))?$/.exec(value.trim());
  if (!m) return null;
  const wall = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +(m[4] ?? 23), +(m[5] ?? 59), +(m[6] ?? 59));
  const at = instantsForWallTime(wall, 'Europe/Brussels')[0];
  return at === undefined ? null : new Date(at).toISOString();
}

export const euTracker: TrackerModule = {
  source: 'eu-haveyoursay',
  async observe(p, io) {
    const id = p.id.replace(/^eu:/, '');
    const text = await io.main(`${io.urls.eu.replace(/\/+$/, '')}/brpapi/groupInitiatives/${id}?language=EN`);
    if (text === null) return null;
    const data = parseJson(text, 'the Have your say answer') as Record<string, unknown> | null;
    if (!data || !Array.isArray(data.publications))
      throw new PageChangedError('the Have your say answer has no `publications` list');
    const now = io.now.getTime();
    const ends = data.publications
      .map((x) => (x && typeof x === 'object' ? brusselsToUtc((x as Record<string, unknown>).endDate) : null))
      .filter((x): x is string => x !== null)
      .sort();
    const next = ends.find((e) => Date.parse(e) >= now) ?? null;
    return {
      ...(typeof data.shortTitle === 'string' ? { title: data.shortTitle } : {}),
      state: next ? 'open for feedback' : ends.length ? 'feedback closed' : 'no feedback period',
      deadline: next ?? ends[ends.length - 1] ?? null,
      details: { reference: typeof data.reference === 'string' ? data.reference : null },
    };
  },
};
