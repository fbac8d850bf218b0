// A small, strict-enough XML reader for feeds. Why not a general XML library: feeds need
// namespaces, xml:base and xml:lang tracked per element, line numbers in errors, and a
// hard rule against DTD tricks. The DOCTYPE (with any internal subset) is skipped whole:
// nothing is fetched and no declared entity is ever expanded, so "billion laughs" and
// external entities leave their references as literal text, in linear time.
import { FeedParseError } from './errors.ts';
import { resolveEntity } from './html-entities.ts';

export interface XmlElement {
  /** Qualified name as written, e.g. `dc:creator`. */
  name: string;
  local: string;
  /** Namespace URI, '' when none. */
  ns: string;
  /** Attributes by qualified name as written. */
  attrs: Record<string, string>;
  children: XmlNode[];
  /** Effective xml:base (resolved against the document URL), or null when none is in scope. */
  base: string | null;
  /** Effective xml:lang, or null. */
  lang: string | null;
}
export type XmlNode = XmlElement | string;

export interface XmlDocument {
  root: XmlElement;
  /** Root name given by a DOCTYPE, lowercased, if any. */
  doctype: string | null;
}

export const NS = {
  xml: 'http://www.w3.org/XML/1998/namespace',
  atom10: 'http://www.w3.org/2005/Atom',
  atom03: 'http://purl.org/atom/ns#',
  rss10: 'http://purl.org/rss/1.0/',
  rss090: 'http://my.netscape.com/rdf/simple/0.9/',
  rdf: 'http://www.w3.org/1999/02/22-rdf-syntax-ns#',
  dc: 'http://purl.org/dc/elements/1.1/',
  dcterms: 'http://purl.org/dc/terms/',
  content: 'http://purl.org/rss/1.0/modules/content/',
  media: 'http://search.yahoo.com/mrss/',
  xhtml: 'http://www.w3.org/1999/xhtml',
} as const;

/** Prefixes that feeds use without declaring them; read as their usual namespaces. */
const WELL_KNOWN_PREFIXES: Record<string, string> = {
  dc: NS.dc,
  dcterms: NS.dcterms,
  content: NS.content,
  media: NS.media,
  rdf: NS.rdf,
  atom: NS.atom10,
  a10: NS.atom10,
  xhtml: NS.xhtml,
};

