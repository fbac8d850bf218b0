// Writes sources back to YAML for `govwatch feeds add/remove/import`. Given the file's
// current text, entries that stay keep their comments and layout; only removed entries
// (and the comments attached to them) disappear. Without it, a fresh file is written.

import { Document, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { Node as YamlNode, YAMLMap, YAMLSeq } from 'yaml';
import type { FeedSource } from '../model.ts';

const HEADER = [
  ' govwatch: the curated sources.',
  ' Each entry: id (slug), name, url (the feed), kind (standards | rights | government | media),',
  ' language (BCP 47), optional homepage and themes (ids from the shared taxonomy).',
].join('\n');

const TO_STRING = { lineWidth: 0, flowCollectionPadding: false, indentSeq: true } as const;

/** The fields written for one source, in the order a reader expects them. */
function entryOf(source: FeedSource): Record<string, unknown> {
  const entry: Record<string, unknown> = { id: source.id, name: source.name, url: source.url };
  if (source.homepage) entry.homepage = source.homepage;
  entry.kind = source.kind;
  entry.language = source.language;
  if (source.themes && source.themes.length > 0) entry.themes = [...source.themes];
  return entry;
}

/**
 * YAML text for `sources`. Pass the current file text as `previous` to keep its header and
 * the comments of every entry that remains (matched by id).
 */
export function writeSourcesYaml(sources: readonly FeedSource[], previous?: string): string {
  const doc = previous !== undefined ? reusableDocument(previous) : null;
  return doc ? rewrite(doc, sources) : fresh(sources);
}

function fresh(sources: readonly FeedSource[]): string {
  const doc = new Document({ sources: [] as unknown[] });
  doc.commentBefore = HEADER;
  const list = doc.get('sources', true) as YAMLSeq;
  sources.forEach((source, i) => list.items.push(newEntryNode(doc, source, i > 0)));
  return doc.toString(TO_STRING);
}

function reusableDocument(text: string): Document | null {
  const doc = parseDocument(text, { keepSourceTokens: false });
  if (doc.errors.length > 0) return null;
  const root = doc.contents;
  if (isSeq(root)) return doc;
  if (isMap(root) && isSeq(root.get('sources', true))) return doc;
  return null;
}

function rewrite(doc: Document, sources: readonly FeedSource[]): string {
  const root = doc.contents;
  const list = (isSeq(root) ? root : (root as YAMLMap).get('sources', true)) as YAMLSeq;
  const byId = new Map<string, YAMLMap>();
  for (const item of list.items) {
    if (!isMap(item)) continue;
    const id = item.get('id');
    if (typeof id === 'string' && !byId.has(id)) byId.set(id, item);
  }
  list.items = sources.map((source, i) => {
    const existing = byId.get(source.id);
    if (!existing) return newEntryNode(doc, source, i > 0);
    updateEntry(doc, existing, entryOf(source));
    return existing;
  });
  return doc.toString(TO_STRING);
}

function newEntryNode(doc: Document, source: FeedSource, spaceBefore: boolean): YamlNode {
  const node = doc.createNode(entryOf(source)) as YAMLMap;
  const themes = node.get('themes', true);
  if (isSeq(themes)) themes.flow = true;
  node.spaceBefore = spaceBefore;
  return node;
}

/** Change only the fields that differ, so untouched values keep their inline comments. */
function updateEntry(doc: Document, node: YAMLMap, wanted: Record<string, unknown>): void {
  for (const field of ['id', 'name', 'url', 'homepage', 'kind', 'language', 'themes']) {
    const value = wanted[field];
    const current = node.get(field, true) as YamlNode | undefined;
    if (value === undefined) {
      if (current !== undefined) node.delete(field);
      continue;
    }
    if (Array.isArray(value)) {
      const same =
        isSeq(current) &&
        current.items.length === value.length &&
        current.items.every((item, i) => isScalar(item) && item.value === value[i]);
      if (!same) {
        const seq = doc.createNode(value) as YAMLSeq;
        seq.flow = true;
        node.set(field, seq);
      }
      continue;
    }
    if (!(isScalar(current) && current.value === value)) node.set(field, value);
  }
}
