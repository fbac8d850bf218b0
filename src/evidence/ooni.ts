// OONI: aggregated measurement counts per country and day from the public aggregation API
// (GET /api/v1/aggregation; see docs/evidence.md for where each parameter is documented).
// The API is rate-limited and not meant for bulk transfers, so queries are small (a few
// days for one country) and cached per day.
import { addDays, dayRangeLabel, daysBetween } from './days.ts';
import { joinBase } from './http.ts';
import { count, isObject, type DayQuery, type QueryContext } from './query.ts';
import type { Evidence } from './types.ts';

export interface OoniCounts {
  measurement_count: number;
  anomaly_count: number;
  confirmed_count: number;
  failure_count: number;
  ok_count: number;
}

const COUNT_FIELDS = [
  'measurement_count',
  'anomaly_count',
  'confirmed_count',
  'failure_count',
  'ok_count',
] as const;

/** The circumvention tests asked about (Tor, Tor with Snowflake, vanilla Tor, Psiphon). */
export const CIRCUMVENTION_TESTS = ['tor', 'torsf', 'vanilla_tor', 'psiphon'] as const;

export function zeroCounts(): OoniCounts {
  return { measurement_count: 0, anomaly_count: 0, confirmed_count: 0, failure_count: 0, ok_count: 0 };
}

function addCounts(a: OoniCounts, b: OoniCounts): OoniCounts {
  const out = zeroCounts();
  for (const f of COUNT_FIELDS) out[f] = a[f] + b[f];
  return out;
}

function readCounts(row: Record<string, unknown>): OoniCounts {
  const out = zeroCounts();
  for (const f of COUNT_FIELDS) out[f] = count(row[f], f);
  return out;
}

/** Share of measurements that were anomalous or confirmed blocked; null with no measurements. */
export function anomalousShare(c: OoniCounts): number | null {
  return c.measurement_count > 0 ? (c.anomaly_count + c.confirmed_count) / c.measurement_count : null;
}

function aggregationUrl(ctx: QueryContext, params: Record<string, string>): string {
  const url = new URL(joinBase(ctx.config.ooniUrl, '/api/v1', '/aggregation'));
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url.toString();
}

/** The result rows of an aggregation answer; an `error` field is an error even with HTTP 200. */
function resultRows(body: unknown): Array<Record<string, unknown>> {
  if (!isObject(body)) throw new Error('the answer is not an object');
  if (typeof body.error === 'string' && body.error) throw new Error(`OONI said: ${body.error.slice(0, 200)}`);
  const result = body.result;
  if (!Array.isArray(result)) throw new Error('no result list in the answer');
  return result.filter(isObject);
}

function rowDay(row: Record<string, unknown>): string | null {
  const d = row.measurement_start_day;
  return typeof d === 'string' && /^\d{4}-\d{2}-\d{2}/.test(d) ? d.slice(0, 10) : null;
}

/** Web connectivity counts per day. Days the API does not list had no measurements. */
export function webConnectivityQuery(domain?: string): DayQuery {
  return {
    source: 'ooni',
    query: domain ? `web_connectivity:${domain}` : 'web_connectivity',
    async fetch(ctx, country, from, until) {
      const params: Record<string, string> = {
        probe_cc: country,
        test_name: 'web_connectivity',
        since: from,
        // `until` is exclusive in the API: the day after the last one wanted.
        until: addDays(until, 1),
        axis_x: 'measurement_start_day',
        // Spans up to 7 days would otherwise be grouped by hour ("auto").
        time_grain: 'day',
      };
      if (domain) params.domain = domain;
      const rows = resultRows(await ctx.get(aggregationUrl(ctx, params)));
      const out = new Map<string, unknown>(daysBetween(from, until).map((d) => [d, zeroCounts()]));
      for (const row of rows) {
        const day = rowDay(row);
        if (day && out.has(day)) out.set(day, addCounts(out.get(day) as OoniCounts, readCounts(row)));
      }
      return out;
    },
  };
}

/** Circumvention tests per day and test: `{tor: counts, psiphon: counts, …}`. */
export const circumventionQuery: DayQuery = {
  source: 'ooni',
  query: 'circumvention',
  async fetch(ctx, country, from, until) {
    const rows = resultRows(
      await ctx.get(
        aggregationUrl(ctx, {
          probe_cc: country,
          test_name: CIRCUMVENTION_TESTS.join(','),
          since: from,
          until: addDays(until, 1),
          axis_x: 'measurement_start_day',
          axis_y: 'test_name',
          time_grain: 'day',
        }),
      ),
    );
    const out = new Map<string, Record<string, OoniCounts>>(daysBetween(from, until).map((d) => [d, {}]));
    for (const row of rows) {
      const day = rowDay(row);
      const test = row.test_name;
      if (!day || !out.has(day) || typeof test !== 'string') continue;
      if (!(CIRCUMVENTION_TESTS as readonly string[]).includes(test)) continue;
      const perTest = out.get(day)!;
      perTest[test] = addCounts(perTest[test] ?? zeroCounts(), readCounts(row));
    }
    return out as Map<string, unknown>;
  },
};

