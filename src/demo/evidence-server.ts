// A local stand-in for the evidence APIs (OONI aggregation, IODA v2 outages and signals,
// Cloudflare Radar outages and traffic anomalies), answering in their documented formats
// (docs/evidence.md) from a small data set: the offline demo serves recorded figures with
// it, and the tests drive it (failures, 429 with Retry-After, a request log).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CountsFixture {
  measurement_count: number;
  anomaly_count: number;
  confirmed_count: number;
  failure_count: number;
  ok_count: number;
}

export interface EvidenceFixture {
  /** Country → day (YYYY-MM-DD) → test name (or `web_connectivity@domain`) → counts. */
  ooni?: Record<string, Record<string, Record<string, CountsFixture>>>;
  ioda?: {
    /** Country → events (codf fields). */
    events?: Record<
      string,
      Array<{ start: number; duration: number; datasource: string; method?: string; score?: number }>
    >;
    /** Country → series (one value per `step` seconds from `from`). */
    signals?: Record<
      string,
      Array<{ datasource: string; from: number; step: number; values: Array<number | null> }>
    >;
  };
  radar?: {
    annotations?: Record<string, Array<Record<string, unknown>>>;
    anomalies?: Record<string, Array<Record<string, unknown>>>;
  };
}

export type StandinSource = 'ooni' | 'ioda' | 'radar';

export interface EvidenceStandin {
  baseUrl: string;
  /** Every request's path and query, in order. */
  requests: string[];
  /** Make a source answer this status (with Retry-After seconds, if given) until cleared. */
  fail(source: StandinSource, status: number, retryAfterSeconds?: number): void;
  clearFailures(): void;
  close(): Promise<void>;
}

function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

function sourceOf(path: string): StandinSource | null {
  if (path.startsWith('/api/v1/')) return 'ooni';
  if (path.startsWith('/v2/')) return 'ioda';
  if (path.startsWith('/client/v4/radar/')) return 'radar';
  return null;
}

function ooniAggregation(fx: EvidenceFixture, q: URLSearchParams): unknown {
  const ccs = (q.get('probe_cc') ?? '').split(',').filter(Boolean);
  const tests = (q.get('test_name') ?? '').split(',').filter(Boolean);
  const domain = q.get('domain');
  const since = q.get('since') ?? '0000-00-00';
  const until = q.get('until') ?? '9999-99-99';
  const byTest = q.get('axis_y') === 'test_name';
  const rows = new Map<string, Record<string, unknown>>();
  for (const cc of ccs) {
    for (const [day, perTest] of Object.entries(fx.ooni?.[cc] ?? {})) {
      if (day < since.slice(0, 10) || day >= until.slice(0, 10)) continue;
      for (const [key, c] of Object.entries(perTest)) {
        const [test, dom] = key.split('@') as [string, string | undefined];
        if (tests.length && !tests.includes(test)) continue;
        if ((domain ?? undefined) !== dom) continue;
        const rowKey = byTest ? `${day}|${test}` : day;
        const row = rows.get(rowKey) ?? {
          anomaly_count: 0,
          confirmed_count: 0,
          failure_count: 0,
          ok_count: 0,
          measurement_count: 0,
          measurement_start_day: day,
          ...(byTest ? { test_name: test } : {}),
        };
        for (const f of [
          'anomaly_count',
          'confirmed_count',
          'failure_count',
          'ok_count',
          'measurement_count',
        ] as const)
          row[f] = (row[f] as number) + c[f];
        rows.set(rowKey, row);
      }
    }
  }
  const result = [...rows.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, r]) => r);
  return {
    v: 0,
    dimension_count: byTest ? 2 : 1,
    result,
    db_stats: { row_count: result.length, bytes: 0, total_row_count: result.length, elapsed_seconds: 0.01 },
  };
}

function envelope(type: string, q: URLSearchParams, data: unknown): unknown {
  return {
    type,
    metadata: { requestTime: new Date().toISOString(), responseTime: new Date().toISOString() },
    requestParameters: Object.fromEntries(q),
    error: null,
    perf: null,
    data,
    copyright: 'stand-in data',
  };
}

