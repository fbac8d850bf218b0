// From what a user typed (`/track draft-ietf-tls-esni`, a treaty number, a page URL) to a
// new tracked process, and from a process to the module that polls it.
import { UserError } from '../model.ts';
import { draftName, draftTracker, groupAcronym, groupTracker } from './datatracker.ts';
import { euInitiativeId, euPageUrl, euTracker } from './eu-haveyoursay.ts';
import { icannPageUrl, icannSlug, icannTracker } from './icann.ts';
import type { TrackerUrls } from './io.ts';
import type { TrackerModule } from './module.ts';
import { emptyFetchState, type TrackedProcess } from './types.ts';
import { KNOWN_TREATIES, treatyNumber, treatyPageUrl, treatyTracker } from './untc.ts';

export const NOT_CHECKED = 'not checked yet';

export function moduleFor(p: TrackedProcess): TrackerModule | null {
  switch (p.kind) {
    case 'ietf-draft':
      return draftTracker;
    case 'ietf-group':
      return groupTracker;
    case 'treaty':
      return treatyTracker;
    case 'icann-comment':
      return icannTracker;
    case 'eu-consultation':
      return euTracker;
    default:
      return null;
  }
}
/** A new process for `ref`, or a UserError saying what is understood. Events are looked up by the caller. */
export function resolveReference(ref: string, urls: TrackerUrls, now: Date): TrackedProcess {
  const base = (
    over: Partial<TrackedProcess> & Pick<TrackedProcess, 'id' | 'kind' | 'source' | 'title' | 'url'>,
  ): TrackedProcess => ({
    state: NOT_CHECKED,
    deadline: null,
    updatedAt: now.toISOString(),
    history: [],
    themes: [],
    regions: [],
    details: {},
    fetch: emptyFetchState(),
    ...over,
  });
  const t = ref.trim();
  const draft = draftName(t);
  if (draft)
    return base({
      id: `ietf:${draft}`,
      kind: 'ietf-draft',
      source: 'datatracker',
      title: draft,
      url: `https://datatracker.ietf.org/doc/${draft}/`,
      themes: ['standards'],
    });
  const group = groupAcronym(t);
  if (group)
    return base({
      id: `ietf-group:${group}`,
      kind: 'ietf-group',
      source: 'datatracker',
      title: `IETF group ${group}`,
      url: `https://datatracker.ietf.org/group/${group}/`,
      themes: ['standards'],
    });
  const treaty = treatyNumber(t);
  if (treaty)
    return base({
      id: `untc:${treaty}`,
      kind: 'treaty',
      source: 'untc',
      title: KNOWN_TREATIES[treaty]?.title ?? `Treaty ${treaty}`,
      url: treatyPageUrl('https://treaties.un.org', treaty),
      themes: treaty === 'XVIII-16' ? ['cybercrime'] : [],
    });
  const slug = icannSlug(t);
  if (slug)
    return base({
      id: `icann:${slug}`,
      kind: 'icann-comment',
      source: 'icann',
      title: `ICANN public comment: ${slug}`,
      url: icannPageUrl('https://www.icann.org', slug),
      themes: ['internet-governance'],
    });
  const eu = euInitiativeId(t);
  if (eu)
    return base({
      id: `eu:${eu}`,
      kind: 'eu-consultation',
      source: 'eu-haveyoursay',
      title: `Have your say initiative ${eu}`,
      url: euPageUrl(eu),
      regions: ['EU'],
    });
  throw new UserError(
    'bad-reference',
    `"${ref}" is not something govwatch can track: give an Internet-Draft name (draft-…), wg:<acronym>, a treaty number ` +
      '(XVIII-16, or "cybercrime" for the UN Convention against Cybercrime), an ICANN public comment URL, a "Have your say" ' +
      'initiative URL, or event:<id> from /deadlines',
  );
}
