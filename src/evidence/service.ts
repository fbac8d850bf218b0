// The evidence service: answers "what do the measurement sources say about this country on
// these days?" from the archive's cache, asking an API only for days not cached yet (one
// request per source, query, country and span of missing days, shared by every caller
// that wants it at the same moment), within an hourly request budget, backing off a source
// that answered 429 for as long as its Retry-After says. A failure is reported as
// "unavailable", never as zero.
import type { EvidenceConfig } from '../config.ts';
import type { Logger } from '../log.ts';
import type { StoredItem } from '../model.ts';
import type { Store } from '../store/types.ts';
import { addDays, dayOf, dayRangeLabel, dayToMs } from './days.ts';
import { EvidenceHttpError, getJson, type FetchLike } from './http.ts';
import {
  iodaEventsEvidence,
  iodaEventsQuery,
  iodaExplorerUrl,
  iodaSignalsEvidence,
  iodaSignalsQuery,
  type IodaEvent,
  type SignalDay,
} from './ioda.ts';
import {
  BASELINE_DAYS,
  circumventionEvidence,
  circumventionQuery,
  explorerUrl,
  webConnectivityEvidence,
  webConnectivityQuery,
  type OoniCounts,
} from './ooni.ts';
import type { DayQuery, QueryContext } from './query.ts';
import {
  radarAnnotationsQuery,
  radarAnomaliesQuery,
  radarEvidence,
  radarUrl,
  type RadarEntry,
} from './radar.ts';
import type { Evidence, EvidenceSource } from './types.ts';

/** A day's cached answer is final this long after the day ended (late uploads settle). */
const FINAL_AFTER_MS = 3 * 86_400_000;
/** Until then it is asked again after this long. */
const FRESH_MS = 6 * 3_600_000;
/** Days before a story's publication day that its evidence covers (and the day itself). */
export const ITEM_WINDOW_DAYS_BEFORE = 2;
/** Countries per story that get evidence. */
const MAX_COUNTRIES = 2;

export class EvidenceUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EvidenceUnavailable';
  }
}

export interface EvidenceServiceOptions {
  store: Store;
  config: EvidenceConfig;
  logger?: Logger;
  now?: () => Date;
  fetch?: FetchLike;
  timeoutMs?: number;
}

export interface WindowOptions {
  /** Also ask OONI about this domain's web connectivity. */
  domain?: string;
}

const LABELS: Record<EvidenceSource, string> = { ooni: 'OONI', ioda: 'IODA', radar: 'Cloudflare Radar' };

/** The countries of a story that get evidence: tagged shutdowns or censorship, with a country. */
export function evidenceCountries(item: Pick<StoredItem, 'themes' | 'regions'>): string[] {
  if (!item.themes.includes('shutdowns') && !item.themes.includes('censorship')) return [];
  return item.regions.filter((r) => /^[A-Z]{2}$/.test(r) && r !== 'EU').slice(0, MAX_COUNTRIES);
}

/** The days a story's evidence covers: its publication day and the two before (UTC). */
export function itemWindow(item: Pick<StoredItem, 'published'>, now: Date): { from: string; until: string } {
  const today = dayOf(now);
  const published = dayOf(item.published);
  const until = published < today ? published : today;
  return { from: addDays(until, -ITEM_WINDOW_DAYS_BEFORE), until };
}

/** A domain the story names (e.g. "telegram.org"), for OONI's per-domain figures. */
export function namedDomain(item: Pick<StoredItem, 'title' | 'summary' | 'url'>): string | undefined {
  const own = item.url ? safeHost(item.url) : null;
  const re = /\b((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:com|org|net|io|me|app|tv|info))\b/gi;
  for (const m of `${item.title} ${item.summary}`.matchAll(re)) {
    const d = m[1]!.toLowerCase().replace(/^www\./, '');
    if (d !== own && !own?.endsWith(`.${d}`)) return d;
  }
  return undefined;
}

function safeHost(url: string): string | null {
  try {
    return new URL(url).hostname.replace(/^www\./, '').toLowerCase();
  } catch {
    return null;
  }
}

export class EvidenceService {
  private readonly now: () => Date;
  private readonly sent: number[] = [];
  private readonly blocked = new Map<EvidenceSource, { until: number; failures: number; reason: string }>();
  private readonly inflight = new Map<string, Promise<Map<string, unknown>>>();
  /** HTTP requests made (for tests and logs). */
  requests = 0;

  constructor(private readonly opts: EvidenceServiceOptions) {
    this.now = opts.now ?? (() => new Date());
  }

