import { readFileSync } from 'node:fs';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { decodeFeed, normalizeCharset } from '../../src/ingest/decode.ts';

const fixture = (name: string): Buffer => readFileSync(new URL(`../fixtures/feeds/${name}`, import.meta.url));

// [fixture, Content-Type header, expected charset, expected source, text that must appear]
const cases: [string, string | null, string, string, string][] = [
  ['rss2-ru-cp1251.xml', null, 'windows-1251', 'xml', 'Роскомсвобода'],
  ['rss2-ru-cp1251.xml', 'application/rss+xml; charset=windows-1251', 'windows-1251', 'http', 'оштрафовал'],
  // Declared in HTTP only, not in the XML declaration.
  [
    'rss2-ru-cp1251-undeclared.xml',
    'text/xml; charset="windows-1251"',
    'windows-1251',
    'http',
    'Блокировки VPN',
  ],
  // Declared nowhere: detected.
  ['rss2-ru-cp1251-undeclared.xml', 'text/xml', 'windows-1251', 'detected', 'Блокировки VPN'],
  // HTTP says UTF-8 (a server default), the bytes are not: the XML declaration is used.
  ['rss2-ru-cp1251.xml', 'text/xml; charset=utf-8', 'windows-1251', 'xml', 'Роскомсвобода'],
  ['rss2-ru-koi8r.xml', null, 'koi8-r', 'xml', 'Суд оштрафовал Google'],
  ['rss2-ru-koi8r.xml', 'application/xml; charset=KOI8-R', 'koi8-r', 'http', 'четвёртый'],
  // GB2312 is read as GB18030, as browsers do: 镕 is outside GB2312.
  ['rss2-zh-gb2312.xml', null, 'gb18030', 'xml', '朱镕基谈网络安全'],
  ['rss2-zh-gb2312.xml', 'text/xml; charset=GBK', 'gb18030', 'http', '网络数据安全管理条例'],
  ['rss2-zh-big5.xml', null, 'big5', 'xml', '台灣人權促進會'],
  ['rss2-zh-big5.xml', 'text/xml; charset=big5', 'big5', 'http', '數位中介服務法草案'],
  // A BOM overrides both the HTTP charset and the XML declaration.
  ['rss2-ru-bom-lying-decl.xml', 'text/xml; charset=koi8-r', 'utf-8', 'bom', 'Роскомсвобода'],
  ['atom10-utf16le-bom.xml', 'application/atom+xml; charset=iso-8859-1', 'utf-16le', 'bom', 'Überwachung'],
  ['rss2-ar-smex.xml', null, 'utf-8', 'xml', 'قطع الإنترنت'],
  // A legacy charset declared over bytes that are valid multi-byte UTF-8 is clearly wrong.
  ['rss2-ar-smex.xml', 'text/xml; charset=windows-1256', 'utf-8', 'xml', 'قطع الإنترنت'],
];

describe('decodeFeed', () => {
  it.each(cases)('%s with %j → %s from %s', (name, contentType, charset, source, expected) => {
    const decoded = decodeFeed(fixture(name), contentType);
    expect(decoded.charset).toBe(charset);
    expect(decoded.source).toBe(source);
    expect(decoded.text).toContain(expected);
    expect(decoded.text).not.toContain('\uFFFD');
    expect(decoded.text.charCodeAt(0)).not.toBe(0xfeff);
  });

  it('detects KOI8-R and GB18030 and Big5 without any declaration', () => {
    const strip = (buf: Buffer): Buffer =>
      Buffer.from(buf.toString('latin1').replace(/ encoding="[^"]+"/, ''), 'latin1');
    expect(decodeFeed(strip(fixture('rss2-ru-koi8r.xml'))).charset).toBe('koi8-r');
    expect(decodeFeed(strip(fixture('rss2-zh-gb2312.xml'))).charset).toBe('gb18030');
    expect(decodeFeed(strip(fixture('rss2-zh-big5.xml'))).charset).toBe('big5');
  });

  it.each([
    ['valid UTF-8 with nothing declared', Buffer.from('<rss>Ünïcødé</rss>'), null, 'default'],
    [
      'UTF-8 declared over valid multi-byte UTF-8, against an HTTP legacy label',
      Buffer.from('<?xml version="1.0"?><rss>Привет</rss>'),
      'text/xml; charset=windows-1251',
      'detected',
    ],
  ] as const)('decodes %s as UTF-8 (%s)', (_label, body, contentType, source) => {
    const decoded = decodeFeed(body, contentType);
    expect(decoded).toMatchObject({ charset: 'utf-8', source });
  });

  it('keeps UTF-8 whose one character was cut in half', () => {
    const good = Buffer.from('<rss><title>Суд оштрафовал компанию за отказ удалять ролики</title></rss>');
    const broken = Buffer.concat([good.subarray(0, 20), Buffer.from([0xd0]), good.subarray(20)]);
    const decoded = decodeFeed(broken, 'text/xml; charset=utf-8');
    expect(decoded).toMatchObject({ charset: 'utf-8', source: 'detected' });
    expect(decoded.text).toContain('оштрафовал компанию');
  });

  it('reads UTF-16 without a BOM from the shape of the XML declaration', () => {
    const body = iconv.encode(
      '<?xml version="1.0" encoding="UTF-16BE"?><rss version="2.0"><channel><title>Ünï</title></channel></rss>',
      'utf-16be',
    );
    const decoded = decodeFeed(body);
    expect(decoded.charset).toBe('utf-16be');
    expect(decoded.text).toContain('Ünï');
  });

  it('treats ISO-8859-1 as windows-1252 like browsers', () => {
    const body = Buffer.from([...Buffer.from('<a>'), 0x93, 0x71, 0x94, 0x80, ...Buffer.from('</a>')]);
    expect(decodeFeed(body, 'text/xml; charset=ISO-8859-1').text).toBe('<a>“q”€</a>');
  });

  it.each([
    ['GB2312', 'gb18030'],
    ['x-gbk', 'gb18030'],
    ['"utf-8"', 'utf-8'],
    ['UTF8', 'utf-8'],
    ['us-ascii', 'windows-1252'],
    ['KOI8-U', 'koi8-u'],
    ['no-such-charset', null],
  ])('normalizes the label %s to %s', (label, expected) => {
    expect(normalizeCharset(label)).toBe(expected);
  });
});