const MAX_DEPTH = 256;
/** HTML void elements that never name a feed element (so not `link` or `source`). */
const HTML_VOID = new Set([
  'br',
  'img',
  'hr',
  'input',
  'meta',
  'wbr',
  'col',
  'area',
  'embed',
  'param',
  'track',
  'BR',
  'IMG',
  'HR',
]);
const NAME = /[A-Za-z_\u00c0-\uffff][-\w.:\u00b7-\uffff]*/y;
// Quoted values as XML wants; unquoted and bare attributes too, as HTML pasted into feeds has them.
const ATTR =
  /\s*([A-Za-z_\u00c0-\uffff][-\w.:\u00b7-\uffff]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`/]+)))?/y;
const ENTITY_REF = /&(#[xX][0-9a-fA-F]{1,8}|#[0-9]{1,10}|[A-Za-z_][-\w.]{0,63});/g;

/** Character and predefined/HTML references; any other `&name;` stays literal (never expanded). */
function decodeText(raw: string): string {
  if (!raw.includes('&')) return raw;
  return raw.replace(ENTITY_REF, (whole, body: string) => resolveEntity(body) ?? whole);
}

function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

function resolveBase(value: string, parent: string | null): string | null {
  try {
    return new URL(value.trim(), parent ?? undefined).href;
  } catch {
    return parent; // a relative xml:base with nothing to resolve it against
  }
}

type Scope = Record<string, string>;

export function parseXml(text: string, opts: { baseUrl?: string | null } = {}): XmlDocument {
  const fail = (at: number, what: string): never => {
    const line = lineAt(text, at);
    const oneLine = what.replace(/\s+/g, ' ').slice(0, 200);
    throw new FeedParseError('xml-error', `XML error at line ${line}: ${oneLine}`, line);
  };
  const rootScope: Scope = Object.assign(Object.create(null) as Scope, { xml: NS.xml });
  const stack: { el: XmlElement; scope: Scope }[] = [];
  let root: XmlElement | null = null;
  let doctype: string | null = null;
  let i = 0;
  const n = text.length;

  const appendText = (value: string): void => {
    const top = stack[stack.length - 1];
    if (!top) return;
    const kids = top.el.children;
    const last = kids[kids.length - 1];
    if (typeof last === 'string') kids[kids.length - 1] = last + value;
    else kids.push(value);
  };

  // HTML pasted unescaped into a description often has <br> or <img …> without a slash.
  // Before an end tag that does not match, such void elements are closed where they
  // stand, and what was read as their content becomes their parent's, as browsers do.
  const closeVoidElements = (closing: string): void => {
    for (let top = stack[stack.length - 1]; top && top.el.name !== closing && HTML_VOID.has(top.el.name);) {
      stack.pop();
      const parent = stack[stack.length - 1]?.el;
      if (parent) parent.children.push(...top.el.children.splice(0));
      top = stack[stack.length - 1];
    }
  };

  const skipDoctype = (start: number): number => {
    // `<!DOCTYPE name ... [ internal subset ] >`; quotes and comments may hide ] and >.
    let j = start + 9;
    const nameMatch = /\s*([^\s[>]+)/y;
    nameMatch.lastIndex = j;
    const m = nameMatch.exec(text);
    doctype = m?.[1]?.toLowerCase() ?? null;
    let inSubset = false;
    while (j < n) {
      const c = text[j];
      if (c === '"' || c === "'") {
        const end = text.indexOf(c, j + 1);
        if (end === -1) break;
        j = end + 1;
        continue;
      }
      if (text.startsWith('<!--', j)) {
        const end = text.indexOf('-->', j + 4);
        if (end === -1) break;
        j = end + 3;
        continue;
      }
      if (c === '[') inSubset = true;
      else if (c === ']') inSubset = false;
      else if (c === '>' && !inSubset) return j + 1;
      j++;
    }
    return fail(start, 'unterminated DOCTYPE');
  };

  while (i < n) {
    const lt = text.indexOf('<', i);
    const textEnd = lt === -1 ? n : lt;
    if (textEnd > i) {
      const raw = text.slice(i, textEnd);
      if (stack.length) appendText(decodeText(raw));
      else if (!root && raw.trim()) fail(i, 'text before the root element');
    }
    if (lt === -1) break;
    i = lt;
    if (root && !stack.length) break; // anything after the root element is ignored
    if (text.startsWith('<?', i)) {
      const end = text.indexOf('?>', i + 2);
      if (end === -1) fail(i, 'unterminated processing instruction');
      i = end + 2;
    } else if (text.startsWith('<!--', i)) {
      const end = text.indexOf('-->', i + 4);
      if (end === -1) fail(i, 'unterminated comment');
      i = end + 3;
    } else if (text.startsWith('<![CDATA[', i)) {
      const end = text.indexOf(']]>', i + 9);
      if (end === -1) fail(i, 'unterminated CDATA section');
      if (!stack.length) fail(i, 'CDATA outside the root element');
      appendText(text.slice(i + 9, end));
      i = end + 3;
    } else if (text[i + 1] === '!' && /^<!DOCTYPE/i.test(text.slice(i, i + 9))) {
      if (root || stack.length) fail(i, 'DOCTYPE inside the document');
      i = skipDoctype(i);
    } else if (text[i + 1] === '/') {
      NAME.lastIndex = i + 2;
      const name = NAME.exec(text)?.[0] ?? '';
      let end = i + 2 + name.length;
      while (end < n && /\s/.test(text[end] ?? '')) end++;
      if (!name || text[end] !== '>')
        fail(i, `malformed end tag ${JSON.stringify(text.slice(i, i + 2 + name.length + 10))}`);
      closeVoidElements(name);
      const top = stack.pop();
      if (!top) fail(i, `end tag </${name}> without a start tag`);
      else if (top.el.name !== name) fail(i, `</${name}> does not close <${top.el.name}>`);
      i = end + 1;
    } else {
      NAME.lastIndex = i + 1;
      const nameMatch = NAME.exec(text);
      if (!nameMatch) {
        fail(i, "'<' not followed by a tag name (unescaped '<' or '&' in text?)");
        break;
      }
      const name = nameMatch[0];
      let j = NAME.lastIndex;
      const attrs: Record<string, string> = {};
      for (;;) {
        ATTR.lastIndex = j;
        const a = ATTR.exec(text);
        if (!a) break;
        const [, attrName = '', dq, sq, bare] = a;
        attrs[attrName] = decodeText(dq ?? sq ?? bare ?? '');
        j = ATTR.lastIndex;
      }
      while (j < n && /\s/.test(text[j] ?? '')) j++;
      let selfClosing = false;
      if (text[j] === '/' && text[j + 1] === '>') {
        selfClosing = true;
        j += 2;
      } else if (text[j] === '>') j += 1;
      else fail(j, `malformed start tag <${name}>`);

      const parent = stack[stack.length - 1];
      let scope = parent?.scope ?? rootScope;
      const decls = Object.keys(attrs).filter((k) => k === 'xmlns' || k.startsWith('xmlns:'));
      if (decls.length) {
        scope = Object.create(scope) as Scope;
        for (const k of decls) scope[k === 'xmlns' ? '' : k.slice(6)] = attrs[k] ?? '';
      }
      const colon = name.indexOf(':');
      const prefix = colon === -1 ? '' : name.slice(0, colon);
      const local = colon === -1 ? name : name.slice(colon + 1);
      const ns = scope[prefix] ?? WELL_KNOWN_PREFIXES[prefix] ?? (prefix ? `urn:undeclared:${prefix}` : '');
      const parentEl = parent?.el;
      const baseAttr = attrs['xml:base'];
      const langAttr = attrs['xml:lang'];
      const el: XmlElement = {
        name,
        local,
        ns,
        attrs,
        children: [],
        // Only an xml:base in scope sets this; the document URL is the fallback of the caller.
        base:
          baseAttr !== undefined
            ? resolveBase(baseAttr, parentEl?.base ?? opts.baseUrl ?? null)
            : (parentEl?.base ?? null),
        lang: langAttr?.trim() || parentEl?.lang || null,
      };
      if (parentEl) parentEl.children.push(el);
      else if (root) break;
      else root = el;
      if (!selfClosing) {
        if (stack.length >= MAX_DEPTH) fail(i, `elements nested deeper than ${MAX_DEPTH} levels`);
        stack.push({ el, scope });
      }
      i = j;
    }
  }
  const open = stack[stack.length - 1];
  if (open) fail(n, `document ends inside <${open.el.name}> (truncated?)`);
  if (!root) throw new FeedParseError('not-a-feed', 'not a feed: no XML root element');
  return { root, doctype };
}

export function isElement(node: XmlNode): node is XmlElement {
  return typeof node !== 'string';
}

export function childElements(el: XmlElement): XmlElement[] {
  return el.children.filter(isElement);
}

/** All text inside the element, markup dropped. */
export function textContent(el: XmlElement): string {
  let out = '';
  for (const c of el.children) out += typeof c === 'string' ? c : textContent(c);
  return out;
}

function escapeXml(s: string, attr = false): string {
  const t = s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return attr ? t.replace(/"/g, '&quot;') : t;
}

/** The element's content as markup, for HTML written unescaped inside a feed element. */
export function innerXml(el: XmlElement): string {
  let out = '';
  for (const c of el.children) {
    if (typeof c === 'string') out += escapeXml(c);
    else {
      const attrs = Object.entries(c.attrs)
        .filter(([k]) => k !== 'xmlns' && !k.startsWith('xmlns:'))
        .map(([k, v]) => ` ${k}="${escapeXml(v, true)}"`)
        .join('');
      out += `<${c.local}${attrs}>${innerXml(c)}</${c.local}>`;
    }
  }
  return out;
}