  get config(): EvidenceConfig {
    return this.opts.config;
  }

  /** Every source's evidence for a country over [from, until] (days, inclusive; clipped to today). */
  async forWindow(
    country: string,
    from: string,
    until: string,
    opts: WindowOptions = {},
  ): Promise<Evidence[]> {
    const cc = country.toUpperCase();
    const today = dayOf(this.now());
    const last = until > today ? today : until;
    const out: Evidence[] = [];

    const web = webConnectivityQuery();
    const days = await this.attempt(() => this.cached<OoniCounts>(web, cc, from, last));
    if (typeof days === 'string')
      out.push(
        this.unavailable(
          'ooni',
          'web_connectivity',
          cc,
          from,
          last,
          days,
          explorerUrl(cc, from, last, 'web_connectivity'),
        ),
      );
    else {
      const base = await this.attempt(() =>
        this.cached<OoniCounts>(web, cc, addDays(from, -BASELINE_DAYS), addDays(from, -1)),
      );
      out.push(webConnectivityEvidence(cc, from, last, days, typeof base === 'string' ? null : base));
    }
    const circ = await this.attempt(() =>
      this.cached<Record<string, OoniCounts>>(circumventionQuery, cc, from, last),
    );
    out.push(
      typeof circ === 'string'
        ? this.unavailable('ooni', 'circumvention', cc, from, last, circ, explorerUrl(cc, from, last, 'tor'))
        : circumventionEvidence(cc, from, last, circ),
    );
    if (opts.domain) {
      const q = webConnectivityQuery(opts.domain);
      const dom = await this.attempt(() => this.cached<OoniCounts>(q, cc, from, last));
      out.push(
        typeof dom === 'string'
          ? this.unavailable(
              'ooni',
              'web_connectivity_domain',
              cc,
              from,
              last,
              dom,
              explorerUrl(cc, from, last, 'web_connectivity', opts.domain),
            )
          : webConnectivityEvidence(cc, from, last, dom, null, opts.domain),
      );
    }

    const events = await this.attempt(() => this.cached<IodaEvent[]>(iodaEventsQuery, cc, from, last));
    out.push(
      typeof events === 'string'
        ? this.unavailable('ioda', 'outage_events', cc, from, last, events, iodaExplorerUrl(cc, from, last))
        : iodaEventsEvidence(cc, from, last, events),
    );
    const signals = await this.attempt(() => this.cached<SignalDay>(iodaSignalsQuery, cc, from, last));
    out.push(
      typeof signals === 'string'
        ? this.unavailable('ioda', 'signals', cc, from, last, signals, iodaExplorerUrl(cc, from, last))
        : iodaSignalsEvidence(cc, from, last, signals),
    );

    if (this.opts.config.cloudflareToken) {
      for (const [q, kind] of [
        [radarAnnotationsQuery, 'outage_annotations'],
        [radarAnomaliesQuery, 'traffic_anomalies'],
      ] as const) {
        const r = await this.attempt(() => this.cached<RadarEntry[]>(q, cc, from, last));
        out.push(
          typeof r === 'string'
            ? this.unavailable('radar', kind, cc, from, last, r, radarUrl(cc))
            : radarEvidence(kind, cc, from, last, r),
        );
      }
    }
    return out;
  }

  /** Evidence for each country of a story (none when it is not a shutdown/censorship story). */
  async forItem(item: StoredItem): Promise<Array<{ country: string; evidence: Evidence[] }>> {
    const countries = evidenceCountries(item);
    if (!countries.length) return [];
    const { from, until } = itemWindow(item, this.now());
    const domain = namedDomain(item);
    const out: Array<{ country: string; evidence: Evidence[] }> = [];
    for (const country of countries) {
      out.push({ country, evidence: await this.forWindow(country, from, until, domain ? { domain } : {}) });
    }
    return out;
  }

  private unavailable(
    source: EvidenceSource,
    kind: string,
    country: string,
    from: string,
    until: string,
    reason: string,
    url: string,
  ): Evidence {
    return {
      source,
      country,
      from,
      until,
      kind,
      summary: `${LABELS[source]} unavailable for ${country} on ${dayRangeLabel(from, until)}: ${reason}`,
      figures: null,
      url,
    };
  }

  /** The result, or the reason it could not be had. */
  private async attempt<T>(f: () => Promise<T>): Promise<T | string> {
    try {
      return await f();
    } catch (err) {
      if (err instanceof EvidenceUnavailable) return err.message;
      return (err as Error).message || String(err);
    }
  }

