// The evidence cache (src/evidence/): what an evidence API answered, one row per source,
// query, country and UTC day, so many stories about one country and day cost one request.
export interface EvidenceDayRow {
  /** `ooni`, `ioda` or `radar`. */
  source: string;
  /** Which question was asked, e.g. `web_connectivity`, `circumvention`, `events`. */
  query: string;
  /** ISO 3166-1 alpha-2, upper case. */
  country: string;
  /** YYYY-MM-DD (UTC). */
  day: string;
  /** The part of the answer that concerns this day, as the API served it (JSON-serialisable). */
  payload: unknown;
  /** ISO time of the request that produced it. */
  fetchedAt: string;
}

export interface EvidenceStore {
  /** Cached rows for the days in [fromDay, untilDay] (inclusive), in day order. */
  getDays(
    source: string,
    query: string,
    country: string,
    fromDay: string,
    untilDay: string,
  ): Promise<EvidenceDayRow[]>;
  /** Insert or replace rows (same source, query, country and day). */
  putDays(rows: EvidenceDayRow[]): Promise<void>;
}
