// OPML in and out, the format every feed reader imports and exports. Import takes OPML
// 1.0/2.0 from anywhere (nested folders, odd casing, missing titles) and is treated as
// untrusted text: entities are never expanded and documents that declare any are refused.
// Export writes OPML 2.0 with a small govwatch namespace so kind, language, themes and id
// survive a round trip through our own import; other readers simply ignore it.

import { XMLParser, XMLValidator } from 'fast-xml-parser';
import iconv from 'iconv-lite';
import { UserError, isThemeId } from '../model.ts';
import type { FeedSource, SourceKind, ThemeId } from '../model.ts';
import {
  LANGUAGE_RE,
  SOURCE_ID_RE,
  SOURCE_KINDS,
  deriveSourceId,
  feedUrlProblem,
  slugify,
  urlKey,
} from './schema.ts';

export { writeSourcesYaml } from './write.ts';

/** Namespace of the govwatch attributes on exported outlines. */
export const GOVWATCH_OPML_NS = 'urn:govwatch:opml:1';

export interface OpmlSkip {
  /** 1-based line of the outline, when known. */
  line?: number;
  reason: string;
}

export interface OpmlImport {
  sources: FeedSource[];
  skipped: OpmlSkip[];
}

export interface ImportOptions {
  /** Sources already configured: their URLs are skipped and their ids are not reused. */
  existing?: readonly FeedSource[];
  /** Who is importing; the CLI imports the operator's own files. Default `operator`. */
  origin?: FeedSource['origin'];
}

/** At most this many outlines are read; a reader export with more is not a source list. */
const MAX_OUTLINES = 20_000;

type Attrs = Record<string, string>;
interface OutlineNode {
  $attrs?: Attrs;
  outline?: OutlineNode[];
  [key: string]: unknown;
}

const META = XMLParser.getMetaDataSymbol() as unknown as symbol;

function parser(): XMLParser {
  return new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    attributesGroupName: '$attrs',
    processEntities: false,
    htmlEntities: false,
    parseTagValue: false,
    parseAttributeValue: false,
    allowBooleanAttributes: true,
    isArray: (name) => name === 'outline',
    captureMetaData: true,
  });
}

/** Read an OPML document into sources; outlines that are not usable feeds are listed in `skipped`. */
export function importOpml(text: string, options: ImportOptions = {}): OpmlImport {
  if (/<!ENTITY/i.test(text)) {
    throw new UserError(
      'invalid_opml',
      'the OPML file declares XML entities; refused (an OPML file never needs them)',
    );
  }
  const valid = XMLValidator.validate(text, { allowBooleanAttributes: true });
  if (valid !== true) {
    throw new UserError(
      'invalid_opml',
      `not well-formed XML at line ${valid.err.line}, column ${valid.err.col}: ${valid.err.msg}`,
    );
  }
  const doc = parser().parse(text) as Record<string, unknown>;
  const rootName = Object.keys(doc).find((k) => !k.startsWith('?') && !k.startsWith('#'));
  const root = rootName ? doc[rootName] : undefined;
  if (!rootName || rootName.toLowerCase() !== 'opml' || typeof root !== 'object' || root === null) {
    throw new UserError('invalid_opml', `not an OPML document (root element is <${rootName ?? 'none'}>)`);
  }
  const opml = root as OutlineNode;
  const body = findChild(opml, 'body');
  const prefix = govwatchPrefix(opml.$attrs ?? {});
  const lineAt = lineFinder(text);

  const sources: FeedSource[] = [];
  const skipped: OpmlSkip[] = [];
  const takenIds = new Set((options.existing ?? []).map((s) => s.id));
  const seenUrls = new Map<string, string>();
  for (const s of options.existing ?? []) seenUrls.set(urlKey(s.url), `already configured as "${s.id}"`);
  const origin = options.origin ?? 'operator';
  let visited = 0;

  const walk = (outlines: OutlineNode[] | undefined, hint: CategoryHint): void => {
    for (const node of outlines ?? []) {
      if (++visited > MAX_OUTLINES) {
        if (visited === MAX_OUTLINES + 1)
          skipped.push({ reason: `more than ${MAX_OUTLINES} outlines; the rest were not read` });
        return;
      }
      const attrs = decodedAttrs(node.$attrs ?? {});
      const line = lineAt(node);
      const xmlUrl =
        pick(attrs, 'xmlurl') ??
        (/^(rss|atom|feed)$/i.test(pick(attrs, 'type') ?? '') ? pick(attrs, 'url') : undefined);
      const title = clean(pick(attrs, 'title') ?? pick(attrs, 'text') ?? '');
      const children = node.outline;

      if (!xmlUrl) {
        if (children && children.length > 0) {
          walk(children, mergeHint(hint, title, pick(attrs, 'category')));
        } else if ((pick(attrs, 'type') ?? '').toLowerCase() === 'include') {
          skipped.push(withLine(line, `"${title || 'include'}": included OPML files are not fetched`));
        } else {
          skipped.push(withLine(line, `"${title || '(untitled)'}": no xmlUrl, not a feed`));
        }
        continue;
      }
      const url = xmlUrl.trim();
      const problem = feedUrlProblem(url);
      if (problem) {
        skipped.push(withLine(line, `"${title || url}": ${problem}`));
        continue;
      }
      const key = urlKey(url);
      const seen = seenUrls.get(key);
      if (seen) {
        skipped.push(withLine(line, `"${title || url}": duplicate feed, ${seen}`));
        continue;
      }

      const ownHint = mergeHint(hint, '', pick(attrs, 'category'));
      const wantedId = prefix ? pick(attrs, `${prefix}:id`) : undefined;
      const id =
        wantedId && SOURCE_ID_RE.test(wantedId) && !takenIds.has(wantedId)
          ? wantedId
          : deriveSourceId(title, url, takenIds);
      const source: FeedSource = {
        id,
        name: title || hostOf(url),
        url,
        kind: kindOf(prefix ? pick(attrs, `${prefix}:kind`) : undefined) ?? ownHint.kind ?? 'media',
        language: languageOf(
          (prefix ? pick(attrs, `${prefix}:language`) : undefined) ?? pick(attrs, 'language'),
        ),
        origin,
      };
      const themes = themesOf(prefix ? pick(attrs, `${prefix}:themes`) : undefined, ownHint.themes);
      if (themes.length > 0) source.themes = themes;
      const homepage = pick(attrs, 'htmlurl')?.trim();
      if (homepage && !feedUrlProblem(homepage)) source.homepage = homepage;

      takenIds.add(id);
      seenUrls.set(key, line ? `same URL as line ${line}` : `same URL as "${id}"`);
      sources.push(source);
      // Some exports nest items under a feed outline; those are not feeds of their own.
      if (children && children.length > 0) walk(children, ownHint);
    }
  };
  walk(body?.outline, { kind: undefined, themes: [] });
  return { sources, skipped };
}

