// Source name → default themes, from feeds/sources.yaml when it exists. Used by the
// evaluation script (its items name their source) and by anyone holding only a name.

import { existsSync, readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { isThemeId } from '../model.ts';
import type { ThemeId } from '../model.ts';

function entries(doc: unknown): unknown[] {
  if (Array.isArray(doc)) return doc;
  if (doc && typeof doc === 'object' && Array.isArray((doc as { sources?: unknown }).sources)) {
    return (doc as { sources: unknown[] }).sources;
  }
  return [];
}

/** Keys are lowercased names and ids. A missing or unreadable file gives an empty map. */
export function loadSourceThemes(path = 'feeds/sources.yaml'): Map<string, ThemeId[]> {
  const out = new Map<string, ThemeId[]>();
  if (!existsSync(path)) return out;
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(path, 'utf8'));
  } catch {
    return out;
  }
  for (const e of entries(doc)) {
    if (!e || typeof e !== 'object') continue;
    const { id, name, themes } = e as { id?: unknown; name?: unknown; themes?: unknown };
    if (!Array.isArray(themes)) continue;
    const ts = themes.filter((t): t is ThemeId => typeof t === 'string' && isThemeId(t));
    if (typeof name === 'string') out.set(name.toLowerCase(), ts);
    if (typeof id === 'string') out.set(id.toLowerCase(), ts);
  }
  return out;
}
