// Recorded-style answers of the tracked sources, written from their documented or
// described formats (docs/trackers.md): the demo serves them on 127.0.0.1 and the tests
// build their stand-ins from them. Nothing here was fetched from the real hosts.

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Datatracker /api/v1/doc/document/?name=… (Tastypie list: meta + objects). */
export function datatrackerDocument(doc: {
  name: string;
  title: string;
  rev: string;
  states: number[];
}): string {
  return JSON.stringify({
    meta: { limit: 20, next: null, offset: 0, previous: null, total_count: 1 },
    objects: [
      {
        name: doc.name,
        title: doc.title,
        rev: doc.rev,
        type: '/api/v1/name/doctypename/draft/',
        states: doc.states.map((id) => `/api/v1/doc/state/${id}/`),
        expires: '2027-05-01T00:00:00Z',
        time: '2026-11-02T10:00:00Z',
        resource_uri: `/api/v1/doc/document/${doc.name}/`,
      },
    ],
  });
}

/** Datatracker /api/v1/doc/state/<id>/. */
export function datatrackerState(id: number, name: string, type: string): string {
  return JSON.stringify({
    id,
    name,
    slug: name.toLowerCase().replace(/\W+/g, '-'),
    type: `/api/v1/doc/statetype/${type}/`,
    used: true,
    order: 0,
    desc: '',
    next_states: [],
    resource_uri: `/api/v1/doc/state/${id}/`,
  });
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const fj = (d: string): string => `${MONTHS[Number(d.slice(5, 7)) - 1]} ${Number(d.slice(8, 10))}`;

/** Datatracker /feed/last-call/ (Atom; entry title "<name> (<F j> - <F j, Y>)"). */
export function lastCallFeed(entries: Array<{ name: string; start: string; end: string }>): string {
  const items = entries
    .map(
      (e) =>
        `<entry><title>${esc(`${e.name} (${fj(e.start)} - ${fj(e.end)}, ${e.end.slice(0, 4)})`)}</title>` +
        `<link href="https://datatracker.ietf.org/doc/${e.name}/" rel="alternate"/>` +
        `<id>https://datatracker.ietf.org/doc/${e.name}/</id><updated>${e.start}T00:00:00Z</updated>` +
        `<summary type="html">Last call for ${esc(e.name)}</summary></entry>`,
    )
    .join('');
  return (
    `<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en-us">` +
    `<title>Documents in Last Call</title><link href="https://datatracker.ietf.org/doc/iesg/last-call/" rel="alternate"/>` +
    `<id>https://datatracker.ietf.org/doc/iesg/last-call/</id><updated>2026-11-01T00:00:00Z</updated>` +
    `<author><name>IESG Secretary</name></author>${items}</feed>`
  );
}

export interface TreatyRow {
  participant: string;
  signature?: string;
  /** A date, optionally followed by " a" (accession), " A", " AA". */
  ratification?: string;
}

const SHORT = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** `2025-10-25` → `25 Oct 2025`, as the UN Treaty Collection writes dates. */
export function untcDate(iso: string): string {
  return `${Number(iso.slice(8, 10))} ${SHORT[Number(iso.slice(5, 7)) - 1]} ${iso.slice(0, 4)}`;
}

/** A UN Treaty Collection status page (ViewDetails.aspx) with its participants table. */
export function treatyPage(rows: TreatyRow[]): string {
  const body = rows
    .map(
      (r) =>
        `<tr><td>${esc(r.participant)}</td><td>${r.signature ? untcDate(r.signature) : ''}</td>` +
        `<td>${r.ratification ? esc(r.ratification.replace(/^(\d{4}-\d{2}-\d{2})/, (d) => untcDate(d))) : ''}</td></tr>`,
    )
    .join('\n');
  return `<!DOCTYPE html><html><head><title>UNTC</title></head><body>
<div id="header"><h1>United Nations Convention against Cybercrime</h1></div>
<table class="table-header"><tr><td>Entry into force:</td><td>Not yet in force</td></tr></table>
<table id="ctl00_ContentPlaceHolder1_tblgrid" class="table table-striped">
<tr><th>Participant</th><th>Signature</th><th>Ratification, Acceptance(A), Approval(AA), Accession(a)</th></tr>
${body}
</table></body></html>`;
}

/** Participants named Country 1 … Country n, all signed; the first `parties` ratified on consecutive days from `from`. */
export function treatyRows(signatories: number, parties: number, from = '2026-01-05'): TreatyRow[] {
  return Array.from({ length: signatories }, (_, i) => ({
    participant: `Country ${String(i + 1).padStart(2, '0')}`,
    signature: '2025-10-25',
    ...(i < parties
      ? {
          ratification: new Date(Date.parse(`${from}T00:00:00Z`) + i * 86_400_000).toISOString().slice(0, 10),
        }
      : {}),
  }));
}

/** An ICANN public comment proceeding page. */
export function icannPage(p: { title: string; opens: string; closes: string }): string {
  const long = (iso: string): string =>
    `${Number(iso.slice(8, 10))} ${MONTHS[Number(iso.slice(5, 7)) - 1]} ${iso.slice(0, 4)}`;
  return `<!DOCTYPE html><html><head><title>${esc(p.title)} | ICANN</title></head><body>
<main><h1>${esc(p.title)}</h1>
<div class="proceeding-dates"><div><span class="label">Open Date</span> <span>${long(p.opens)}</span></div>
<div><span class="label">Close Date</span> <span>${long(p.closes)}</span></div></div>
<p>Public comment closes at 23:59 UTC on the close date.</p></main></body></html>`;
}

/** "Have your say" /brpapi/groupInitiatives/<id> (Brussels local times, "YYYY/MM/DD HH:MM:SS"). */
export function euInitiative(i: { id: number; shortTitle: string; endDate: string }): string {
  return JSON.stringify({
    id: i.id,
    shortTitle: i.shortTitle,
    reference: `Ares(2026)${i.id}`,
    publications: [
      {
        id: i.id * 10,
        type: 'CALL_FOR_EVIDENCE',
        reference: `Ares(2026)${i.id}`,
        endDate: i.endDate,
        totalFeedback: 12,
      },
    ],
  });
}

/** Datatracker /api/v1/meeting/meeting/?type=ietf (Tastypie list of MeetingResource). */
export function datatrackerMeetings(
  meetings: Array<{ number: string; date: string; city: string; country: string; timeZone: string }>,
): string {
  return JSON.stringify({
    meta: { limit: 20, next: null, offset: 0, previous: null, total_count: meetings.length },
    objects: meetings.map((m, i) => ({
      id: 1000 + i,
      number: m.number,
      date: m.date,
      days: 7,
      city: m.city,
      country: m.country,
      time_zone: m.timeZone,
      type: '/api/v1/name/meetingtypename/ietf/',
      resource_uri: `/api/v1/meeting/meeting/${1000 + i}/`,
    })),
  });
}
