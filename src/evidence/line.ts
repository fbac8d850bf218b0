// The compact evidence line under a story: one segment per source, built only from the
// figures the sources served ("OONI: 38% of web tests anomalous in IQ on 19–20 Nov, ×6 the
// month's median · IODA: 2 outage events"). Renderers escape and link each segment.
import { dayRangeLabel } from './days.ts';
import type { Evidence, EvidenceSegment, EvidenceSource, StoryEvidence } from './types.ts';

const LABELS: Record<EvidenceSource, string> = { ooni: 'OONI', ioda: 'IODA', radar: 'Radar' };

function pct(share: number): string {
  const p = share * 100;
  return `${p >= 10 || p === 0 ? Math.round(p) : p.toFixed(1)}%`;
}

function times(ratio: number): string {
  return ratio >= 10 ? `×${Math.round(ratio)}` : `×${Number(ratio.toFixed(1))}`;
}

function f<T>(e: Evidence | undefined, key: string): T | undefined {
  return e?.figures ? (e.figures[key] as T) : undefined;
}

function ooniText(list: Evidence[]): string {
  const web = list.find((e) => e.kind === 'web_connectivity');
  if (!web?.figures) return 'source unavailable';
  const when = dayRangeLabel(web.from, web.until);
  const share = f<number | null>(web, 'anomalous_share');
  let text =
    share === null || share === undefined
      ? `no web measurements from ${web.country} on ${when}`
      : `${pct(share)} of web tests anomalous in ${web.country} on ${when}`;
  const ratio = f<number | null>(web, 'ratio_to_baseline_median');
  if (typeof ratio === 'number') text += `, ${times(ratio)} the month's median`;
  const circ = list.find((e) => e.kind === 'circumvention');
  const circShare = f<number | null>(circ, 'anomalous_share');
  if (typeof circShare === 'number') text += `; circumvention tests ${pct(circShare)} anomalous`;
  const dom = list.find((e) => e.kind === 'web_connectivity_domain');
  const domShare = f<number | null>(dom, 'anomalous_share');
  if (dom && typeof domShare === 'number')
    text += `; ${String(dom.figures!.domain)} ${pct(domShare)} anomalous`;
  return text;
}

function iodaText(list: Evidence[]): string {
  const events = list.find((e) => e.kind === 'outage_events');
  if (!events?.figures) return 'source unavailable';
  const n = f<number>(events, 'event_count') ?? 0;
  let text = n === 0 ? 'no outage events' : `${n} outage event${n === 1 ? '' : 's'}`;
  const signals = f<Record<string, { drop_from_median: number | null }>>(
    list.find((e) => e.kind === 'signals'),
    'signals',
  );
  const drops = Object.entries(signals ?? {})
    .filter(([, v]) => typeof v.drop_from_median === 'number' && v.drop_from_median >= 0.25)
    .map(([ds, v]) => `${ds} −${Math.round(v.drop_from_median! * 100)}%`);
  if (drops.length) text += ` (${drops.join(', ')})`;
  return text;
}

function radarText(list: Evidence[]): string {
  const parts = list.map((e) => {
    if (!e.figures) return null;
    const n = f<number>(e, 'count') ?? 0;
    return e.kind === 'outage_annotations'
      ? `${n === 0 ? 'no' : n} outage annotation${n === 1 ? '' : 's'}`
      : `${n === 0 ? 'no' : n} traffic anomal${n === 1 ? 'y' : 'ies'}`;
  });
  return parts.every((p) => p === null)
    ? 'source unavailable'
    : parts.map((p) => p ?? 'part unavailable').join(', ');
}

export function evidenceSegments(evidence: Evidence[]): EvidenceSegment[] {
  const out: EvidenceSegment[] = [];
  for (const source of ['ooni', 'ioda', 'radar'] as const) {
    const list = evidence.filter((e) => e.source === source);
    if (!list.length) continue;
    const text = source === 'ooni' ? ooniText(list) : source === 'ioda' ? iodaText(list) : radarText(list);
    out.push({ label: LABELS[source], text, url: list[0]!.url });
  }
  return out;
}

export function storyEvidence(perCountry: Array<{ country: string; evidence: Evidence[] }>): StoryEvidence[] {
  return perCountry.map((c) => ({ country: c.country, segments: evidenceSegments(c.evidence) }));
}

/** The line as plain text (terminal): "OONI: … · IODA: …", links left out. */
export function evidencePlainLine(story: StoryEvidence): string {
  return story.segments.length
    ? story.segments.map((s) => `${s.label}: ${s.text}`).join(' · ')
    : 'no evidence';
}
