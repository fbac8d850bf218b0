// Open consultations matching the operator's keywords (GOVWATCH_CONSULTATION_KEYWORDS),
// found once per tracker interval and added as processes (shown by /deadlines and the
// digests' agenda; anyone can then /track them for changes and reminders).
//
// - "Have your say": /brpapi/searchInitiatives?text=<keyword>&feedbackStatus=OPEN&page=0&size=20&language=EN
//   (undocumented, like groupInitiatives; the answer's `initiativeResultDtoPage.content[].id`
//   and `shortTitle`, and the `feedbackStatus=OPEN` filter, were checked against independent
//   public code that reads it). Each hit is then polled through groupInitiatives.
// - ICANN: the public comment list page /en/public-comment is parsed for links to
//   /en/public-comment/proceeding/<slug>; those whose link text matches a keyword are kept.
//   A list page without any proceeding link is reported as changed.
import type { Store } from '../store/types.ts';
import { euPageUrl } from './eu-haveyoursay.ts';
import { icannPageUrl } from './icann.ts';
import { createTrackerIO, PageChangedError, parseJson } from './io.ts';
import { htmlToText } from '../ingest/html-text.ts';
import type { TrackerPollDeps } from './poll.ts';
import { NOT_CHECKED } from './registry.ts';
import { emptyFetchState, type TrackedProcess } from './types.ts';

const NEXT = 'trackers.consultations.next-check';

function fresh(
  now: Date,
  p: Pick<TrackedProcess, 'id' | 'kind' | 'source' | 'title' | 'url'> & Partial<TrackedProcess>,
): TrackedProcess {
  return {
    state: NOT_CHECKED,
    deadline: null,
    updatedAt: now.toISOString(),
    history: [],
    themes: [],
    regions: [],
    details: { discovered: true },
    fetch: emptyFetchState(),
    ...p,
  };
}

async function addIfNew(store: Store, p: TrackedProcess): Promise<boolean> {
  if (await store.trackers.get(p.id)) return false;
  await store.trackers.upsert(p);
  return true;
}

export async function discoverConsultations(
  deps: TrackerPollDeps,
  keywords: string[],
): Promise<{ added: number; errors: Array<{ id: string; error: string }> }> {
  const now = deps.now();
  const out = { added: 0, errors: [] as Array<{ id: string; error: string }> };
  if (!keywords.length) return out;
  const next = await deps.store.settings.get(NEXT);
  if (next && Date.parse(next) > now.getTime()) return out;
  await deps.store.settings.set(NEXT, new Date(now.getTime() + deps.intervalMs).toISOString());
  const { io } = createTrackerIO(emptyFetchState(), deps.urls, now, { ...deps.fetch, now: deps.now });

  for (const keyword of keywords) {
    try {
      const url =
        `${deps.urls.eu.replace(/\/+$/, '')}/brpapi/searchInitiatives?text=${encodeURIComponent(keyword)}` +
        '&feedbackStatus=OPEN&page=0&size=20&language=EN';
      const answer = parseJson(await io.get(url), 'the Have your say search answer') as Record<
        string,
        unknown
      > | null;
      const page = answer?.initiativeResultDtoPage as Record<string, unknown> | undefined;
      if (!page || !Array.isArray(page.content))
        throw new PageChangedError(
          'the Have your say search answer has no `initiativeResultDtoPage.content`',
        );
      for (const row of page.content as Array<Record<string, unknown>>) {
        const id =
          typeof row.id === 'number'
            ? String(Math.trunc(row.id))
            : typeof row.id === 'string'
              ? row.id
              : null;
        if (!id || !/^\d+$/.test(id)) continue;
        const title = typeof row.shortTitle === 'string' ? row.shortTitle : `Have your say initiative ${id}`;
        if (
          await addIfNew(
            deps.store,
            fresh(now, {
              id: `eu:${id}`,
              kind: 'eu-consultation',
              source: 'eu-haveyoursay',
              title,
              url: euPageUrl(id),
              regions: ['EU'],
            }),
          )
        )
          out.added++;
      }
    } catch (err) {
      out.errors.push({ id: `eu-search:${keyword}`, error: (err as Error).message });
    }
  }

  try {
    const html = await io.get(`${deps.urls.icann.replace(/\/+$/, '')}/en/public-comment`);
    const links = [
      ...html.matchAll(
        /<a\b[^>]*href="[^"]*\/public-comment\/proceeding\/([a-z0-9-]+)[^"]*"[^>]*>([\s\S]*?)<\/a>/gi,
      ),
    ];
    if (!links.length) throw new PageChangedError('no proceeding links on the ICANN public comment page');
    const wanted = keywords.map((k) => k.toLowerCase());
    for (const [, slug, inner] of links) {
      const title = htmlToText(inner ?? '');
      const hay = `${title} ${slug}`.toLowerCase();
      if (!wanted.some((k) => hay.includes(k))) continue;
      if (
        await addIfNew(
          deps.store,
          fresh(now, {
            id: `icann:${slug!.toLowerCase()}`,
            kind: 'icann-comment',
            source: 'icann',
            title: title || `ICANN public comment: ${slug}`,
            url: icannPageUrl('https://www.icann.org', slug!.toLowerCase()),
            themes: ['internet-governance'],
          }),
        )
      )
        out.added++;
    }
  } catch (err) {
    out.errors.push({ id: 'icann-list', error: (err as Error).message });
  }
  return out;
}