/**
 * Import OPML from raw bytes: a BOM, else the XML declaration's encoding, decides how the
 * text is decoded (old readers wrote ISO-8859-1 and windows-125x files).
 */
export function importOpmlBytes(bytes: Uint8Array, options: ImportOptions = {}): OpmlImport {
  return importOpml(decodeXmlBytes(bytes), options);
}

function decodeXmlBytes(bytes: Uint8Array): string {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) return buf.subarray(3).toString('utf8');
  if (buf[0] === 0xff && buf[1] === 0xfe) return iconv.decode(buf.subarray(2), 'utf-16le');
  if (buf[0] === 0xfe && buf[1] === 0xff) return iconv.decode(buf.subarray(2), 'utf-16be');
  const head = buf.subarray(0, 200).toString('latin1');
  const declared = /^\s*<\?xml[^>]*\sencoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(head)?.[1];
  if (declared && !/^utf-?8$/i.test(declared) && iconv.encodingExists(declared))
    return iconv.decode(buf, declared);
  return buf.toString('utf8');
}

const FOLDERS: Record<SourceKind, string> = {
  standards: 'Standards bodies',
  rights: 'Rights groups',
  government: 'Governments and regulators',
  media: 'News media',
};

export interface ExportOptions {
  title?: string;
  /** Stamped as dateCreated; defaults to now. */
  now?: Date;
}

