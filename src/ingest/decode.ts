// Bytes to text the way browsers and mature feed readers decide the charset: a BOM wins,
// then the HTTP charset, then the XML declaration, and detection only when the bytes are
// not valid UTF-8. A declaration that is clearly wrong (UTF-8 declared but invalid, or a
// legacy charset declared for bytes that are valid multi-byte UTF-8) is passed over.
import { isUtf8 } from 'node:buffer';
import chardet from 'chardet';
import iconv from 'iconv-lite';

export type CharsetSource = 'bom' | 'http' | 'xml' | 'detected' | 'default';

export interface DecodedText {
  text: string;
  /** Canonical lowercase name, e.g. `utf-8`, `windows-1251`, `gb18030`. */
  charset: string;
  source: CharsetSource;
}

/** WHATWG-style aliases: labels that browsers decode with a superset charset. */
const ALIASES: Record<string, string> = {
  utf8: 'utf-8',
  'unicode-1-1-utf-8': 'utf-8',
  'x-unicode20utf8': 'utf-8',
  gb2312: 'gb18030',
  gbk: 'gb18030',
  'x-gbk': 'gb18030',
  gb_2312: 'gb18030',
  'gb_2312-80': 'gb18030',
  csgb2312: 'gb18030',
  chinese: 'gb18030',
  'euc-cn': 'gb18030',
  cp936: 'gb18030',
  'windows-936': 'gb18030',
  'iso-ir-58': 'gb18030',
  'big5-hkscs': 'big5',
  'cn-big5': 'big5',
  'x-x-big5': 'big5',
  csbig5: 'big5',
  cp950: 'big5',
  'iso-8859-1': 'windows-1252',
  iso8859_1: 'windows-1252',
  'iso_8859-1': 'windows-1252',
  latin1: 'windows-1252',
  l1: 'windows-1252',
  'us-ascii': 'windows-1252',
  ascii: 'windows-1252',
  cp1252: 'windows-1252',
  'iso-8859-9': 'windows-1254',
  latin5: 'windows-1254',
  'tis-620': 'windows-874',
  'iso-8859-11': 'windows-874',
  'euc-kr': 'cp949',
  'ks_c_5601-1987': 'cp949',
  'x-sjis': 'shift_jis',
  'shift-jis': 'shift_jis',
  sjis: 'shift_jis',
  cp1251: 'windows-1251',
  'x-cp1251': 'windows-1251',
  'utf-16': 'utf-16le',
  unicode: 'utf-16le',
  ucs2: 'utf-16le',
  'ucs-2': 'utf-16le',
};

