// Processes, not news: a draft's state, a treaty's ratifications, a consultation's closing
// date, a meeting. One shape for every tracker (src/trackers/*), stored in the archive by
// `store.trackers` (both adapters, test/store/contract-trackers.ts).
import type { Target } from '../model.ts';

export type TrackerKind =
  'ietf-draft' | 'ietf-group' | 'treaty' | 'icann-comment' | 'eu-consultation' | 'event';

/** Where a process comes from; `/feeds status` and the tracker list name it. */
export type TrackerSource = 'datatracker' | 'untc' | 'icann' | 'eu-haveyoursay' | 'events';

export interface HistoryEntry {
  /** ISO time the change was seen. */
  at: string;
  state: string;
  deadline: string | null;
  /** What changed, in words (e.g. "ratified by Norway"). */
  note?: string;
}

/** Polling state of one process, with the same rules as a feed's (conditional requests, backoff). */
export interface TrackerFetchState {
  etag: string | null;
  lastModified: string | null;
  lastCheckAt: string | null;
  lastSuccessAt: string | null;
  lastErrorAt: string | null;
  /** One line: a fetch failure, or "page changed: …" when a parsed page no longer fits. */
  lastError: string | null;
  consecutiveFailures: number;
  nextCheckAt: string | null;
}

export function emptyFetchState(): TrackerFetchState {
  return {
    etag: null,
    lastModified: null,
    lastCheckAt: null,
    lastSuccessAt: null,
    lastErrorAt: null,
    lastError: null,
    consecutiveFailures: 0,
    nextCheckAt: null,
  };
}

export interface TrackedProcess {
  /** `<source>:<key>`, e.g. `ietf:draft-ietf-tls-esni`, `untc:XVIII-16`, `event:itu-pp-26`. */
  id: string;
  kind: TrackerKind;
  source: TrackerSource;
  title: string;
  /** The human page of the process. */
  url: string;
  /** Current state in words (`IESG: In Last Call`, `39 of 40 ratifications`, `open`). */
  state: string;
  /** Next closing date or start, ISO 8601 UTC ending in Z; null when there is none. */
  deadline?: string | null;
  /** ISO time the state or deadline last changed. */
  updatedAt: string;
  /** Oldest first. */
  history: HistoryEntry[];
  themes: string[];
  regions: string[];
  /** Source-specific facts (a treaty's parties, a meeting's place). JSON only. */
  details: Record<string, unknown>;
  fetch: TrackerFetchState;
}

/** A target following a process, with the days before a deadline it wants a reminder. */
export interface TrackerFollow {
  processId: string;
  target: Target;
  reminderDays: number[];
  createdBy: string;
  createdAt: string;
}

export interface TrackerStore {
  /** Insert or replace a process (state, history, fetch state), keeping its follows. */
  upsert(process: TrackedProcess): Promise<void>;
  get(id: string): Promise<TrackedProcess | null>;
  /** Soonest deadline first, processes without one last. */
  list(filter?: { source?: TrackerSource; kind?: TrackerKind }): Promise<TrackedProcess[]>;
  /** Remove a process and its follows. */
  remove(id: string): Promise<boolean>;
  /** Follow (or change the reminder days of an existing follow); true when it is new. */
  follow(follow: Omit<TrackerFollow, 'createdAt'> & { createdAt?: string }): Promise<boolean>;
  unfollow(processId: string, target: Target): Promise<boolean>;
  listFollows(filter?: { processId?: string; target?: Target }): Promise<TrackerFollow[]>;
}
