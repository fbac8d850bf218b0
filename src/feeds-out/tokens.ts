// Private feed tokens: 32 random bytes (base64url), stored only as their SHA-256.
import { createHash, randomBytes } from 'node:crypto';

export function newFeedToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashFeedToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** What a well-formed token looks like; anything else is a 404 without a store lookup. */
export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** The URLs of a private feed, given the server's public base URL. */
export function privateFeedUrls(base: string, token: string): { atom: string; json: string } {
  return { atom: `${base}/feeds/private/${token}.atom`, json: `${base}/feeds/private/${token}.json` };
}

/** The base URL readers reach the server at: GOVWATCH_PUBLIC_URL, else host and port. */
export function publicBaseUrl(http: { host: string; port: number; publicUrl: string | undefined }): string {
  if (http.publicUrl) return http.publicUrl;
  const host = http.host.includes(':') ? `[${http.host}]` : http.host;
  return `http://${host}:${http.port}`;
}
