// UN Treaty Collection: a treaty's status page (signatures and ratifications with dates).
//
// There is no documented API for treaty status: the public page
// /Pages/ViewDetails.aspx?src=TREATY&mtdsg_no=<no>&chapter=<n>&clang=_en is parsed. The
// parser looks for the table whose header names "Participant", "Signature" and
// "Ratification … Accession"; each row is a participant, a non-empty third cell (a date,
// perhaps marked a/A/AA for accession, acceptance, approval) makes it a party. A page
// without that table, or with an empty one, is a tracker error, never a silent zero.
// Nothing was fetched live: the layout follows the page as publicly described (columns
// Participant / Signature / Ratification, Acceptance(A), Approval(AA), Accession(a), dates
// as "25 Oct 2025") and the fixtures (src/demo/tracker-fixtures.ts) are written to it.
//
// UN Convention against Cybercrime (chapter XVIII, treaty 16), final clauses: it enters into
// force on the ninetieth day after the deposit of the fortieth instrument of ratification,
// acceptance, approval or accession.
import { htmlToText } from '../ingest/html-text.ts';
import { addDays, findDate, htmlTables, PageChangedError } from './io.ts';
import type { Observation, TrackerModule } from './module.ts';

export interface TreatyInfo {
  title: string;
  chapter: number;
  /** Instruments needed for entry into force, and days after the last of them. */
  required?: number;
  daysAfter?: number;
}

export const KNOWN_TREATIES: Record<string, TreatyInfo> = {
  'XVIII-16': {
    title: 'United Nations Convention against Cybercrime',
    chapter: 18,
    required: 40,
    daysAfter: 90,
  },
};

const ROMAN: Record<string, number> = { I: 1, V: 5, X: 10, L: 50 };
function romanToInt(r: string): number {
  let n = 0;
  for (let i = 0; i < r.length; i++) {
    const v = ROMAN[r[i]!] ?? 0;
    const next = ROMAN[r[i + 1] ?? ''] ?? 0;
    n += v < next ? -v : v;
  }
  return n;
}

/** `XVIII-16`, `untc:XVIII-16`, a treaties.un.org URL with mtdsg_no, or "un cybercrime convention". */
export function treatyNumber(ref: string): string | null {
  const t = ref.trim();
  if (/^(un[- ]?)?cybercrime([- ](convention|treaty))?$/i.test(t) || /^treaty$/i.test(t)) return 'XVIII-16';
  const m = /mtdsg_no=([IVXL]+-\d+(?:-[a-z])?)/i.exec(t) ?? /^(?:untc:)?([IVXL]+-\d+(?:-[a-z])?)$/i.exec(t);
  return m ? m[1]!.toUpperCase() : null;
}

export function treatyPageUrl(base: string, no: string): string {
  const chapter = KNOWN_TREATIES[no]?.chapter ?? romanToInt(no.split('-')[0]!);
  return `${base.replace(/\/+$/, '')}/Pages/ViewDetails.aspx?src=TREATY&mtdsg_no=${no}&chapter=${chapter}&clang=_en`;
}

interface Participant {
  name: string;
  signature: string | null;
  /** Date of ratification, acceptance, approval or accession. */
  party: string | null;
}

export function parseTreatyPage(html: string): Participant[] {
  // Footnote marks are superscripts after a participant's name.
  for (const rows of htmlTables(html.replace(/<sup\b[^>]*>[\s\S]*?<\/sup>/gi, ''))) {
    const headerAt = rows.findIndex(
      (r) => /participant/i.test(r[0] ?? '') && r.some((c) => /signature/i.test(c)),
    );
    if (headerAt < 0) continue;
    const header = rows[headerAt]!;
    const sig = header.findIndex((c) => /signature/i.test(c));
    const rat = header.findIndex((c) => /ratification|accession/i.test(c));
    if (sig < 0 || rat < 0) continue;
    const out: Participant[] = [];
    for (const r of rows.slice(headerAt + 1)) {
      const name = (r[0] ?? '').trim();
      if (!name) continue;
      const signature = findDate(r[sig] ?? '');
      const party = findDate(r[rat] ?? '');
      if ((r[sig] ?? '').trim() && !signature)
        throw new PageChangedError(`unreadable signature date "${r[sig]}"`);
      if ((r[rat] ?? '').trim() && !party)
        throw new PageChangedError(`unreadable ratification date "${r[rat]}"`);
      out.push({ name, signature, party });
    }
    if (!out.length) throw new PageChangedError('the participants table is empty');
    return out;
  }
  throw new PageChangedError('no table of participants, signatures and ratifications');
}

export const treatyTracker: TrackerModule = {
  source: 'untc',
  async observe(p, io): Promise<Observation | null> {
    const no = p.id.replace(/^untc:/, '');
    const html = await io.main(treatyPageUrl(io.urls.untc, no));
    if (html === null) return null;
    const participants = parseTreatyPage(html);
    const info = KNOWN_TREATIES[no];
    const before = new Map(
      ((p.details.participants as Participant[] | undefined) ?? []).map((x) => [x.name, x]),
    );
    const firstLook = !Array.isArray(p.details.participants);
    const notes: string[] = [];
    for (const x of participants) {
      const old = before.get(x.name);
      if (firstLook) break;
      if (x.signature && !old?.signature) notes.push(`signed by ${x.name} (${x.signature})`);
      if (x.party && !old?.party) notes.push(`ratified by ${x.name} (${x.party})`);
    }
    const parties = participants.filter((x) => x.party).sort((a, b) => a.party!.localeCompare(b.party!));
    const signatories = participants.filter((x) => x.signature).length;
    let state = `${signatories} signatories, ${parties.length} parties`;
    let deadline: string | null = null;
    if (info?.required) {
      const nth = parties[info.required - 1];
      if (nth) {
        const inForce = addDays(nth.party!, info.daysAfter ?? 0);
        deadline = `${inForce}T00:00:00.000Z`;
        state = `${state}; enters into force ${inForce}`;
        const hadEnough = [...before.values()].filter((x) => x.party).length >= info.required;
        if (!firstLook && !hadEnough)
          notes.push(
            `${info.required}th ratification (${nth.name}, ${nth.party}): enters into force on ${inForce}, ${info.daysAfter} days later`,
          );
        if (firstLook) notes.length = 0;
      } else {
        state = `${state} of ${info.required} needed for entry into force`;
      }
    }
    const pageTitle = /<title[^>]*>([^<]*)</i.exec(html);
    return {
      title: info?.title ?? (pageTitle ? htmlToText(pageTitle[1]!) : `Treaty ${no}`),
      state,
      deadline,
      details: { participants, parties: parties.length, signatories },
      notes,
    };
  },
};
