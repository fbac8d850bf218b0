// ICANN public comment proceedings.
//
// ICANN publishes no documented API for public comment: the proceeding's public page
// (/en/public-comment/proceeding/<slug>) is parsed. The parser reads the page title (the
// first <h1>) and the dates labelled "Open Date" / "Opened" and "Close Date" / "Closes"
// (any of "15 December 2025", "December 15, 2025", "2025-12-15"). A page without a close
// date is a tracker error. ICANN states that proceedings close at 23:59 UTC on the close
// date, so the deadline is that minute in UTC. Nothing was fetched live; the fixtures
// (src/demo/tracker-fixtures.ts) follow this description.
import { htmlToText } from '../ingest/html-text.ts';
import { findDate, PageChangedError } from './io.ts';
import type { TrackerModule } from './module.ts';

export function icannSlug(ref: string): string | null {
  const m =
    /icann\.org\/(?:[a-z]{2}\/)?public-comment\/proceeding\/([a-z0-9-]+)/i.exec(ref) ??
    /^icann:([a-z0-9-]+)$/i.exec(ref.trim());
  return m ? m[1]!.toLowerCase() : null;
}

export function icannPageUrl(base: string, slug: string): string {
  return `${base.replace(/\/+$/, '')}/en/public-comment/proceeding/${slug}`;
}

/** The date right after the first label that has one, e.g. "Close Date Monday, 15 December 2025". */
function dateAfter(text: string, labels: RegExp): string | null {
  for (const m of text.matchAll(labels)) {
    const date = findDate(text.slice(m.index + m[0].length, m.index + m[0].length + 40));
    if (date) return date;
  }
  return null;
}

export const icannTracker: TrackerModule = {
  source: 'icann',
  async observe(p, io) {
    const slug = p.id.replace(/^icann:/, '');
    const html = await io.main(icannPageUrl(io.urls.icann, slug));
    if (html === null) return null;
    const h1 = /<h1\b[^>]*>([\s\S]*?)<\/h1>/i.exec(html);
    const text = htmlToText(html.replace(/<\/(div|p|li|dd|dt|span|h\d)>/gi, ' $&'));
    const closes = dateAfter(text, /\b(close date|closes|closing date)\b:?/gi);
    const opens = dateAfter(text, /\b(open date|opened|opens)\b:?/gi);
    if (!closes) throw new PageChangedError('no close date on the proceeding page');
    const deadline = `${closes}T23:59:00.000Z`;
    const open = io.now.getTime() <= Date.parse(deadline);
    return {
      ...(h1 ? { title: htmlToText(h1[1]!) } : {}),
      state: open ? 'open for comment' : 'closed',
      deadline,
      details: { opens, closes },
    };
  },
};
