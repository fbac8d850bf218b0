// Evidence beside a story: what a measurement source (OONI, IODA, Cloudflare Radar) says
// about a country over a few days. One shape for every source; `figures` holds the numbers
// computed from what the API served, and is null when the source could not be asked.
export type EvidenceSource = 'ooni' | 'ioda' | 'radar';

export interface Evidence {
  source: EvidenceSource;
  /** ISO 3166-1 alpha-2, upper case. */
  country: string;
  /** First and last day covered (YYYY-MM-DD, UTC, inclusive). */
  from: string;
  until: string;
  /** What was measured, e.g. `web_connectivity`, `circumvention`, `outage_events`. */
  kind: string;
  /** One plain sentence; says "unavailable" when the source failed, never a made-up figure. */
  summary: string;
  /** Numbers computed from the API's answer; null when the source was unavailable. */
  figures: Record<string, unknown> | null;
  /** The source's own explorer page for this country and period. */
  url: string;
}

/** One source's part of the compact line under a story: `label` links to `url`. */
export interface EvidenceSegment {
  label: string;
  text: string;
  url: string;
}

/** Evidence for one country of a story, as shown under it. */
export interface StoryEvidence {
  country: string;
  segments: EvidenceSegment[];
}
