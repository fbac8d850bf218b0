// Absolute and canonical URLs for items: resolved against xml:base or the feed's own URL,
// http(s) only, lowercase host, no fragment, no tracking parameters. The other query
// parameters keep their order and their exact spelling.

const TRACKING_PREFIXES = ['utm_', 'pk_', 'mtm_', 'hsa_', 'oly_', '__hs'];
const TRACKING_PARAMS = new Set([
  'fbclid',
  'gclid',
  'gclsrc',
  'dclid',
  'gbraid',
  'wbraid',
  'msclkid',
  'yclid',
  'ysclid',
  'twclid',
  'igshid',
  'mc_cid',
  'mc_eid',
  '_hsenc',
  '_hsmi',
  'hsctatracking',
  'mkt_tok',
  '_openstat',
  'vero_id',
  'vero_conv',
  'wt.mc_id',
  'wt.mc_ev',
  's_cid',
  'ncid',
  'sr_share',
  'rb_clickid',
  '_ga',
  '_gl',
  'spm',
  'share_source',
  'utm',
]);

function isTracking(name: string): boolean {
  let key = name.toLowerCase();
  try {
    key = decodeURIComponent(key.replace(/\+/g, ' '));
  } catch {
    // keep the raw name
  }
  return TRACKING_PARAMS.has(key) || TRACKING_PREFIXES.some((p) => key.startsWith(p));
}

/** Resolve `raw` against `base`; null unless the result is an http(s) URL. */
export function absoluteUrl(raw: string | null | undefined, base?: string | null): string | null {
  const value = raw?.trim();
  if (!value) return null;
  let url: URL;
  try {
    url = base ? new URL(value, base) : new URL(value);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  return url.href;
}

/** Absolute URL without fragment and tracking parameters; null if not a usable http(s) URL. */
export function canonicalUrl(raw: string | null | undefined, base?: string | null): string | null {
  const href = absoluteUrl(raw, base);
  if (!href) return null;
  const url = new URL(href); // WHATWG parsing already lowercases the host and drops default ports
  url.hash = '';
  if (!url.search)
    url.search = ''; // drops a bare trailing "?"
  else {
    const kept = url.search
      .slice(1)
      .split('&')
      .filter((pair) => pair !== '' && !isTracking(pair.split('=', 1)[0] ?? ''));
    url.search = kept.length ? `?${kept.join('&')}` : '';
  }
  return url.href;
}