/** OPML 2.0 with one folder per kind; govwatch:* attributes carry what OPML has no field for. */
export function exportOpml(sources: readonly FeedSource[], options: ExportOptions = {}): string {
  const now = options.now ?? new Date();
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<opml version="2.0" xmlns:govwatch="${GOVWATCH_OPML_NS}">`,
    '  <head>',
    `    <title>${escapeXml(options.title ?? 'govwatch sources')}</title>`,
    `    <dateCreated>${now.toUTCString()}</dateCreated>`,
    '    <docs>https://opml.org/spec2.opml</docs>',
    '  </head>',
    '  <body>',
  ];
  for (const kind of SOURCE_KINDS) {
    const ofKind = sources.filter((s) => s.kind === kind);
    if (ofKind.length === 0) continue;
    lines.push(`    <outline text="${escapeXml(FOLDERS[kind])}" title="${escapeXml(FOLDERS[kind])}">`);
    for (const s of ofKind) {
      const attrs: Array<[string, string]> = [
        ['type', 'rss'],
        ['text', s.name],
        ['title', s.name],
        ['xmlUrl', s.url],
      ];
      if (s.homepage) attrs.push(['htmlUrl', s.homepage]);
      attrs.push(
        ['language', s.language],
        ['govwatch:id', s.id],
        ['govwatch:kind', s.kind],
        ['govwatch:language', s.language],
      );
      if (s.themes && s.themes.length > 0) attrs.push(['govwatch:themes', s.themes.join(' ')]);
      lines.push(`      <outline ${attrs.map(([k, v]) => `${k}="${escapeXml(v)}"`).join(' ')}/>`);
    }
    lines.push('    </outline>');
  }
  lines.push('  </body>', '</opml>', '');
  return lines.join('\n');
}

interface CategoryHint {
  kind: SourceKind | undefined;
  themes: ThemeId[];
}

/** Folder names (and OPML `category` attributes) hint at a kind or a theme. */
function mergeHint(parent: CategoryHint, folder: string, category: string | undefined): CategoryHint {
  const words = [folder, ...(category ?? '').split(/[,/]/)].map((w) => w.trim()).filter(Boolean);
  let kind = parent.kind;
  const themes = [...parent.themes];
  for (const word of words) {
    kind = kindFromWord(word) ?? kind;
    const slug = slugify(word);
    if (isThemeId(slug) && !themes.includes(slug)) themes.push(slug);
  }
  return { kind, themes };
}

function kindFromWord(word: string): SourceKind | undefined {
  const w = word.toLowerCase();
  if (/standard|norm|sdo\b|ietf|w3c|itu\b|\biso\b/.test(w)) return 'standards';
  if (/right|libert|freedom|advoca|\bngos?\b|civil|droits|derecho|rechte|прав|权|حقوق/.test(w))
    return 'rights';
  if (/gov|regulat|authorit|official|ministr|agenc|public sector|parliament|commission/.test(w))
    return 'government';
  if (/news|media|press|journal|blog|magazin|presse|prensa|nachricht|сми|新闻|أخبار/.test(w)) return 'media';
  return undefined;
}

function kindOf(value: string | undefined): SourceKind | undefined {
  const v = value?.trim().toLowerCase();
  return (SOURCE_KINDS as readonly string[]).includes(v ?? '') ? (v as SourceKind) : undefined;
}

function languageOf(value: string | undefined): string {
  if (!value) return 'und';
  const parts = value.trim().replace(/_/g, '-').split('-');
  const tag = [parts[0]!.toLowerCase(), ...parts.slice(1)].join('-');
  return LANGUAGE_RE.test(tag) ? tag : 'und';
}

function themesOf(value: string | undefined, fromFolders: ThemeId[]): ThemeId[] {
  const listed = (value ?? '').split(/[\s,]+/).filter(isThemeId);
  return [...new Set([...listed, ...(value ? [] : fromFolders)])];
}

/** The prefix bound to our namespace on <opml>, if any (normally `govwatch`). */
function govwatchPrefix(attrs: Attrs): string | undefined {
  for (const [name, value] of Object.entries(attrs)) {
    if (name.startsWith('xmlns:') && value.trim() === GOVWATCH_OPML_NS) return name.slice('xmlns:'.length);
  }
  return undefined;
}

/** Attribute lookup that ignores case (`xmlURL`, `XMLurl` exist in the wild). */
function pick(attrs: Attrs, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(attrs))
    if (key.toLowerCase() === wanted && value.trim() !== '') return value;
  return undefined;
}

function findChild(node: OutlineNode, name: string): OutlineNode | undefined {
  for (const [key, value] of Object.entries(node)) {
    if (key.toLowerCase() === name && typeof value === 'object' && value !== null)
      return value as OutlineNode;
  }
  return undefined;
}

function decodedAttrs(attrs: Attrs): Attrs {
  const out: Attrs = {};
  for (const [k, v] of Object.entries(attrs)) out[k] = decodeXmlText(String(v));
  return out;
}

/** Decode the five predefined entities and character references; anything else stays as written. */
function decodeXmlText(value: string): string {
  return value.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|amp|lt|gt|quot|apos);/g, (whole, ref: string) => {
    switch (ref) {
      case 'amp':
        return '&';
      case 'lt':
        return '<';
      case 'gt':
        return '>';
      case 'quot':
        return '"';
      case 'apos':
        return "'";
    }
    const code = ref.startsWith('#x') ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff)
      ? String.fromCodePoint(code)
      : whole;
  });
}

function clean(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return url;
  }
}

function withLine(line: number | undefined, reason: string): OpmlSkip {
  return line === undefined ? { reason } : { line, reason };
}

function lineFinder(text: string): (node: OutlineNode) => number | undefined {
  const starts: number[] = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return (node) => {
    const meta = (node as Record<symbol, { startIndex?: number } | undefined>)[META];
    const offset = meta?.startIndex;
    if (offset === undefined) return undefined;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}

function escapeXml(value: string): string {
  return value
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/\t/g, '&#9;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;');
}
