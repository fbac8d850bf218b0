// A platform-neutral digest: built once from the archive, rendered by text/markdown here and
// by the chat renderers under src/platforms/.
import type { StoryEvidence } from '../evidence/types.ts';
import type { Trend } from '../trends/series.ts';
import type { StoredItem, Target, ThemeId } from '../model.ts';

export interface DigestEntry {
  /** The cluster's lead item: its first report (lowest id) that matches the subscription. */
  item: StoredItem;
  /**
   * Other sources that reported the same story in the digest's period, one per source,
   * whether or not their report matched the subscription.
   */
  alsoReportedBy: Array<{ itemId: number; source: string; url: string | null }>;
  /** Measurements for the story's countries (shutdowns/censorship), added when it is sent. */
  evidence?: StoryEvidence[];
}

export interface DigestSection {
  /** `other` holds items with no theme. */
  theme: ThemeId | 'other';
  entries: DigestEntry[];
}

export interface Digest {
  target: Target | null;
  title: string;
  /** ISO bounds of what the digest covers (first-seen times). */
  since: string;
  until: string;
  sections: DigestSection[];
  /** Distinct stories (clusters) that matched, shown or not. */
  totalStories: number;
  /** Stories left out by the cap, reachable with `moreQuery`. */
  omitted: number;
  /** A search the reader can run for the rest, e.g. `/search theme:censorship since:1d`. */
  moreQuery: string | null;
  /** "Deadlines and meetings" shown first (src/trackers): absent or empty when there is none. */
  agenda?: AgendaEntry[];
  /**
   * Weekly digests: stories per week of this digest's themes, this week against the 8 before
   * (the numbers; platforms draw the picture when they send, see src/digest/chart.ts).
   */
  chart?: Trend;
}

/** A deadline or meeting in a digest; `when` is the plain text line's date part. */
export interface AgendaEntry {
  id: string;
  title: string;
  url: string;
  state: string;
  /** ISO UTC. */
  deadline: string;
  /** `closes`, `opens`, `enters into force`. */
  verb: string;
}

/** One plain line for an agenda entry (renderers escape it). */
export function agendaLine(a: AgendaEntry): string {
  const d = new Date(a.deadline);
  const day = d.toUTCString().slice(0, 16).replace(',', '');
  return `${day} ${a.deadline.slice(11, 16)} UTC: ${a.title} ${a.verb} (${a.state})`;
}
