// Errors of the ingest stages. Messages are one line and name the URL or the problem, so
// the poll loop can store them as a feed's last error and the CLI can print them as is.

export type FetchErrorCode =
  | 'bad-url'
  | 'blocked-address'
  | 'timeout'
  | 'too-large'
  | 'too-many-redirects'
  | 'http-status'
  | 'bad-encoding'
  | 'network';

export class FetchError extends Error {
  readonly code: FetchErrorCode;
  readonly url: string;
  /** HTTP status for `http-status`, else null. */
  readonly status: number | null;
  /** From Retry-After (seconds or HTTP-date) on 429/503, else null. */
  readonly retryAfterMs: number | null;

  constructor(
    code: FetchErrorCode,
    url: string,
    detail: string,
    extra: { status?: number | null; retryAfterMs?: number | null; cause?: unknown } = {},
  ) {
    super(`fetch ${url}: ${detail}`, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.name = 'FetchError';
    this.code = code;
    this.url = url;
    this.status = extra.status ?? null;
    this.retryAfterMs = extra.retryAfterMs ?? null;
  }
}

export type FeedParseErrorCode = 'not-a-feed' | 'xml-error' | 'json-error';

/** The document is not a usable feed. `message` is the one line to show ("not a feed: …"). */
export class FeedParseError extends Error {
  readonly code: FeedParseErrorCode;
  /** 1-based line of an XML/JSON syntax error, when known. */
  readonly line: number | null;

  constructor(code: FeedParseErrorCode, message: string, line: number | null = null) {
    super(message);
    this.name = 'FeedParseError';
    this.code = code;
    this.line = line;
  }
}
