// Loading and validating the rule files (feeds/themes.yaml, feeds/regions.yaml). The format
// is documented at the top of feeds/themes.yaml. Validation errors name the file, the theme
// or region, and the rule so an operator can fix the file without reading this code.

import { parse as parseYaml } from 'yaml';
import { THEME_IDS, isThemeId, UserError } from '../model.ts';
import type { ThemeId } from '../model.ts';

/** One term with its conditions, after validation. */
export interface TermRule {
  term: string;
  weight: number;
  titleOnly: boolean;
  /** Terms (groups already expanded) of which at least one must also occur. */
  with: string[];
  /** Max token distance to a `with` term; null = anywhere in the item. */
  near: number | null;
  /** Terms whose presence anywhere in the item stops this rule from counting. */
  unless: string[];
  /** Score is counted once per key: the term itself, or the rule for co-occurrence rules. */
  key: string;
  /** Where the rule was written, for error messages and debugging. */
  where: string;
}

export interface ThemeRules {
  id: ThemeId;
  terms: TermRule[];
  /** Phrases that cancel any of this theme's matches they overlap ("government shutdown"). */
  veto: string[];
}

export interface RegionRules {
  code: string;
  /** Names, adjectives, demonyms, institutions: each alone tags the region. */
  names: string[];
  /** Capitals and seats of power: count only next to a metonym context word ("Beijing said"). */
  metonyms: string[];
  /**
   * Provinces and cities (gazetteer kind `subnational`): tag alone, but only in an item on one
   * of the themes; in a sports, weather or tourism story a place is where something happened.
   */
  subnational?: string[];
  veto: string[];
}

/**
 * Domestic context: an item in `lang` that names no region at all but speaks of a country's
 * own institutions in generic words ("the court", "监管部门", "le gouvernement") is about the
 * country whose national language that is.
 */
export interface DomesticRule {
  lang: string;
  region: string;
  cues: string[];
}

export interface TaggerRules {
  threshold: number;
  /** Score added by a source's default theme once the item has at least one match of it. */
  prior: number;
  /** Multiplier for a match found in the title (the title states what an item is about). */
  titleBoost: number;
  themes: ThemeRules[];
  regions: RegionRules[];
  metonymAfter: string[];
  metonymBefore: string[];
  domestic: DomesticRule[];
}

type Loc = string;

function fail(file: string, where: Loc, message: string): never {
  throw new UserError('tagging_rules_invalid', `${file}: ${where}: ${message}`);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The YAML document in `text`, which must be a mapping. */
function parseMapping(text: string, file: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    fail(file, 'yaml', (e as Error).message.split('\n')[0] ?? 'parse error');
  }
  if (!isRecord(doc)) fail(file, 'top level', 'expected a mapping');
  return doc;
}

/** Checks the small term syntax: words, `stem*`, `*infix*`, `*suffix`, `#` (a number), `=CaseSensitive`. */
export function checkTermSyntax(term: string): string | null {
  const t = term.trim();
  if (t.length === 0) return 'empty term';
  const pieces = t.split(/\s+/);
  for (const p of pieces) {
    const body = p.replace(/^=/, '').replace(/^\*/, '').replace(/\*$/, '');
    if (body.length === 0 && p !== '#') return `"${p}" has no letters`;
    if (body.includes('*')) return `"${p}": '*' is allowed only at the start or end of a word`;
    if (p.startsWith('*') && pieces.length > 1)
      return `"${p}": a leading '*' (infix/suffix) works only in a one-word term`;
  }
  const han = /[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}]/u;
  if (han.test(t) && (pieces.length > 1 || /[*=#]/.test(t) || /[\p{sc=Cyrillic}\p{sc=Arabic}]/u.test(t))) {
    return 'a Chinese/Japanese term must be one word of Han/kana (optionally with Latin letters or digits, as in 新IP) without spaces or operators';
  }
  return null;
}

/** A term list may be a plain list or a map of language → list (for readability). */
function termList(file: string, where: Loc, value: unknown, groups: Map<string, string[]>): string[] {
  if (value === undefined || value === null) return [];
  const raw: unknown[] = [];
  if (Array.isArray(value)) raw.push(...value);
  else if (isRecord(value)) {
    for (const [lang, list] of Object.entries(value)) {
      if (!Array.isArray(list)) fail(file, `${where}.${lang}`, 'expected a list of terms');
      raw.push(...list);
    }
  } else fail(file, where, 'expected a list of terms or a map of language → list');
  const out: string[] = [];
  for (const [i, item] of raw.entries()) {
    if (typeof item !== 'string' && typeof item !== 'number')
      fail(file, `${where}[${i}]`, 'term must be a string');
    const term = String(item);
    if (term.startsWith('@')) {
      const g = groups.get(term.slice(1));
      if (!g) fail(file, `${where}[${i}]`, `unknown group ${term}`);
      out.push(...g);
      continue;
    }
    const err = checkTermSyntax(term);
    if (err) fail(file, `${where} term "${term}"`, err);
    out.push(term.trim());
  }
  return out;
}

function num(file: string, where: Loc, v: unknown, dflt: number): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
    fail(file, where, 'expected a non-negative number');
  return v;
}

