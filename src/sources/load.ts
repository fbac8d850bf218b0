// Loads feeds/sources.yaml (trusted, the operator's own file) and reports every problem at
// once, each with the line and column of the entry or field at fault, so a broken file is
// fixed in one pass instead of one error per restart.

import { readFileSync } from 'node:fs';
import { LineCounter, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { Document, Node as YamlNode, YAMLMap } from 'yaml';
import { UserError } from '../model.ts';
import type { FeedSource } from '../model.ts';
import { sourceEntrySchema, urlKey } from './schema.ts';

export interface SourceProblem {
  /** 1-based; absent only when the problem is the file as a whole. */
  line?: number;
  column?: number;
  message: string;
}

/** A sources file that cannot be used; `problems` lists every fault found, in file order. */
export class SourcesFileError extends UserError {
  constructor(
    readonly fileName: string,
    readonly problems: SourceProblem[],
  ) {
    super('invalid_sources', formatProblems(fileName, problems));
    this.name = 'SourcesFileError';
  }
}

function formatProblems(fileName: string, problems: SourceProblem[]): string {
  const head =
    problems.length === 1
      ? `${fileName}: 1 problem in the sources file`
      : `${fileName}: ${problems.length} problems in the sources file`;
  const lines = problems.map((p) =>
    p.line === undefined
      ? `  ${fileName}: ${p.message}`
      : `  ${fileName}:${p.line}:${p.column ?? 1}: ${p.message}`,
  );
  return [head, ...lines].join('\n');
}

/** Read and validate a sources file. Throws UserError `sources_not_found` or SourcesFileError. */
export function loadSources(path: string): FeedSource[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(
      'sources_not_found',
      code === 'ENOENT'
        ? `sources file not found: ${path}`
        : `cannot read sources file ${path}: ${(err as Error).message}`,
    );
  }
  return parseSourcesYaml(text, path);
}

/** Validate sources YAML text. `fileName` is only used in messages. */
export function parseSourcesYaml(text: string, fileName = 'sources.yaml'): FeedSource[] {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const problems: SourceProblem[] = [];
  const at = (offset: number | undefined, message: string): void => {
    if (offset === undefined) {
      problems.push({ message });
      return;
    }
    const { line, col } = lineCounter.linePos(offset);
    problems.push({ line, column: col, message });
  };

  for (const err of doc.errors) at(err.pos[0], `YAML syntax: ${firstLine(err.message)}`);
  if (problems.length > 0) throw new SourcesFileError(fileName, problems);

  const list = findSourceList(doc, at);
  if (!list) throw new SourcesFileError(fileName, problems);

  const sources: FeedSource[] = [];
  const seenIds = new Map<string, number>();
  const seenUrls = new Map<string, number>();
  list.items.forEach((item, index) => {
    const node = item as YamlNode | null;
    const entryStart = startOf(node) ?? startOf(list);
    const value: unknown = node && typeof node === 'object' && 'toJSON' in node ? node.toJSON() : node;
    const parsed = sourceEntrySchema.safeParse(value);
    const label = entryLabel(value, index);
    // Duplicates are checked on the raw values so they are reported even when the same
    // entry has other faults.
    const raw = isRecord(value) ? value : {};
    if (typeof raw.id === 'string' && raw.id !== '') {
      const idStart = startOf(fieldOf(node, 'id')) ?? entryStart;
      const first = seenIds.get(raw.id);
      if (first !== undefined)
        at(idStart, `${label}: duplicate id "${raw.id}" (first used on line ${first})`);
      else seenIds.set(raw.id, lineOf(lineCounter, idStart));
    }
    if (typeof raw.url === 'string' && raw.url !== '') {
      const urlStart = startOf(fieldOf(node, 'url')) ?? entryStart;
      const key = urlKey(raw.url);
      const first = seenUrls.get(key);
      if (first !== undefined)
        at(urlStart, `${label}: duplicate url ${raw.url} (first used on line ${first})`);
      else seenUrls.set(key, lineOf(lineCounter, urlStart));
    }
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        if (issue.code === 'unrecognized_keys') {
          for (const key of issue.keys) {
            const pair = isMap(node)
              ? node.items.find((p) => isScalar(p.key) && p.key.value === key)
              : undefined;
            at(
              startOf(pair?.key as YamlNode | undefined) ?? entryStart,
              `${label}: unknown field "${key}"${suggestField(key)}`,
            );
          }
          continue;
        }
        const fieldNode =
          isMap(node) && issue.path.length > 0
            ? (node.getIn(issue.path as (string | number)[], true) as YamlNode | undefined)
            : undefined;
        at(startOf(fieldNode) ?? entryStart, `${label}: ${issue.message}`);
      }
      return;
    }
    const entry = parsed.data;
    const source: FeedSource = {
      id: entry.id,
      name: entry.name,
      url: entry.url,
      kind: entry.kind,
      language: entry.language,
      origin: 'operator',
    };
    if (entry.themes && entry.themes.length > 0) source.themes = [...new Set(entry.themes)];
    if (entry.homepage) source.homepage = entry.homepage;
    sources.push(source);
  });

  if (problems.length > 0) {
    problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
    throw new SourcesFileError(fileName, problems);
  }
  return sources;
}

