// One feed over HTTP(S) with the limits a poller needs: a conditional request (a 304 costs
// no parse), gzip/deflate/brotli, one total deadline over headers, redirects and body, a
// body cap counted after decompression, at most N redirects, Retry-After on 429/503, the
// address guard on every hop for untrusted URLs, and a per-host/global concurrency limit.
// node:http rather than global fetch: the guard needs its own DNS lookup on the socket.
import http from 'node:http';
import https from 'node:https';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { BlockedAddressError, checkUrlStatic, guardedLookup } from './address-guard.ts';
import type { AddressClassifier, Resolver } from './address-guard.ts';
import { FetchError } from './errors.ts';
import { readLocalFeed } from './local-feed.ts';
import type { FetchLimiter } from './limiter.ts';

export const DEFAULT_USER_AGENT = 'govwatch/0.1 (+https://github.com/govwatch/govwatch)';
export const DEFAULT_TIMEOUT_MS = 20_000;
export const DEFAULT_MAX_BYTES = 15 * 1024 * 1024;
export const DEFAULT_MAX_REDIRECTS = 5;

const ACCEPT =
  'application/rss+xml, application/atom+xml, application/feed+json, application/rdf+xml;q=0.9, ' +
  'application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5';

export interface FetchFeedOptions {
  /** Validators from the last successful fetch: a 304 then returns `not-modified`. */
  etag?: string | null;
  lastModified?: string | null;
  /** One deadline for the whole fetch (redirects, headers and body), from the first slot. */
  timeoutMs?: number;
  /** Cap on the body after decompression. */
  maxBytes?: number;
  maxRedirects?: number;
  userAgent?: string;
  /** The URL is untrusted (added from chat): apply the address guard on every hop. */
  guard?: boolean;
  /** Operator override of the guard (GOVWATCH_ALLOW_PRIVATE_URLS=1). */
  allowPrivate?: boolean;
  /** DNS for guarded requests (tests inject one). */
  resolver?: Resolver;
  /** Address rule for guarded requests (tests only). */
  classify?: AddressClassifier;
  limiter?: FetchLimiter;
  signal?: AbortSignal;
  now?: () => Date;
}

export interface FetchedFeed {
  status: 'ok';
  httpStatus: number;
  body: Buffer;
  /** The Content-Type header as sent (its charset parameter matters for decoding). */
  contentType: string | null;
  etag: string | null;
  lastModified: string | null;
  /** URL after redirects: the base for the feed's relative links. */
  finalUrl: string;
  /** From Cache-Control max-age or Expires: no need to ask again before this. */
  freshUntil: Date | null;
}

export interface NotModified {
  status: 'not-modified';
  etag: string | null;
  lastModified: string | null;
  finalUrl: string;
  freshUntil: Date | null;
}

export type FetchFeedResult = FetchedFeed | NotModified;

/** Retry-After as delay-seconds or HTTP-date, in ms from `now`; null if absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: Date): number | null {
  const v = value?.trim();
  if (!v) return null;
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const t = Date.parse(v);
  return Number.isNaN(t) ? null : Math.max(0, t - now.getTime());
}

/** Cache-Control max-age (preferred) or Expires, as an absolute time; null when absent. */
export function freshUntilFrom(headers: IncomingHttpHeaders, now: Date): Date | null {
  const cc = headers['cache-control'] ?? '';
  if (/\bno-(?:cache|store)\b/i.test(cc)) return null;
  const maxAge = /\bmax-age\s*=\s*"?(\d+)/i.exec(cc);
  if (maxAge?.[1]) {
    const seconds = Number(maxAge[1]);
    return seconds > 0 ? new Date(now.getTime() + seconds * 1000) : null;
  }
  const expires = headers.expires ? Date.parse(headers.expires) : NaN;
  return Number.isFinite(expires) && expires > now.getTime() ? new Date(expires) : null;
}

function header(headers: IncomingHttpHeaders, name: string): string | null {
  const v = headers[name];
  return (Array.isArray(v) ? v[0] : v) ?? null;
}

function looksLikeZlib(chunk: Buffer): boolean {
  const [a = 0, b = 0] = chunk;
  return (a & 0x0f) === 8 && ((a << 8) | b) % 31 === 0;
}