  /** Per-day payloads for [from, until] from the cache, asking the API once for what is missing. */
  private async cached<T>(
    q: DayQuery,
    country: string,
    from: string,
    until: string,
  ): Promise<Map<string, T>> {
    const now = this.now().getTime();
    const rows = await this.opts.store.evidence.getDays(q.source, q.query, country, from, until);
    const have = new Map<string, unknown>();
    for (const r of rows) {
      const fetched = Date.parse(r.fetchedAt);
      const final = fetched >= dayToMs(r.day)! + 86_400_000 + FINAL_AFTER_MS;
      if (final || now - fetched < FRESH_MS) have.set(r.day, r.payload);
    }
    const missing: string[] = [];
    for (let d = from; d <= until; d = addDays(d, 1)) if (!have.has(d)) missing.push(d);
    if (missing.length) {
      const spanFrom = missing[0]!;
      const spanUntil = missing[missing.length - 1]!;
      const key = `${q.source}|${q.query}|${country}|${spanFrom}|${spanUntil}`;
      let pending = this.inflight.get(key);
      if (!pending) {
        pending = this.fetchSpan(q, country, spanFrom, spanUntil).finally(() => this.inflight.delete(key));
        this.inflight.set(key, pending);
      }
      for (const [day, payload] of await pending) have.set(day, payload);
    }
    return have as Map<string, T>;
  }

  private async fetchSpan(
    q: DayQuery,
    country: string,
    from: string,
    until: string,
  ): Promise<Map<string, unknown>> {
    const ctx: QueryContext = {
      config: this.opts.config,
      get: (url, headers) => this.get(q.source, url, headers),
    };
    const fetchedAt = this.now().toISOString();
    const days = await q.fetch(ctx, country, from, until);
    await this.opts.store.evidence.putDays(
      [...days].map(([day, payload]) => ({
        source: q.source,
        query: q.query,
        country,
        day,
        payload,
        fetchedAt,
      })),
    );
    return days;
  }

  private async get(source: EvidenceSource, url: string, headers?: Record<string, string>): Promise<unknown> {
    const now = this.now().getTime();
    const block = this.blocked.get(source);
    if (block && block.until > now) {
      throw new EvidenceUnavailable(
        `${block.reason}; not asked again before ${new Date(block.until).toISOString().slice(11, 16)} UTC`,
      );
    }
    while (this.sent.length && this.sent[0]! <= now - 3_600_000) this.sent.shift();
    if (this.sent.length >= this.opts.config.hourlyBudget) {
      throw new EvidenceUnavailable('hourly request budget reached (GOVWATCH_EVIDENCE_HOURLY_BUDGET)');
    }
    this.sent.push(now);
    this.requests++;
    try {
      const body = await getJson(url, {
        ...(headers ? { headers } : {}),
        ...(this.opts.fetch ? { fetch: this.opts.fetch } : {}),
        timeoutMs: this.opts.timeoutMs ?? 20_000,
        now: this.now,
      });
      this.blocked.delete(source);
      return body;
    } catch (err) {
      const failures = (block?.failures ?? 0) + 1;
      const http = err instanceof EvidenceHttpError ? err : null;
      // 429/503: wait what the source asked (at least a minute); other failures: a short,
      // growing pause so a source that is down is not asked for every story.
      const waitMs =
        http && (http.status === 429 || http.status === 503)
          ? Math.max(http.retryAfterMs ?? 60_000 * 2 ** (failures - 1), 1_000)
          : Math.min(30_000 * 2 ** (failures - 1), 15 * 60_000);
      const reason = (err as Error).message;
      this.blocked.set(source, {
        until: this.now().getTime() + Math.min(waitMs, 6 * 3_600_000),
        failures,
        reason,
      });
      this.opts.logger?.warn({ source, error: reason, retry_in_ms: waitMs }, 'evidence source failed');
      throw new EvidenceUnavailable(reason);
    }
  }
}

const services = new WeakMap<Store, EvidenceService>();

/** One service per open archive, so the hourly budget and back-off are shared in a process. */
export function evidenceServiceFor(store: Store, config: EvidenceConfig, logger?: Logger): EvidenceService {
  let s = services.get(store);
  if (!s) {
    // 10 s per request: a delivery waits for evidence it has not cached yet.
    s = new EvidenceService({ store, config, timeoutMs: 10_000, ...(logger ? { logger } : {}) });
    services.set(store, s);
  }
  return s;
}