type At = (offset: number | undefined, message: string) => void;

/** The list of entries: either the whole document or its `sources:` key. */
function findSourceList(doc: Document, at: At) {
  const root = doc.contents;
  if (root === null || (isScalar(root) && (root.value === null || root.value === ''))) {
    at(undefined, 'the file is empty: expected a list of sources (a top-level `sources:` list)');
    return null;
  }
  if (isSeq(root)) return root;
  if (isMap(root)) {
    for (const pair of root.items) {
      const key = isScalar(pair.key) ? pair.key.value : pair.key;
      if (key !== 'sources')
        at(
          startOf(pair.key as YamlNode),
          `unknown top-level key ${JSON.stringify(String(key))} (expected "sources")`,
        );
    }
    const list = root.get('sources', true) as YamlNode | undefined;
    if (list === undefined) {
      at(startOf(root), 'no `sources:` key: expected a list of sources under `sources:`');
      return null;
    }
    if (isScalar(list) && list.value === null) return { items: [] as unknown[], range: list.range };
    if (!isSeq(list)) {
      at(startOf(list), '`sources` is not a list: each source starts with "- id: …"');
      return null;
    }
    return list;
  }
  at(startOf(root as YamlNode), 'not a list: expected a list of sources (a top-level `sources:` list)');
  return null;
}

function fieldOf(node: unknown, field: string): YamlNode | undefined {
  return isMap(node) ? ((node as YAMLMap).get(field, true) as YamlNode | undefined) : undefined;
}

function startOf(node: { range?: readonly number[] | null } | null | undefined): number | undefined {
  return node?.range?.[0] ?? undefined;
}

function lineOf(counter: LineCounter, offset: number | undefined): number {
  return offset === undefined ? 0 : counter.linePos(offset).line;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function entryLabel(value: unknown, index: number): string {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const id = (value as Record<string, unknown>).id;
    if (typeof id === 'string' && id.trim()) return `source "${id}"`;
  }
  return `source #${index + 1}`;
}

const KNOWN_FIELDS = ['id', 'name', 'url', 'kind', 'language', 'themes', 'homepage'];

function suggestField(key: string): string {
  const lower = key.toLowerCase();
  const aliases: Record<string, string> = {
    theme: 'themes',
    lang: 'language',
    feed: 'url',
    xmlurl: 'url',
    feed_url: 'url',
    title: 'name',
    type: 'kind',
    htmlurl: 'homepage',
    site: 'homepage',
    link: 'homepage',
  };
  const hint = aliases[lower] ?? KNOWN_FIELDS.find((f) => f === lower);
  return hint ? ` (did you mean "${hint}"?)` : ` (known fields: ${KNOWN_FIELDS.join(', ')})`;
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}