function iodaEvents(fx: EvidenceFixture, q: URLSearchParams): unknown {
  const cc = q.get('entityCode') ?? '';
  const from = Number(q.get('from'));
  const until = Number(q.get('until'));
  const events = (fx.ioda?.events?.[cc] ?? [])
    .filter((e) => e.start < until && e.start + e.duration > from)
    .map((e) => ({
      location: `country/${cc}`,
      start: e.start,
      duration: e.duration,
      uncertainty: null,
      method: e.method ?? 'median',
      datasource: e.datasource,
      status: 0,
      fraction: null,
      score: e.score ?? 0,
      location_name: cc,
      overlaps_window: false,
    }));
  return envelope('outages.events', q, events);
}

function iodaSignals(fx: EvidenceFixture, cc: string, q: URLSearchParams): unknown {
  const from = Number(q.get('from'));
  const until = Number(q.get('until'));
  const series = (fx.ioda?.signals?.[cc] ?? []).map((s) => {
    const first = Math.max(0, Math.ceil((from - s.from) / s.step));
    const last = Math.min(s.values.length, Math.ceil((until - s.from) / s.step));
    return {
      entityType: 'country',
      entityCode: cc,
      entityName: cc,
      datasource: s.datasource,
      subtype: '',
      from: s.from + first * s.step,
      until: s.from + last * s.step,
      step: s.step,
      nativeStep: s.step,
      values: s.values.slice(first, last),
    };
  });
  return envelope('signals', q, [series]);
}

function radar(list: Array<Record<string, unknown>>, key: string, q: URLSearchParams): unknown {
  const start = Date.parse(q.get('dateStart') ?? '');
  const end = Date.parse(q.get('dateEnd') ?? '');
  const items = list.filter((a) => {
    const s = Date.parse(String(a.startDate));
    const e = a.endDate ? Date.parse(String(a.endDate)) : Infinity;
    return s <= end && e >= start;
  });
  return { success: true, errors: [], messages: [], result: { [key]: items } };
}

export async function startEvidenceStandin(fixture: EvidenceFixture): Promise<EvidenceStandin> {
  const requests: string[] = [];
  const failures = new Map<StandinSource, { status: number; retryAfter?: number }>();
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://standin');
    requests.push(`${url.pathname}${url.search}`);
    const source = sourceOf(url.pathname);
    const failure = source ? failures.get(source) : undefined;
    if (failure) {
      json(
        res,
        failure.status,
        { error: 'stand-in failure' },
        failure.retryAfter !== undefined ? { 'retry-after': String(failure.retryAfter) } : {},
      );
      return;
    }
    const q = url.searchParams;
    if (url.pathname === '/api/v1/aggregation') return json(res, 200, ooniAggregation(fixture, q));
    if (url.pathname === '/v2/outages/events') return json(res, 200, iodaEvents(fixture, q));
    const sig = /^\/v2\/signals\/raw\/country\/([A-Z]{2})$/.exec(url.pathname);
    if (sig) return json(res, 200, iodaSignals(fixture, sig[1]!, q));
    if (url.pathname.startsWith('/client/v4/radar/')) {
      if (!/^Bearer \S+/.test(req.headers.authorization ?? '')) {
        return json(res, 401, {
          success: false,
          errors: [{ code: 10000, message: 'Authentication error' }],
          result: null,
        });
      }
      const cc = q.get('location') ?? '';
      if (url.pathname === '/client/v4/radar/annotations/outages')
        return json(res, 200, radar(fixture.radar?.annotations?.[cc] ?? [], 'annotations', q));
      if (url.pathname === '/client/v4/radar/traffic_anomalies')
        return json(res, 200, radar(fixture.radar?.anomalies?.[cc] ?? [], 'trafficAnomalies', q));
    }
    json(res, 404, { error: 'not found' });
  };
  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    fail(source, status, retryAfterSeconds) {
      failures.set(source, {
        status,
        ...(retryAfterSeconds !== undefined ? { retryAfter: retryAfterSeconds } : {}),
      });
    },
    clearFailures() {
      failures.clear();
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