function median(values: number[]): number | null {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Days before the window whose median anomalous share is the comparison ("the month's median"). */
export const BASELINE_DAYS = 30;

function percent(share: number): string {
  const p = share * 100;
  return `${p >= 10 || p === 0 ? Math.round(p) : p.toFixed(1)}%`;
}

function times(ratio: number): string {
  return ratio >= 10 ? `×${Math.round(ratio)}` : `×${Number(ratio.toFixed(1))}`;
}

export function explorerUrl(
  country: string,
  from: string,
  until: string,
  testName: string,
  domain?: string,
): string {
  const u = new URL('https://explorer.ooni.org/chart/mat');
  u.searchParams.set('probe_cc', country);
  u.searchParams.set('since', from);
  u.searchParams.set('until', addDays(until, 1));
  u.searchParams.set('test_name', testName);
  if (domain) u.searchParams.set('domain', domain);
  u.searchParams.set('axis_x', 'measurement_start_day');
  u.searchParams.set('time_grain', 'day');
  return u.toString();
}

/**
 * Web connectivity evidence from per-day counts of the window and, when given, of the
 * BASELINE_DAYS before it (null when the baseline could not be fetched).
 */
export function webConnectivityEvidence(
  country: string,
  from: string,
  until: string,
  days: Map<string, OoniCounts>,
  baseline: Map<string, OoniCounts> | null,
  domain?: string,
): Evidence {
  let total = zeroCounts();
  const perDay = daysBetween(from, until).map((day) => {
    const c = days.get(day) ?? zeroCounts();
    total = addCounts(total, c);
    return { day, ...c };
  });
  const share = anomalousShare(total);
  const baselineShares = baseline
    ? [...baseline.values()].map(anomalousShare).filter((s): s is number => s !== null)
    : [];
  const baselineMedian = median(baselineShares);
  const ratio =
    share !== null && baselineMedian !== null && baselineMedian > 0 ? share / baselineMedian : null;
  const what = domain ? `tests of ${domain}` : 'web tests';
  const when = dayRangeLabel(from, until);
  let summary: string;
  if (share === null) summary = `no OONI ${what} from ${country} on ${when}`;
  else {
    summary = `${percent(share)} of ${what} anomalous in ${country} on ${when} (${total.measurement_count} measurements)`;
    if (ratio !== null) summary += `, ${times(ratio)} the month's median`;
    else if (baselineMedian === 0) summary += ", the month's median was 0%";
  }
  return {
    source: 'ooni',
    country,
    from,
    until,
    kind: domain ? 'web_connectivity_domain' : 'web_connectivity',
    summary,
    figures: {
      test_name: 'web_connectivity',
      ...(domain ? { domain } : {}),
      ...total,
      anomalous_share: share,
      days: perDay,
      baseline: baseline
        ? {
            from: addDays(from, -BASELINE_DAYS),
            until: addDays(from, -1),
            days_with_measurements: baselineShares.length,
            median_anomalous_share: baselineMedian,
          }
        : null,
      ratio_to_baseline_median: ratio,
    },
    url: explorerUrl(country, from, until, 'web_connectivity', domain),
  };
}

const TEST_LABELS: Record<string, string> = {
  tor: 'Tor',
  torsf: 'Tor Snowflake',
  vanilla_tor: 'vanilla Tor',
  psiphon: 'Psiphon',
};

export function circumventionEvidence(
  country: string,
  from: string,
  until: string,
  days: Map<string, Record<string, OoniCounts>>,
): Evidence {
  const perTest: Record<string, OoniCounts & { anomalous_share: number | null }> = {};
  let total = zeroCounts();
  for (const test of CIRCUMVENTION_TESTS) {
    let c = zeroCounts();
    for (const day of daysBetween(from, until)) c = addCounts(c, days.get(day)?.[test] ?? zeroCounts());
    total = addCounts(total, c);
    perTest[test] = { ...c, anomalous_share: anomalousShare(c) };
  }
  const share = anomalousShare(total);
  const parts = CIRCUMVENTION_TESTS.filter((t) => perTest[t]!.measurement_count > 0).map((t) => {
    const c = perTest[t]!;
    return `${TEST_LABELS[t]} ${c.anomaly_count + c.confirmed_count}/${c.measurement_count}`;
  });
  return {
    source: 'ooni',
    country,
    from,
    until,
    kind: 'circumvention',
    summary:
      share === null
        ? `no OONI circumvention tests from ${country} on ${dayRangeLabel(from, until)}`
        : `circumvention tests anomalous in ${country} on ${dayRangeLabel(from, until)}: ${parts.join(', ')}`,
    figures: { tests: perTest, ...total, anomalous_share: share },
    url: explorerUrl(country, from, until, 'tor'),
  };
}