const THEME_KEYS = new Set(['strong', 'weak', 'title', 'rules', 'veto', 'unless']);
const RULE_KEYS = new Set(['term', 'terms', 'weight', 'title_only', 'with', 'near', 'unless']);

export function parseThemesYaml(
  text: string,
  file = 'themes.yaml',
): Omit<TaggerRules, 'regions' | 'metonymAfter' | 'metonymBefore' | 'domestic'> {
  const doc = parseMapping(text, file);
  const weights = isRecord(doc.weights) ? doc.weights : {};
  const strongW = num(file, 'weights.strong', weights.strong, 1);
  const weakW = num(file, 'weights.weak', weights.weak, 0.5);
  const threshold = num(file, 'threshold', doc.threshold, 1);
  const prior = num(file, 'prior', doc.prior, 0.5);
  const titleBoost = num(file, 'title_boost', doc.title_boost, 1);
  if (threshold <= 0) fail(file, 'threshold', 'must be greater than 0');

  const groups = new Map<string, string[]>();
  if (doc.groups !== undefined) {
    if (!isRecord(doc.groups)) fail(file, 'groups', 'expected a mapping of name → terms');
    for (const [name, list] of Object.entries(doc.groups)) {
      groups.set(name, termList(file, `group "${name}"`, list, groups));
    }
  }
  if (!isRecord(doc.themes)) fail(file, 'themes', 'expected a mapping of theme id → rules');
  const themes: ThemeRules[] = [];
  for (const [id, def] of Object.entries(doc.themes)) {
    if (!isThemeId(id))
      fail(file, `theme "${id}"`, `not a theme id of the taxonomy (${THEME_IDS.join(', ')})`);
    if (!isRecord(def)) fail(file, `theme "${id}"`, 'expected a mapping with strong/weak/title/rules/veto');
    for (const k of Object.keys(def)) {
      if (!THEME_KEYS.has(k))
        fail(file, `theme "${id}"`, `unknown key "${k}" (allowed: ${[...THEME_KEYS].join(', ')})`);
    }
    const terms: TermRule[] = [];
    const simple = (key: string, weight: number, titleOnly: boolean): void => {
      for (const term of termList(file, `theme "${id}" ${key}`, def[key], groups)) {
        terms.push({
          term,
          weight,
          titleOnly,
          with: [],
          near: null,
          unless: [],
          key: term,
          where: `theme "${id}" ${key} "${term}"`,
        });
      }
    };
    simple('strong', strongW, false);
    simple('weak', weakW, false);
    simple('title', strongW, true);
    if (def.rules !== undefined) {
      if (!Array.isArray(def.rules)) fail(file, `theme "${id}" rules`, 'expected a list');
      for (const [i, r] of def.rules.entries()) {
        const where = `theme "${id}" rules[${i}]`;
        if (!isRecord(r))
          fail(file, where, 'expected a mapping with term(s), with, near, unless, weight, title_only');
        for (const k of Object.keys(r)) if (!RULE_KEYS.has(k)) fail(file, where, `unknown key "${k}"`);
        const ruleTerms = termList(
          file,
          `${where} term`,
          r.terms ?? (r.term === undefined ? undefined : [r.term]),
          groups,
        );
        if (ruleTerms.length === 0) fail(file, where, 'needs "term" or "terms"');
        const withTerms = termList(file, `${where} with`, r.with, groups);
        const near = r.near === undefined ? null : num(file, `${where} near`, r.near, 0);
        if (near !== null && withTerms.length === 0) fail(file, where, '"near" needs "with"');
        if (r.title_only !== undefined && typeof r.title_only !== 'boolean')
          fail(file, `${where} title_only`, 'expected true or false');
        const weight = num(file, `${where} weight`, r.weight, strongW);
        const unless = termList(file, `${where} unless`, r.unless, groups);
        for (const term of ruleTerms) {
          terms.push({
            term,
            weight,
            titleOnly: r.title_only === true,
            with: withTerms,
            near,
            unless,
            key: withTerms.length > 0 ? where : term,
            where: `${where} "${term}"`,
          });
        }
      }
    }
    if (terms.length === 0) fail(file, `theme "${id}"`, 'has no terms');
    // A theme-level `unless` applies to every term of the theme.
    const themeUnless = termList(file, `theme "${id}" unless`, def.unless, groups);
    if (themeUnless.length > 0) for (const t of terms) t.unless = [...t.unless, ...themeUnless];
    themes.push({ id, terms, veto: termList(file, `theme "${id}" veto`, def.veto, groups) });
  }
  for (const id of THEME_IDS) {
    if (!themes.some((t) => t.id === id)) fail(file, 'themes', `theme "${id}" is missing`);
  }
  return { threshold, prior, titleBoost, themes };
}

