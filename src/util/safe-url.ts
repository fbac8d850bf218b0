// Links built from feed URLs, which are untrusted: only http(s) ever becomes a link. Each
// output format then encodes what would end its own link syntax early.

/** The URL parsed, when it is an absolute http(s) URL; null for anything else. */
export function httpUrl(url: string | null | undefined): URL | null {
  if (!url) return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed : null;
}

/**
 * An http(s) URL for a Markdown link destination (`(…)` or `(<…>)`): parentheses, angle
 * brackets and spaces are percent-encoded so the URL cannot end the link early; null if
 * the URL is not http(s).
 */
export function markdownLinkUrl(url: string | null | undefined): string | null {
  return (
    httpUrl(url)?.href.replace(
      /[()<> ]/g,
      (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`,
    ) ?? null
  );
}