/** A charset label to the name used for decoding, or null if unknown. */
export function normalizeCharset(label: string | null | undefined): string | null {
  const key = label
    ?.trim()
    .replace(/^["']|["']$/g, '')
    .toLowerCase();
  if (!key) return null;
  const name = ALIASES[key] ?? key;
  return iconv.encodingExists(name) ? name : null;
}

/** The charset parameter of a Content-Type header value. */
export function charsetFromContentType(contentType: string | null | undefined): string | null {
  const m = /;\s*charset\s*=\s*("([^"]*)"|[^;\s]+)/i.exec(contentType ?? '');
  return m ? (m[2] ?? m[1] ?? null) : null;
}

/** The encoding named in `<?xml … encoding="…"?>`, read from the first bytes. */
export function xmlDeclaredEncoding(buf: Buffer): string | null {
  const head = buf.subarray(0, 512).toString('latin1');
  const m = /^\s*<\?xml\s[^>]*?encoding\s*=\s*["']\s*([A-Za-z0-9._:-]+)\s*["']/.exec(head);
  return m?.[1] ?? null;
}

function bomCharset(buf: Buffer): { charset: string; length: number } | null {
  if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) return { charset: 'utf-8', length: 3 };
  if (buf[0] === 0xff && buf[1] === 0xfe) return { charset: 'utf-16le', length: 2 };
  if (buf[0] === 0xfe && buf[1] === 0xff) return { charset: 'utf-16be', length: 2 };
  return null;
}

/** UTF-16 without a BOM shows as `<` `?` with zero bytes between. */
function sniffUtf16(buf: Buffer): string | null {
  if (buf[0] === 0x3c && buf[1] === 0x00 && buf[2] === 0x3f && buf[3] === 0x00) return 'utf-16le';
  if (buf[0] === 0x00 && buf[1] === 0x3c && buf[2] === 0x00 && buf[3] === 0x3f) return 'utf-16be';
  return null;
}

function hasNonAscii(buf: Buffer): boolean {
  for (let i = 0; i < buf.length; i++) if ((buf[i] ?? 0) >= 0x80) return true;
  return false;
}

/** Could `buf` really be in `charset`? Only rules out the clear cases. */
function plausible(charset: string, buf: Buffer, utf8Valid: boolean, nonAscii: boolean): boolean {
  if (charset === 'utf-8') return utf8Valid;
  // A UTF-16 label on bytes that read as ASCII (the declaration itself was legible) is wrong.
  if (charset.startsWith('utf-16')) return buf[0] === 0 || buf[1] === 0;
  // Legacy text that is also valid multi-byte UTF-8 is vanishingly rare; UTF-8 mislabeled is not.
  return !(nonAscii && utf8Valid);
}

/**
 * Russian in windows-1251 or KOI8-R, told apart by letter case: most letters in running
 * text are lowercase, and the two charsets put lowercase in opposite halves (E0–FF in
 * windows-1251, C0–DF in KOI8-R). Statistical detectors confuse both with Latin-1 on
 * short feeds. Null when the bytes do not look like Cyrillic text.
 */
export function guessCyrillic(buf: Buffer): 'windows-1251' | 'koi8-r' | null {
  let high = 0;
  let inRuns = 0;
  let lowHalf = 0; // 0x80–0xBF (other than ё/Ё): rare in either charset's running text
  let c0df = 0;
  let e0ff = 0;
  let run = 0;
  const endRun = (): void => {
    if (run >= 3) inRuns += run;
    run = 0;
  };
  for (const b of buf) {
    if (b < 0x80) {
      endRun();
      continue;
    }
    high++;
    run++;
    if (b >= 0xe0) e0ff++;
    else if (b >= 0xc0) c0df++;
    else if (b !== 0xa8 && b !== 0xb8 && b !== 0xa3 && b !== 0xb3) lowHalf++;
  }
  endRun();
  if (high < 8 || inRuns / high < 0.6 || lowHalf / high > 0.1) return null;
  if (e0ff > c0df * 1.5) return 'windows-1251';
  if (c0df > e0ff * 1.5) return 'koi8-r';
  return null;
}

/** UTF-8 with a few broken sequences (a truncated character) is still UTF-8. */
function mostlyUtf8(buf: Buffer): boolean {
  const text = buf.toString('utf8');
  let nonAscii = 0;
  let broken = 0;
  for (const ch of text) {
    if (ch === '\uFFFD') broken++;
    else if (ch.charCodeAt(0) >= 0x80) nonAscii++;
  }
  return nonAscii >= 8 && broken / (nonAscii + broken) < 0.05;
}

const MULTIBYTE = /^(gb18030|big5|euc-jp|euc-kr|shift_jis)$/i;

/** Best guess when nothing usable was declared and the bytes are not UTF-8. */
export function detectCharset(buf: Buffer): string {
  if (mostlyUtf8(buf)) return 'utf-8';
  const matches = chardet.analyse(buf);
  const multibyte = matches.find((m) => MULTIBYTE.test(m.name) && m.confidence >= 50);
  if (multibyte) return normalizeCharset(multibyte.name) ?? 'gb18030';
  const cyrillic = guessCyrillic(buf);
  if (cyrillic) return cyrillic;
  for (const match of matches) {
    if (/^utf|^iso-2022/i.test(match.name)) continue;
    const name = normalizeCharset(match.name);
    if (name) return name;
  }
  return 'windows-1252';
}

function decodeAs(buf: Buffer, charset: string): string {
  return charset === 'utf-8' ? buf.toString('utf8') : iconv.decode(buf, charset, { stripBOM: true });
}

export function decodeFeed(buf: Buffer, contentType?: string | null): DecodedText {
  const bom = bomCharset(buf);
  if (bom)
    return { text: decodeAs(buf.subarray(bom.length), bom.charset), charset: bom.charset, source: 'bom' };
  const utf16 = sniffUtf16(buf);
  if (utf16) return { text: decodeAs(buf, utf16), charset: utf16, source: 'xml' };

  const utf8Valid = isUtf8(buf);
  const nonAscii = hasNonAscii(buf);
  const declared: { charset: string | null; source: CharsetSource }[] = [
    { charset: normalizeCharset(charsetFromContentType(contentType)), source: 'http' },
    { charset: normalizeCharset(xmlDeclaredEncoding(buf)), source: 'xml' },
  ];
  let overruled = false;
  for (const { charset, source } of declared) {
    if (!charset) continue;
    if (plausible(charset, buf, utf8Valid, nonAscii))
      return { text: decodeAs(buf, charset), charset, source };
    overruled = true;
  }
  if (utf8Valid)
    return { text: decodeAs(buf, 'utf-8'), charset: 'utf-8', source: overruled ? 'detected' : 'default' };
  const guessed = detectCharset(buf);
  return { text: decodeAs(buf, guessed), charset: guessed, source: 'detected' };
}