const REGION_KEYS = new Set(['names', 'metonyms', 'veto']);

export function parseRegionsYaml(
  text: string,
  file = 'regions.yaml',
): Pick<TaggerRules, 'regions' | 'metonymAfter' | 'metonymBefore' | 'domestic'> {
  const doc = parseMapping(text, file);
  const groups = new Map<string, string[]>();
  const ctx = isRecord(doc.metonym_context) ? doc.metonym_context : {};
  const metonymAfter = termList(file, 'metonym_context.after', ctx.after, groups);
  const metonymBefore = termList(file, 'metonym_context.before', ctx.before, groups);
  if (!isRecord(doc.regions)) fail(file, 'regions', 'expected a mapping of code → names/metonyms/veto');
  const regions: RegionRules[] = [];
  for (const [code, def] of Object.entries(doc.regions)) {
    if (!/^(?:[A-Z]{2})$/.test(code))
      fail(file, `region "${code}"`, 'expected an ISO 3166-1 alpha-2 code or EU');
    if (!isRecord(def)) fail(file, `region "${code}"`, 'expected a mapping with names/metonyms/veto');
    for (const k of Object.keys(def))
      if (!REGION_KEYS.has(k)) fail(file, `region "${code}"`, `unknown key "${k}"`);
    const names = termList(file, `region "${code}" names`, def.names, groups);
    const metonyms = termList(file, `region "${code}" metonyms`, def.metonyms, groups);
    if (names.length === 0 && metonyms.length === 0) fail(file, `region "${code}"`, 'has no names');
    regions.push({ code, names, metonyms, veto: termList(file, `region "${code}" veto`, def.veto, groups) });
  }
  const domestic: DomesticRule[] = [];
  if (doc.domestic !== undefined) {
    if (!isRecord(doc.domestic)) fail(file, 'domestic', 'expected a mapping of language → region, cues');
    for (const [lang, def] of Object.entries(doc.domestic)) {
      const where = `domestic "${lang}"`;
      if (!/^[a-z]{2}$/.test(lang)) fail(file, where, 'expected a two-letter language code');
      if (!isRecord(def)) fail(file, where, 'expected a mapping with region and cues');
      for (const k of Object.keys(def))
        if (k !== 'region' && k !== 'cues') fail(file, where, `unknown key "${k}"`);
      const region = def.region;
      if (typeof region !== 'string' || !regions.some((r) => r.code === region))
        fail(file, `${where} region`, 'expected the code of a region of this file');
      const cues = termList(file, `${where} cues`, def.cues, groups);
      if (cues.length === 0) fail(file, where, 'has no cues');
      domestic.push({ lang, region, cues });
    }
  }
  return { regions, metonymAfter, metonymBefore, domestic };
}

export function parseRules(
  themesYaml: string,
  regionsYaml: string,
  files = { themes: 'themes.yaml', regions: 'regions.yaml' },
): TaggerRules {
  return { ...parseThemesYaml(themesYaml, files.themes), ...parseRegionsYaml(regionsYaml, files.regions) };
}
