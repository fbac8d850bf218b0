import { describe, expect, it } from 'vitest';
import { absoluteUrl, canonicalUrl } from '../../src/ingest/canonical-url.ts';

// [raw link, base, canonical]
const cases: [string, string | null, string | null][] = [
  ['https://example.org/a?utm_source=rss&utm_medium=feed', null, 'https://example.org/a'],
  ['https://example.org/a?id=5&utm_campaign=x&b=2', null, 'https://example.org/a?id=5&b=2'],
  ['https://example.org/a?b=2&a=1', null, 'https://example.org/a?b=2&a=1'],
  ['https://example.org/a?fbclid=IwAR0&gclid=x&yclid=1&msclkid=2', null, 'https://example.org/a'],
  ['https://example.org/a?mc_cid=1&mc_eid=2&_hsenc=3&_hsmi=4&q=keep', null, 'https://example.org/a?q=keep'],
  ['https://example.org/a?UTM_Source=x&Page=2', null, 'https://example.org/a?Page=2'],
  ['https://example.org/a#section-2', null, 'https://example.org/a'],
  ['HTTPS://WWW.Example.ORG:443/Path/Case', null, 'https://www.example.org/Path/Case'],
  ['http://example.org:80/x', null, 'http://example.org/x'],
  ['http://example.org:8080/x', null, 'http://example.org:8080/x'],
  ['https://example.org/search?q=a%20b&z=1+2', null, 'https://example.org/search?q=a%20b&z=1+2'],
  ['https://example.org/x?', null, 'https://example.org/x'],
  [
    '/deeplinks/2024/03/post',
    'https://www.eff.org/rss/updates.xml',
    'https://www.eff.org/deeplinks/2024/03/post',
  ],
  ['post.html?utm_source=a', 'https://blog.example/2024/', 'https://blog.example/2024/post.html'],
  ['//cdn.example/x', 'https://example.org/', 'https://cdn.example/x'],
  ['  https://example.org/trim  ', null, 'https://example.org/trim'],
  ['javascript:alert(1)', 'https://example.org/', null],
  ['mailto:a@example.org', null, null],
  ['ftp://example.org/file', null, null],
  ['relative/without/base', null, null],
  ['', 'https://example.org/', null],
];

describe('canonicalUrl', () => {
  it.each(cases)('canonicalizes %j (base %j) to %j', (raw, base, expected) => {
    expect(canonicalUrl(raw, base)).toBe(expected);
  });

  it('leaves absoluteUrl with its query and fragment', () => {
    expect(absoluteUrl('../b?utm_source=x#f', 'https://example.org/a/c')).toBe(
      'https://example.org/b?utm_source=x#f',
    );
  });
});
