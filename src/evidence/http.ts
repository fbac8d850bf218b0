// GET a JSON document from an evidence API: a timeout, a size cap, and errors that say
// whether the source asked us to wait (429 with Retry-After).
export class EvidenceHttpError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    /** Milliseconds the source asked us to wait (429/503 Retry-After), if it said. */
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
    this.name = 'EvidenceHttpError';
  }
}

export type FetchLike = (
  url: string,
  init: { headers: Record<string, string>; signal: AbortSignal },
) => Promise<Response>;

export interface HttpOptions {
  timeoutMs?: number;
  maxBytes?: number;
  headers?: Record<string, string>;
  fetch?: FetchLike;
  now?: () => Date;
}

/** Retry-After as seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: Date): number | null {
  if (!value) return null;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isFinite(at) ? Math.max(0, at - now.getTime()) : null;
}

export async function getJson(url: string, opts: HttpOptions = {}): Promise<unknown> {
  const doFetch: FetchLike = opts.fetch ?? ((u, init) => fetch(u, init));
  const now = opts.now ?? (() => new Date());
  let res: Response;
  try {
    res = await doFetch(url, {
      headers: { accept: 'application/json', 'user-agent': 'govwatch (evidence)', ...opts.headers },
      signal: AbortSignal.timeout(opts.timeoutMs ?? 20_000),
    });
  } catch (err) {
    const e = err as Error;
    throw new EvidenceHttpError(e.name === 'TimeoutError' ? 'timed out' : `unreachable (${e.message})`, null);
  }
  if (res.status === 429 || res.status === 503) {
    await res.body?.cancel().catch(() => {});
    throw new EvidenceHttpError(
      res.status === 429 ? 'rate-limited (429)' : 'unavailable (503)',
      res.status,
      parseRetryAfter(res.headers.get('retry-after'), now()),
    );
  }
  const text = await res.text();
  if (text.length > (opts.maxBytes ?? 5_000_000)) throw new EvidenceHttpError('answer too large', res.status);
  if (!res.ok) throw new EvidenceHttpError(`HTTP ${res.status}`, res.status);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new EvidenceHttpError('answer is not JSON', res.status);
  }
}

/** `base` + `path`, where base may already end with `prefix` (e.g. `/v2`): not doubled. */
export function joinBase(base: string, prefix: string, path: string): string {
  const b = base.replace(/\/+$/, '');
  return b.endsWith(prefix) ? `${b}${path}` : `${b}${prefix}${path}`;
}
