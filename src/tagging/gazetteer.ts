// The gazetteer (feeds/gazetteer.yaml and feeds/gazetteer-places.yaml): institutions,
// regulators, leaders, laws, cities and places that name a country without saying it
// (Roskomnadzor → RU, the Digital Services Act → EU, Khorog → TJ).
// Entries are merged into the region rules: a city is a metonym (it tags only when it stands
// for a government: "Beijing said"), a subnational place (province, city) tags alone but only
// in an item on one of the themes, everything else is a name (it tags alone).

import { parse as parseYaml } from 'yaml';
import { UserError } from '../model.ts';
import { checkTermSyntax } from './rules.ts';
import type { TaggerRules } from './rules.ts';

const HAN_WORD = /^\p{sc=Han}+$/u;

/**
 * Hand-written gazetteer files in feeds/, merged in this order: gazetteer.yaml (institutions,
 * regulators, leaders, laws, a first set of capitals) and gazetteer-places.yaml (capitals not
 * in the first file, provinces and cities of rights and governance news). One format.
 */
export const GAZETTEER_FILES = ['gazetteer.yaml', 'gazetteer-places.yaml'] as const;

export const GAZETTEER_KINDS = [
  'institution',
  'regulator',
  'leader',
  'law',
  'city',
  'place',
  'subnational',
] as const;
export type GazetteerKind = (typeof GAZETTEER_KINDS)[number];

export interface GazetteerEntry {
  id: string;
  region: string;
  kind: GazetteerKind;
  /** All aliases, every language (each alias is tried on every item). */
  aliases: string[];
  /** Aliases per language as written in the file. */
  byLang: Record<string, string[]>;
  /** Phrases that cancel an overlapping match of the region. */
  veto: string[];
}

function fail(file: string, where: string, message: string): never {
  throw new UserError('gazetteer_invalid', `${file}: ${where}: ${message}`);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function parseGazetteerYaml(text: string, file = 'gazetteer.yaml'): GazetteerEntry[] {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    fail(file, 'yaml', (e as Error).message.split('\n')[0] ?? 'parse error');
  }
  if (!isRecord(doc) || !isRecord(doc.entries)) fail(file, 'entries', 'expected a mapping of id → entry');
  const out: GazetteerEntry[] = [];
  for (const [id, def] of Object.entries(doc.entries)) {
    const where = `entry "${id}"`;
    if (!isRecord(def)) fail(file, where, 'expected a mapping with region, kind, aliases');
    for (const k of Object.keys(def))
      if (!['region', 'kind', 'aliases', 'veto'].includes(k)) fail(file, where, `unknown key "${k}"`);
    const region = def.region;
    if (typeof region !== 'string' || !/^[A-Z]{2}$/.test(region))
      fail(file, `${where} region`, 'expected an ISO 3166-1 alpha-2 code or EU');
    const kind = def.kind;
    if (typeof kind !== 'string' || !(GAZETTEER_KINDS as readonly string[]).includes(kind))
      fail(file, `${where} kind`, `expected one of ${GAZETTEER_KINDS.join(', ')}`);
    if (!isRecord(def.aliases)) fail(file, `${where} aliases`, 'expected a map of language → list');
    const byLang: Record<string, string[]> = {};
    const aliases: string[] = [];
    for (const [lang, list] of Object.entries(def.aliases)) {
      if (!Array.isArray(list)) fail(file, `${where} aliases.${lang}`, 'expected a list');
      byLang[lang] = [];
      for (const a of list) {
        if (typeof a !== 'string') fail(file, `${where} aliases.${lang}`, 'aliases must be strings');
        const err = checkTermSyntax(a);
        if (err) fail(file, `${where} alias "${a}"`, err);
        byLang[lang].push(a.trim());
        aliases.push(a.trim());
      }
    }
    if (aliases.length === 0) fail(file, where, 'has no aliases');
    const veto: string[] = [];
    if (def.veto !== undefined) {
      if (!Array.isArray(def.veto)) fail(file, `${where} veto`, 'expected a list');
      for (const v of def.veto) {
        if (typeof v !== 'string' || checkTermSyntax(v))
          fail(file, `${where} veto`, `bad term ${JSON.stringify(v)}`);
        veto.push(v.trim());
      }
    }
    out.push({ id, region, kind: kind as GazetteerKind, aliases, byLang, veto });
  }
  return out;
}

/** The rules with the gazetteer's aliases added to their regions (a new region when needed). */
export function mergeGazetteer(rules: TaggerRules, entries: readonly GazetteerEntry[]): TaggerRules {
  const regions = rules.regions.map((r) => ({
    ...r,
    names: [...r.names],
    metonyms: [...r.metonyms],
    subnational: [...(r.subnational ?? [])],
    veto: [...r.veto],
  }));
  for (const e of entries) {
    let r = regions.find((x) => x.code === e.region);
    if (!r) {
      r = { code: e.region, names: [], metonyms: [], subnational: [], veto: [] };
      regions.push(r);
    }
    const list = e.kind === 'city' ? r.metonyms : e.kind === 'subnational' ? r.subnational! : r.names;
    for (const a of e.aliases) if (!list.includes(a)) list.push(a);
    // Chinese makes a capital stand for its government with 方面 or 当局 ("莫斯科方面",
    // "首尔当局"): those forms are names (the matcher has no word boundary inside Han text).
    if (e.kind === 'city') {
      for (const a of e.byLang.zh ?? []) {
        if (!HAN_WORD.test(a)) continue;
        for (const f of [`${a}方面`, `${a}当局`]) if (!r.names.includes(f)) r.names.push(f);
      }
    }
    for (const v of e.veto) if (!r.veto.includes(v)) r.veto.push(v);
  }
  return { ...rules, regions };
}