/** Read the body, decompressing, and fail once more than `maxBytes` come out. */
async function readBody(res: IncomingMessage, url: string, maxBytes: number): Promise<Buffer> {
  const encoding = (header(res.headers, 'content-encoding') ?? '').trim().toLowerCase();
  const declared = Number(header(res.headers, 'content-length') ?? NaN);
  if ((!encoding || encoding === 'identity') && declared > maxBytes) {
    res.destroy();
    throw new FetchError('too-large', url, `body of ${declared} bytes exceeds the ${maxBytes}-byte limit`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  // Kept aside: pipeline may reject with the AbortError of a destroyed stage instead.
  let overflow: FetchError | null = null;
  const sink = async (source: AsyncIterable<Buffer>): Promise<void> => {
    for await (const chunk of source) {
      size += chunk.length;
      if (size > maxBytes) {
        overflow = new FetchError(
          'too-large',
          url,
          `body exceeds the ${maxBytes}-byte limit (after decompression)`,
        );
        throw overflow;
      }
      chunks.push(chunk);
    }
  };
  try {
    if (!encoding || encoding === 'identity') await pipeline(res, sink);
    else if (encoding === 'gzip' || encoding === 'x-gzip') await pipeline(res, zlib.createGunzip(), sink);
    else if (encoding === 'br') await pipeline(res, zlib.createBrotliDecompress(), sink);
    else if (encoding === 'deflate') {
      // "deflate" is zlib-wrapped by the RFC but raw on some servers: look at the first bytes.
      const iterator = res[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
      const first = await iterator.next();
      if (first.done) return Buffer.alloc(0);
      const inflater = looksLikeZlib(first.value) ? zlib.createInflate() : zlib.createInflateRaw();
      const replay = async function* (): AsyncGenerator<Buffer> {
        yield first.value;
        for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
      };
      await pipeline(replay(), inflater, sink);
    } else {
      res.destroy();
      throw new FetchError('bad-encoding', url, `unsupported Content-Encoding "${encoding}"`);
    }
  } catch (err) {
    res.destroy();
    if (overflow) throw overflow;
    if (err instanceof FetchError) throw err;
    const code = (err as NodeJS.ErrnoException).code ?? '';
    if (
      code.startsWith('Z_') ||
      code.startsWith('ERR_BROTLI') ||
      /incorrect header|invalid|unexpected end of file/i.test(String(err))
    ) {
      throw new FetchError(
        'bad-encoding',
        url,
        `cannot decompress ${encoding} body: ${(err as Error).message}`,
      );
    }
    throw err;
  }
  return Buffer.concat(chunks, size);
}

function request(
  url: URL,
  headers: Record<string, string>,
  signal: AbortSignal,
  lookup?: http.RequestOptions['lookup'],
) {
  return new Promise<{ res: IncomingMessage }>((resolve, reject) => {
    const client = url.protocol === 'https:' ? https : http;
    const req = client.request(url, {
      method: 'GET',
      headers,
      signal,
      agent: false,
      ...(lookup ? { lookup } : {}),
    });
    req.on('response', (res) => resolve({ res }));
    req.on('error', reject);
    req.end();
  });
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** Fetch one feed. Throws FetchError (see its `code`) for everything that is not 2xx or 304. */
export async function fetchFeed(url: string, opts: FetchFeedOptions = {}): Promise<FetchFeedResult> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  // The operator's own sources may name a local file; an untrusted URL never reads one.
  if (/^file:/i.test(url)) {
    if (opts.guard) throw new FetchError('blocked-address', url, 'only http and https URLs are allowed');
    return readLocalFeed(url, { etag: opts.etag, maxBytes });
  }
  const maxRedirects = opts.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
  const now = opts.now ?? (() => new Date());
  const guardOpts = { allowPrivate: opts.allowPrivate, resolver: opts.resolver, classify: opts.classify };
  const guarded = !!opts.guard && !opts.allowPrivate;
  const headers: Record<string, string> = {
    'user-agent': opts.userAgent ?? DEFAULT_USER_AGENT,
    accept: ACCEPT,
    'accept-encoding': 'gzip, deflate, br',
  };
  if (opts.etag) headers['if-none-match'] = opts.etag;
  if (opts.lastModified) headers['if-modified-since'] = opts.lastModified;

  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let timedOut = false;
  const onOuterAbort = (): void => controller.abort(opts.signal?.reason);
  if (opts.signal?.aborted) controller.abort(opts.signal.reason);
  else opts.signal?.addEventListener('abort', onOuterAbort, { once: true });
  const startDeadline = (): void => {
    timer ??= setTimeout(() => {
      timedOut = true;
      controller.abort(new Error('deadline'));
    }, timeoutMs);
  };

  let current = url;
  try {
    for (let redirects = 0; ; redirects++) {
      let target: URL;
      try {
        target = new URL(current);
      } catch {
        throw new FetchError('bad-url', current, 'not a valid URL');
      }
      if (target.protocol !== 'http:' && target.protocol !== 'https:') {
        throw new FetchError('bad-url', current, `unsupported scheme ${target.protocol}`);
      }
      if (guarded) {
        try {
          checkUrlStatic(target, guardOpts);
        } catch (err) {
          if (err instanceof BlockedAddressError)
            throw new FetchError('blocked-address', current, err.message);
          throw err;
        }
      }
      const release = opts.limiter ? await opts.limiter.acquire(target.host) : () => {};
      startDeadline();
      try {
        if (controller.signal.aborted) throw controller.signal.reason;
        const { res } = await request(
          target,
          headers,
          controller.signal,
          guarded ? guardedLookup(guardOpts) : undefined,
        );
        const status = res.statusCode ?? 0;
        const location = header(res.headers, 'location');
        if (REDIRECTS.has(status) && location) {
          res.resume();
          if (redirects >= maxRedirects) {
            throw new FetchError(
              'too-many-redirects',
              url,
              `more than ${maxRedirects} redirects (last to ${location})`,
            );
          }
          current = new URL(location, target).href;
          continue;
        }
        const common = {
          etag: header(res.headers, 'etag'),
          lastModified: header(res.headers, 'last-modified'),
          finalUrl: target.href,
          freshUntil: freshUntilFrom(res.headers, now()),
        };
        if (status === 304) {
          res.resume();
          return { status: 'not-modified', ...common };
        }
        if (status < 200 || status >= 300) {
          res.resume();
          const retryAfterMs =
            status === 429 || status === 503
              ? parseRetryAfter(header(res.headers, 'retry-after') ?? undefined, now())
              : null;
          const wait = retryAfterMs === null ? '' : `, retry after ${Math.ceil(retryAfterMs / 1000)} s`;
          throw new FetchError(
            'http-status',
            current,
            `HTTP ${status} ${res.statusMessage ?? ''}`.trim() + wait,
            {
              status,
              retryAfterMs,
            },
          );
        }
        const body = await readBody(res, current, maxBytes);
        return {
          status: 'ok',
          httpStatus: status,
          body,
          contentType: header(res.headers, 'content-type'),
          ...common,
        };
      } finally {
        release();
      }
    }
  } catch (err) {
    if (err instanceof FetchError) throw err;
    if (timedOut) throw new FetchError('timeout', current, `timed out after ${timeoutMs} ms`, { cause: err });
    const cause = err instanceof Error && err.cause instanceof BlockedAddressError ? err.cause : err;
    if (cause instanceof BlockedAddressError) throw new FetchError('blocked-address', current, cause.message);
    if (opts.signal?.aborted) throw new FetchError('network', current, 'aborted', { cause: err });
    const e = err as NodeJS.ErrnoException;
    const detail = e.code
      ? `${e.code}${e.message && !e.message.includes(e.code) ? ` (${e.message})` : ''}`
      : (e.message ?? String(err));
    throw new FetchError('network', current, detail.split('\n')[0] ?? detail, { cause: err });
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onOuterAbort);
  }
}

/** Defaults bound once (from Config) for the poll loop: `(url, {etag, lastModified, guard})`. */
export function createFeedFetcher(defaults: Omit<FetchFeedOptions, 'etag' | 'lastModified' | 'guard'> = {}) {
  return (
    url: string,
    opts: Pick<FetchFeedOptions, 'etag' | 'lastModified' | 'guard' | 'signal'> = {},
  ): Promise<FetchFeedResult> => fetchFeed(url, { ...defaults, ...opts });
}
