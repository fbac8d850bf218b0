// The contract of one tracker module (datatracker.ts, untc.ts, icann.ts, eu-haveyoursay.ts).
import type { TrackerIO } from './io.ts';
import type { TrackedProcess, TrackerSource } from './types.ts';

/** What a tracker read from its source at one poll. */
export interface Observation {
  /** A better title than the one the process was created with, when the source gives one. */
  title?: string;
  state: string;
  /** ISO 8601 UTC (Z) or null. */
  deadline: string | null;
  details: Record<string, unknown>;
  /** Changes in words beyond the state line (a new ratification); they make a notice too. */
  notes?: string[];
}

export interface TrackerModule {
  source: TrackerSource;
  /**
   * Read the process's current state. null: the source said nothing changed (304).
   * Throws PageChangedError when the answer no longer has the expected shape, FetchError
   * when it could not be fetched.
   */
  observe(process: TrackedProcess, io: TrackerIO): Promise<Observation | null>;
}
