// The tagger: rules compiled once into a TermIndex; each item is matched in one pass over
// its title and summary, then themes are scored and regions resolved with explanations.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { RegionCode, Tags, ThemeId } from '../model.ts';
import { TermIndex, prepareField } from './matcher.ts';
import type { FieldText, Match } from './matcher.ts';
import { TokenPool, stripDateline, stripMarkup } from './normalize.ts';
import { twoDecimals } from './two-decimals.ts';
import { parseRules } from './rules.ts';
import type { TaggerRules } from './rules.ts';
import {
  FeatureBuf,
  POWER_REGIONS,
  REGION_FEATURE_NAMES,
  RULE_FEATURES_PER_THEME,
  extractFeatures,
  featureName,
  HASH_SIZE,
} from './features.ts';
import type { NamedRegions } from './features.ts';
import {
  contributions,
  loadModel,
  runtimeWeights,
  scoreRuntime,
  sigmoid,
  themeCut,
  topContributions,
} from './learned.ts';
import type { TagModel } from './learned.ts';
import {
  contextBucket,
  contextScore,
  denseContext,
  denseLogit,
  emptyEvidence,
  langOf,
  regionFeatures,
} from './region-model.ts';
import type { RegionEvidence } from './region-model.ts';
import { GAZETTEER_FILES, mergeGazetteer, parseGazetteerYaml } from './gazetteer.ts';

export interface TagInput {
  title: string;
  summary: string;
  lang?: string | null;
  /** The source's default themes: a prior that strengthens a theme with at least one match. */
  sourceThemes?: readonly ThemeId[];
}

export interface Tagger {
  tag(input: TagInput): Tags;
}

/** A tagger that also gives the learned layer's features of an item (for training). */
export interface FeatureTagger extends Tagger {
  featuresOf(input: TagInput, out: FeatureBuf): Tags;
  regionCandidatesOf(input: TagInput, themes: readonly ThemeId[], onTopic?: number): RegionEvidence[];
}

/** Explanation entry added when a source prior helped a theme over the threshold. */
export const PRIOR_NOTE = '(source prior)';

interface CompiledRule {
  theme: number;
  /** The rule's key within its theme, as a number: one weight counts per key and item. */
  keyId: number;
  weight: number;
  titleOnly: boolean;
  /** Term ids of the `with` list, or null for a plain term. */
  withSet: IdSet | null;
  near: number | null;
  unlessSet: IdSet | null;
}

/** The term ids of a `with` or `unless` list. */
interface IdSet {
  has: Set<number>;
  /** The set's number: `setAt[id]` is the current item's stamp when one of its terms matched. */
  id: number;
}

/** The themes and regions a veto term cancels (few terms have one). */
interface TermVetoes {
  themeVetoes: number[] | null;
  regionVetoes: number[] | null;
}

/** A candidate match for a theme: the match, its rule (index into the rule arrays), the `with` partner. */
interface ThemeCand {
  m: Match;
  q: number;
  partner: Match | null;
}

/** How a region use names its region (`useKind`). */
const USE_NAME = 0;
const USE_METONYM = 1;
const USE_PLACE = 2;

interface ThemeState {
  score: number;
  accepted: Match[];
  notes: string[];
}

function addNote(notes: string[], text: string): void {
  if (!notes.includes(text)) notes.push(text);
}

interface RegionUse {
  region: number;
  metonym: boolean;
  /** A subnational place (province, city): counts only when the item has a theme. */
  place: boolean;
}

type HitKind = 'name' | 'metonym' | 'bare' | 'place';
interface RegionHit {
  m: Match;
  region: number;
  kind: HitKind;
}
const BEFORE_TAG: Record<HitKind, string> = {
  name: 'name<',
  metonym: 'metonym<',
  bare: 'bare<',
  place: 'place<',
};
const AFTER_TAG: Record<HitKind, string> = {
  name: 'name>',
  metonym: 'metonym>',
  bare: 'bare>',
  place: 'place>',
};

function evidenceOf(by: Map<number, RegionEvidence>, region: number): RegionEvidence {
  let e = by.get(region);
  if (!e) {
    e = emptyEvidence(region);
    by.set(region, e);
  }
  return e;
}

function overlaps(a: Match, b: Match): boolean {
  return a.field === b.field && a.charStart < b.charEnd && b.charStart < a.charEnd;
}

function contains(outer: Match, inner: Match): boolean {
  return outer.field === inner.field && outer.charStart <= inner.charStart && inner.charEnd <= outer.charEnd;
}

/** Whether a match in `list` contains `m`. */
function containsAny(list: readonly Match[], m: Match): boolean {
  for (const a of list) if (contains(a, m)) return true;
  return false;
}

function spanLen(m: Match): number {
  return m.charEnd - m.charStart;
}

/** The word before a match (two characters in Chinese, where words are not split). */
function wordBefore(ft: FieldText, m: Match): string {
  const tok = ft.tokens[m.tokStart];
  if (tok?.cjk && m.charStart > tok.start)
    return ft.norm.slice(Math.max(tok.start, m.charStart - 2), m.charStart);
  return ft.tokens[m.tokStart - 1]?.norm ?? '^';
}

/** The word after a match (two characters in Chinese). */
function wordAfter(ft: FieldText, m: Match): string {
  const tok = ft.tokens[m.tokEnd - 1];
  if (tok?.cjk && m.charEnd < tok.end) return ft.norm.slice(m.charEnd, Math.min(tok.end, m.charEnd + 2));
  return ft.tokens[m.tokEnd]?.norm ?? '$';
}

/** A match of region `ra` covers a shorter one of another region ("korea" in "north korea"). */
function shadows(a: Match, ra: number, b: Match, rb: number): boolean {
  return ra !== rb && contains(a, b) && spanLen(a) > spanLen(b);
}

/** Whether a hit in `list` shadows `h` (see `shadows`). */
function shadowedBy(list: readonly RegionHit[], h: RegionHit): boolean {
  for (const o of list) if (shadows(o.m, o.region, h.m, h.region)) return true;
  return false;
}

/** Explanation entry of a region implied by domestic cues in the item's language. */
export const DOMESTIC_NOTE = '(domestic context)';

const CYRILLIC = /[\u0400-\u04ff]/;
// Letters of Ukrainian, Belarusian, Serbian, Macedonian and Kazakh that Russian does not use.
const NOT_RUSSIAN = /[іїєґўђјљњћџѕғқңөұүһә]/;
const HAN = /[\u4e00-\u9fff]/;
const KANA = /[\u3040-\u30ff]/;

// Characters written only in traditional Chinese (Taiwan, Hong Kong, Macau): 國 not 国, 這 not 这.
const TRADITIONAL = /[國們這個時說會對於與為臺灣體權網電資訊務員關開區長門問發經過後來還讓從當見覺處據]/;

/**
 * Whether `re` (one character class) matches the title or the summary: the same as testing
 * them joined, without building and flattening the joined string for every item.
 */
function anyField(fields: readonly FieldText[], re: RegExp): boolean {
  return re.test(fields[0]!.norm) || re.test(fields[1]!.norm);
}

/**
 * The item's language for the domestic context: two letters as given by the feed ("de",
 * "zh-CN"), else guessed from the script for the two whose script says it: Russian Cyrillic
 * and simplified Chinese. `region` is the domestic region of that language, lowercased, so a
 * tag naming another country ("de-AT", "fr-CA", "zh-TW") gives no domestic language.
 */
function domesticLanguage(
  lang: string | null | undefined,
  fields: readonly FieldText[],
  regionOf: (lang: string) => string | undefined,
): string {
  if (lang) {
    const [base = '', sub] = lang.toLowerCase().split(/[-_]/);
    if (sub !== undefined && sub !== 'hans' && sub !== regionOf(base)) return '';
    // Traditional characters: Taiwan or Hong Kong, whatever the feed says.
    if (base === 'zh' && anyField(fields, TRADITIONAL)) return '';
    return base;
  }
  if (anyField(fields, CYRILLIC)) return anyField(fields, NOT_RUSSIAN) ? '' : 'ru';
  return anyField(fields, HAN) && !anyField(fields, KANA) && !anyField(fields, TRADITIONAL) ? 'zh' : '';
}

/** Top features named in a learned tag's explanation. */
const WHY_FEATURES = 3;

export function createTagger(rules: TaggerRules, model: TagModel | null = null): FeatureTagger {
  const index = new TermIndex();
  const themeIds = rules.themes.map((t) => t.id);
  const T = themeIds.length;
  if (model && model.meta.themes.join() !== themeIds.join()) {
    throw new Error(
      `the tagging model was trained for themes ${model.meta.themes.join(', ')}, the rules have ${themeIds.join(', ')}; run npm run train:tags`,
    );
  }
  // The weights as read at tag time (compact int16 rows; same scores as the float32 weights).
  const rw = model ? runtimeWeights(model.weights, model.meta.scale) : null;
  // Per-feature contributions to one theme, for explanations (grown with the feature buffer).
  let contrib = new Float64Array(0);
  // The largest contributions of the theme being explained (feature indexes, largest first).
  const TOP = 8;
  const top = new Int32Array(TOP);
  const ruleNames = themeIds.map((id) => `rules:${id}`);
  const topC = new Float64Array(TOP);
  const ruleScores = new Float64Array(T);
  const logits = new Float64Array(T + 1);
  const feats = new FeatureBuf();
  const boostedBy = new Uint8Array(T);
  const uses = new Map<number, CompiledRule[]>();
  const themeVetoUses = new Map<number, number[]>();
  const addUse = <T>(m: Map<number, T[]>, id: number, v: T): void => {
    const l = m.get(id);
    if (l) l.push(v);
    else m.set(id, [v]);
  };
  // Rules expanded from one YAML rule share their lists: compile each list to one id set.
  const idSets = new Map<string[], IdSet | null>();
  let setCount = 0;
  const idSet = (list: string[]): IdSet | null => {
    if (list.length === 0) return null;
    let set = idSets.get(list);
    if (set === undefined) {
      const has = new Set(list.map((t) => index.add(t)));
      set = { has, id: setCount++ };
      idSets.set(list, set);
    }
    return set;
  };
  // Each (theme, rule key) pair numbered: the weight it counted in the current item lives in
  // keyWeight[k] when keyAt[k] is the item's stamp.
  const keyIds = new Map<string, number>();
  rules.themes.forEach((theme, ti) => {
    for (const r of theme.terms) {
      const id = index.add(r.term);
      const pair = `${ti}\u0000${r.key}`;
      let keyId = keyIds.get(pair);
      if (keyId === undefined) {
        keyId = keyIds.size;
        keyIds.set(pair, keyId);
      }
      addUse(uses, id, {
        theme: ti,
        keyId,
        weight: r.weight,
        titleOnly: r.titleOnly,
        withSet: idSet(r.with),
        near: r.near,
        unlessSet: idSet(r.unless),
      });
    }
    for (const v of theme.veto) addUse(themeVetoUses, index.add(v), ti);
  });

  const regionCodes = rules.regions.map((r) => r.code);
  const regionUses = new Map<number, RegionUse[]>();
  const regionVetoUses = new Map<number, number[]>();
  rules.regions.forEach((region, ri) => {
    for (const n of region.names)
      addUse(regionUses, index.add(n), { region: ri, metonym: false, place: false });
    for (const n of region.metonyms)
      addUse(regionUses, index.add(n), { region: ri, metonym: true, place: false });
    for (const n of region.subnational ?? [])
      addUse(regionUses, index.add(n), { region: ri, metonym: false, place: true });
    for (const v of region.veto) addUse(regionVetoUses, index.add(v), ri);
  });
  // Domestic cues per language (see DomesticRule): term ids and the region they imply.
  const domestic = new Map<string, { region: number; cues: Set<number> }>();
  for (const d of rules.domestic) {
    domestic.set(d.lang, {
      region: regionCodes.indexOf(d.region),
      cues: new Set(d.cues.map((c) => index.add(c))),
    });
  }
  const domesticRegion = (lang: string): string | undefined =>
    rules.domestic.find((d) => d.lang === lang)?.region.toLowerCase();
  // Context words ("said", "'s", "linked to") matter only next to a capital, so they live in
  // their own index and are looked up only around a capital's match.
  const context = new TermIndex();
  const afterIds = new Set(rules.metonymAfter.map((t) => context.add(t)));
  const beforeIds = new Set(rules.metonymBefore.map((t) => context.add(t)));
  const maxBefore = Math.max(1, ...rules.metonymBefore.map((t) => t.trim().split(/\s+/).length + 1));

  // What each term does, by term id once all terms have ids. Rules and region uses are flat
  // typed arrays, term t's at [start[t], start[t + 1]): a match reads a few numbers near each
  // other rather than a chain of objects. Vetoes (rare) keep a record per term.
  const termCount = index.terms.length;
  const termRuleStart = new Int32Array(termCount + 1);
  const termUseStart = new Int32Array(termCount + 1);
  for (let t = 0; t < termCount; t++) {
    termRuleStart[t + 1] = termRuleStart[t]! + (uses.get(t)?.length ?? 0);
    termUseStart[t + 1] = termUseStart[t]! + (regionUses.get(t)?.length ?? 0);
  }
  const ruleCount = termRuleStart[termCount]!;
  const ruleTheme = new Int32Array(ruleCount);
  const ruleKey = new Int32Array(ruleCount);
  const ruleWeight = new Float64Array(ruleCount);
  const ruleTitleOnly = new Uint8Array(ruleCount);
  // Set ids (see setAt) of each rule's `unless` and `with` lists, -1 for none.
  const ruleUnless = new Int32Array(ruleCount);
  const ruleWith = new Int32Array(ruleCount);
  // How many words may separate a `with` rule's term from its partner; -1: any distance.
  const ruleNear = new Float64Array(ruleCount);
  for (const [t, list] of uses) {
    for (let j = 0; j < list.length; j++) {
      const q = termRuleStart[t]! + j;
      const r = list[j]!;
      ruleTheme[q] = r.theme;
      ruleKey[q] = r.keyId;
      ruleWeight[q] = r.weight;
      ruleTitleOnly[q] = r.titleOnly ? 1 : 0;
      ruleUnless[q] = r.unlessSet ? r.unlessSet.id : -1;
      ruleWith[q] = r.withSet ? r.withSet.id : -1;
      ruleNear[q] = r.near ?? -1;
    }
  }
  const useRegion = new Int32Array(termUseStart[termCount]!);
  const useKind = new Uint8Array(termUseStart[termCount]!);
  for (const [t, list] of regionUses) {
    for (let j = 0; j < list.length; j++) {
      const u = list[j]!;
      useRegion[termUseStart[t]! + j] = u.region;
      useKind[termUseStart[t]! + j] = u.place ? USE_PLACE : u.metonym ? USE_METONYM : USE_NAME;
    }
  }
  const vetoes = new Array<TermVetoes | null>(termCount).fill(null);
  for (const [id, v] of themeVetoUses)
    (vetoes[id] ??= { themeVetoes: null, regionVetoes: null }).themeVetoes = v;
  for (const [id, v] of regionVetoUses)
    (vetoes[id] ??= { themeVetoes: null, regionVetoes: null }).regionVetoes = v;
  let stamp = 0;
  // Regions named in the current item (regionSeen[r] === stamp), for the theme model's features.
  const regionSeen = new Uint32Array(regionCodes.length);
  const keyWeight = new Float64Array(keyIds.size);
  const keyAt = new Uint32Array(keyIds.size);
  const powerOf = Int8Array.from(regionCodes, (c) => (POWER_REGIONS as readonly string[]).indexOf(c));
  const named: NamedRegions = { count: 0, powers: new Uint8Array(POWER_REGIONS.length) };
  // Each term → the with/unless sets holding it (termSetIds[termSetStart[t] …
  // termSetStart[t + 1]]): a matched term marks its sets, so asking whether any term of a set
  // matched is one comparison. termAt[t] is the stamp of the last item the term marked them in.
  const setsByTerm = new Map<number, number[]>();
  for (const set of idSets.values()) if (set) for (const id of set.has) addUse(setsByTerm, id, set.id);
  const termSetStart = new Int32Array(termCount + 1);
  for (let t = 0; t < termCount; t++)
    termSetStart[t + 1] = termSetStart[t]! + (setsByTerm.get(t)?.length ?? 0);
  const termSetIds = new Int32Array(termSetStart[termCount]!);
  for (const [t, ids] of setsByTerm) termSetIds.set(ids, termSetStart[t]!);
  const termAt = new Uint32Array(termCount);
  const setAt = new Uint32Array(setCount);
  /** Whether term `t` is in set `set` (a term is in few sets: its list is read, not hashed). */
  const inSet = (t: number, set: number): boolean => {
    for (let k = termSetStart[t]!, end = termSetStart[t + 1]!; k < end; k++)
      if (termSetIds[k] === set) return true;
    return false;
  };
  /**
   * The first match of a term of set `set` (a rule's `with` list) that does not overlap `m`
   * and lies within `near` words of it (-1: anywhere in the item).
   */
  const findPartner = (matches: readonly Match[], set: number, near: number, m: Match): Match | null => {
    for (const p of matches) {
      if (!inSet(p.term, set) || overlaps(p, m)) continue;
      if (near < 0) return p;
      if (p.field !== m.field) continue;
      const gap = p.tokStart >= m.tokEnd ? p.tokStart - m.tokEnd : m.tokStart - p.tokEnd;
      if (gap <= near) return p;
    }
    return null;
  };

  let fieldsNow: readonly FieldText[] = [];
  let collectInto: FeatureBuf | null = null;
  // Set only while regionCandidatesOf runs: the themes to resolve regions with, and where the
  // candidates go.
  let forcedThemes: readonly ThemeId[] | null = null;
  let forcedOnTopic = 0;
  let evidenceOut: RegionEvidence[] | null = null;
  const regionModel = model?.meta.regions ?? null;
  const regionContext = regionModel ? denseContext(regionModel) : null;
  // The feature vector of the candidate being scored (reused).
  const regionX = new Float64Array(regionModel ? regionModel.weights.length : 0);
  // Tokens of the title and the summary, refilled for each item: nothing keeps them past tag().
  const titlePool = new TokenPool();
  const summaryPool = new TokenPool();

  function tag(input: TagInput): Tags {
    const matches: Match[] = [];
    const fields = [
      prepareField(stripMarkup(input.title ?? ''), titlePool),
      prepareField(stripDateline(stripMarkup(input.summary ?? '')), summaryPool),
    ] as const;
    index.match(fields[0], 0, matches);
    index.match(fields[1], 1, matches);
    fieldsNow = fields;

    // A new stamp per item; on wrap-around the old marks are cleared so none reads as current.
    if (++stamp === 0xffffffff) {
      termAt.fill(0);
      regionSeen.fill(0);
      keyAt.fill(0);
      setAt.fill(0);
      stamp = 1;
    }

    // Veto spans by theme / region index, collected in the same pass (rare: created lazily).
    let themeVetoSpans: Map<number, Match[]> | null = null;
    let regionVetoSpans: Map<number, Match[]> | null = null;
    for (const m of matches) {
      const term = m.term;
      if (termAt[term] !== stamp) {
        termAt[term] = stamp;
        for (let k = termSetStart[term]!, end = termSetStart[term + 1]!; k < end; k++)
          setAt[termSetIds[k]!] = stamp;
      }
      const ro = vetoes[term];
      if (!ro) continue;
      if (ro.themeVetoes) for (const t of ro.themeVetoes) addUse((themeVetoSpans ??= new Map()), t, m);
      if (ro.regionVetoes) for (const r of ro.regionVetoes) addUse((regionVetoSpans ??= new Map()), r, m);
    }
    // Every region mention, once: the theme model's region features and the regions read it.
    const hits = regionHits(matches, fields, regionVetoSpans);
    if (model || collectInto) nameRegions(hits);

    // Themes: collect candidate matches per theme, longest first, so a phrase and a word
    // inside it ("internet shutdown" / "shutdown") do not both count.
    const cands: ThemeCand[] = [];
    for (const m of matches) {
      for (let q = termRuleStart[m.term]!, end = termRuleStart[m.term + 1]!; q < end; q++) {
        if (ruleTitleOnly[q] === 1 && m.field !== 0) continue;
        const unless = ruleUnless[q]!;
        if (unless >= 0 && setAt[unless] === stamp) continue;
        let partner: Match | null = null;
        const withSet = ruleWith[q]!;
        if (withSet >= 0) {
          // Most `with` rules find none of their partner terms: say so without a scan.
          if (setAt[withSet] !== stamp) continue;
          partner = findPartner(matches, withSet, ruleNear[q]!, m);
          if (!partner) continue;
        }
        cands.push({ m, q, partner });
      }
    }
    // Longest span first; on equal spans the heaviest rule first, so that one stretch of text
    // counts once per theme even when several terms (say, in two languages) match it.
    if (cands.length > 1) sortCands(cands, ruleWeight);
    // Per-theme state is created only for themes that have a candidate match; explanations
    // are kept there and copied out only for the tags given.
    const state: (ThemeState | undefined)[] = new Array<ThemeState | undefined>(themeIds.length);
    for (const { m, q, partner } of cands) {
      const t = ruleTheme[q]!;
      if (themeVetoSpans && isVetoed(themeVetoSpans.get(t), m)) continue;
      let st = state[t];
      if (!st) {
        st = { score: 0, accepted: [], notes: [] };
        state[t] = st;
      }
      if (containsAny(st.accepted, m)) continue;
      st.accepted.push(m);
      const w = m.field === 0 ? ruleWeight[q]! * rules.titleBoost : ruleWeight[q]!;
      const k = ruleKey[q]!;
      const prev = keyAt[k] === stamp ? keyWeight[k]! : 0;
      if (w > prev) {
        st.score += w - prev;
        keyWeight[k] = w;
        keyAt[k] = stamp;
      }
      addNote(st.notes, partner ? `${m.text} [+${partner.text}]` : m.text);
    }
    const prior = input.sourceThemes ?? [];
    const themes: ThemeId[] = [];
    const why: Record<string, string[]> = {};
    let confident: ThemeId[] | undefined;
    ruleScores.fill(0);
    boostedBy.fill(0);
    for (let t = 0; t < T; t++) {
      const st = state[t];
      if (!st) continue;
      const id = themeIds[t]!;
      let s = st.score;
      const hasPrior = s > 0 && prior.includes(id);
      boostedBy[t] = hasPrior && s < rules.threshold && s + rules.prior >= rules.threshold ? 1 : 0;
      if (hasPrior) s += rules.prior;
      ruleScores[t] = s;
    }
    if (collectInto) extractFeatures(fields, ruleScores, rules.threshold, named, collectInto);
    if (!model) {
      for (let t = 0; t < T; t++) {
        const st = state[t];
        if (!st || ruleScores[t]! < rules.threshold) continue;
        const id = themeIds[t]!;
        themes.push(id);
        if (boostedBy[t]) st.notes.push(PRIOR_NOTE);
        why[id] = st.notes;
      }
    } else {
      // The learned layer decides; the rule scores are among its features.
      extractFeatures(fields, ruleScores, rules.threshold, named, feats);
      scoreRuntime(rw!, feats, logits);
      confident = [];
      // The on-topic gate (last output) closed: no theme at all.
      const { gate, threshold, confident: sure } = model.meta;
      for (let t = 0; t < T; t++) {
        if (logits[t]! < themeCut(logits, T, t, gate, threshold, sure)) continue;
        const id = themeIds[t]!;
        themes.push(id);
        if (logits[t]! >= sure[t]!) confident.push(id);
        const st = state[t];
        const notes = st ? st.notes : [];
        if (st && boostedBy[t]) notes.push(PRIOR_NOTE);
        notes.push(modelNote(t, logits[t]!));
        why[id] = notes;
      }
    }

    const regionThemes = forcedThemes ?? themes;
    const onTopic = forcedThemes ? forcedOnTopic : model ? sigmoid(logits[T]!) : themes.length > 0 ? 1 : 0;
    const evidence = regionEvidence(hits, matches, fields, regionThemes, input.lang, onTopic);
    if (evidenceOut) evidenceOut.push(...evidence);
    const regions: RegionCode[] = [];
    const itemLang = regionModel
      ? input.lang
        ? langOf(input.lang, '')
        : langOf(null, fields[0].norm + fields[1].norm)
      : '';
    // Plain loops and an insertion sort: this runs for every item, and closures and
    // Array.prototype.sort allocate.
    const kept: RegionEvidence[] = [];
    for (const e of evidence) {
      if (regionModel ? !regionKept(e, evidence, regionThemes, itemLang) : !e.rule) continue;
      let j = kept.length;
      kept.push(e);
      for (; j > 0 && kept[j - 1]!.region > e.region; j--) kept[j] = kept[j - 1]!;
      kept[j] = e;
    }
    for (const e of kept) {
      const code = regionCodes[e.region]!;
      regions.push(code);
      why[code] = regionModel ? e.notes : e.ruleNotes;
    }
    return confident ? { themes, regions, why, confident } : { themes, regions, why };
  }

  /** Every mention of a region that no veto cancels, with how it was named. */
  function regionHits(
    matches: readonly Match[],
    fields: readonly FieldText[],
    vetoSpans: Map<number, Match[]> | null,
  ): RegionHit[] {
    const hits: RegionHit[] = [];
    for (const m of matches) {
      for (let q = termUseStart[m.term]!, end = termUseStart[m.term + 1]!; q < end; q++) {
        const region = useRegion[q]!;
        if (vetoSpans && isVetoed(vetoSpans.get(region), m)) continue;
        const use = useKind[q]!;
        const kind: HitKind =
          use === USE_PLACE
            ? 'place'
            : use === USE_NAME
              ? 'name'
              : inMetonymContext(context, fields[m.field]!, m, afterIds, beforeIds, maxBefore)
                ? 'metonym'
                : 'bare';
        hits.push({ m, region, kind });
      }
    }
    return hits;
  }

  /**
   * Every region the item names, with how it was named. `rule` is the rules' own decision:
   * names count alone, capitals only in a metonym context, provinces and cities only in an
   * item with a theme (else they are where a match or a holiday took place), the language's
   * domestic region only when nothing else is named and the item has a theme (the region model
   * also weighs it in an off-topic item: a Russian weather story about "власти" is Russia's); a
   * match inside a longer place name of another region ("korea" in "north korea") gives way.
   */
  function regionEvidence(
    hits: readonly RegionHit[],
    matches: readonly Match[],
    fields: readonly FieldText[],
    themes: readonly ThemeId[],
    lang: string | null | undefined,
    onTopic: number,
  ): RegionEvidence[] {
    // The words around each mention matter only to the region model.
    const withContext = regionModel !== null || evidenceOut !== null;
    // The rules' own decision and notes, as before the region model.
    const counted: RegionHit[] = [];
    for (const h of hits)
      if (h.kind === 'name' || h.kind === 'metonym' || (h.kind === 'place' && themes.length > 0))
        counted.push(h);
    const byRegion = new Map<number, RegionEvidence>();
    for (const h of counted) {
      if (shadowedBy(counted, h)) continue;
      const e = evidenceOf(byRegion, h.region);
      e.rule = true;
      addNote(e.ruleNotes, h.m.text);
    }
    // The evidence (for the region model only): every hit not inside a longer match of
    // another region.
    let firstRegion = -1;
    let firstAt = Infinity;
    for (const h of withContext ? hits : []) {
      if (shadowedBy(hits, h)) continue;
      const e = evidenceOf(byRegion, h.region);
      const title = h.m.field === 0;
      if (h.kind === 'name') {
        e.names++;
        if (title) e.namesInTitle++;
      } else if (h.kind === 'metonym') {
        e.metonymInContext++;
        if (title) e.namesInTitle++;
      } else if (h.kind === 'bare') {
        e.metonymBare++;
        if (title) e.metonymBareInTitle++;
        if (title && h.m.tokStart === 0) e.metonymAtTitleStart++;
      } else {
        e.places++;
        if (title) e.placesInTitle++;
      }
      addNote(e.notes, h.m.text);
      e.forms++;
      const ft = fields[h.m.field]!;
      e.context.push(
        contextBucket(BEFORE_TAG[h.kind], wordBefore(ft, h.m)),
        contextBucket(AFTER_TAG[h.kind], wordAfter(ft, h.m)),
      );
      const at = h.m.field * 1e6 + h.m.charStart;
      if (at < firstAt) {
        firstAt = at;
        firstRegion = h.region;
      }
    }
    let ruleCount = 0;
    if (counted.length > 0) for (const e of byRegion.values()) if (e.rule) ruleCount++;
    if (domestic.size > 0 && (withContext || (ruleCount === 0 && themes.length > 0))) {
      const d = domestic.get(domesticLanguage(lang, fields, domesticRegion));
      if (d && d.region >= 0) {
        const cues: string[] = [];
        for (const m of matches) if (d.cues.has(m.term)) addNote(cues, m.text);
        if (cues.length > 0) {
          const e = evidenceOf(byRegion, d.region);
          e.domesticCues = cues.length;
          if (ruleCount === 0 && themes.length > 0) {
            e.rule = true;
            e.ruleNotes.push(...cues, DOMESTIC_NOTE);
          }
          for (const c of cues) addNote(e.notes, c);
          e.notes.push(DOMESTIC_NOTE);
        }
      }
    }
    const out = [...byRegion.values()];
    const terse = fields[1]!.tokens.length === 0;
    for (const e of out) {
      e.first = e.region === firstRegion;
      e.terse = terse;
      e.onTopic = onTopic;
    }
    return out;
  }

  /** The region model's decision on one candidate; its probability joins the explanation. */
  function regionKept(
    e: RegionEvidence,
    all: readonly RegionEvidence[],
    themes: readonly ThemeId[],
    lang: string,
  ): boolean {
    const rm = regionModel!;
    regionX.fill(0);
    regionFeatures(e, all, themes, themeIds, lang, regionCodes[e.region] === 'EU', regionX);
    const z = denseLogit(rm, regionX) + contextScore(e, regionContext!);
    if (z < rm.threshold) return false;
    e.notes.push(`model ${twoDecimals(sigmoid(z))}`);
    return true;
  }

  /**
   * "model 0.91: roskomnadzor, блокир…, vpn" – the probability and the strongest features:
   * distinct names by their largest contribution (ties: the earlier feature first). Names are
   * built only for the few features picked, largest first, not for every candidate.
   */
  function modelNote(t: number, z: number): string {
    // The bias (always the last feature) is not something the item has: never named.
    const n = feats.n - 1;
    // The few largest positive contributions, largest first, earliest on ties (the order in
    // which they are named); a full scan is needed only when these hold fewer than three
    // distinct names.
    const { kept, positive } = topContributions(rw!, feats, t, n, top, topC);
    const names: string[] = [];
    for (let j = 0; j < kept && names.length < WHY_FEATURES; j++) {
      const label = featureLabel(top[j]!);
      if (!names.includes(label)) names.push(label);
    }
    if (names.length < WHY_FEATURES && positive > kept) {
      if (contrib.length < n) contrib = new Float64Array(feats.idx.length);
      contributions(rw!, feats, t, contrib);
      names.splice(0, names.length, ...namesByScan(n));
    }
    return `model ${twoDecimals(sigmoid(z))}: ${names.join(', ')}`;
  }

  /** The names of modelNote by repeated scans: the largest remaining contribution each time. */
  function namesByScan(n: number): string[] {
    const names: string[] = [];
    for (;;) {
      let best = -1;
      let bc = 0;
      for (let k = 0; k < n; k++) {
        const c = contrib[k]!;
        if (c > bc) {
          bc = c;
          best = k;
        }
      }
      if (best < 0) return names;
      contrib[best] = 0;
      const label = featureLabel(best);
      if (!names.includes(label)) names.push(label);
      if (names.length === WHY_FEATURES) return names;
    }
  }

  function featureLabel(k: number): string {
    const i = feats.idx[k]!;
    return (i >= HASH_SIZE ? ruleFeatureName(i - HASH_SIZE) : null) ?? featureName(fieldsNow, feats, k);
  }

  /** The name of dense feature k (counted from HASH_SIZE); null for the bias. */
  function ruleFeatureName(k: number): string | null {
    const t = Math.floor(k / RULE_FEATURES_PER_THEME);
    if (t < T) return ruleNames[t]!;
    return REGION_FEATURE_NAMES[k - T * RULE_FEATURES_PER_THEME] ?? null;
  }

  function featuresOf(input: TagInput, out: FeatureBuf): Tags {
    collectInto = out;
    try {
      return tag(input);
    } finally {
      collectInto = null;
    }
  }

  /** Fills `named`: the distinct regions the item names (not provinces), and which powers. */
  function nameRegions(hits: readonly RegionHit[]): void {
    named.count = 0;
    named.powers.fill(0);
    for (const h of hits) {
      if (h.kind === 'place' || regionSeen[h.region] === stamp) continue;
      regionSeen[h.region] = stamp;
      named.count++;
      const p = powerOf[h.region]!;
      if (p >= 0) named.powers[p] = 1;
    }
  }

  /**
   * The region candidates of an item as if it had `themes` and the on-topic probability
   * `onTopic` (for training the region model).
   */
  function regionCandidatesOf(
    input: TagInput,
    themes: readonly ThemeId[],
    onTopic = themes.length > 0 ? 1 : 0,
  ): RegionEvidence[] {
    const out: RegionEvidence[] = [];
    forcedThemes = themes;
    forcedOnTopic = onTopic;
    evidenceOut = out;
    try {
      tag(input);
      return out;
    } finally {
      forcedThemes = null;
      evidenceOut = null;
    }
  }

  return { tag, featuresOf, regionCandidatesOf };
}

/**
 * Longest span first, then heaviest rule; stable like Array.prototype.sort. An insertion
 * sort: the lists are short, and it saves a comparator call through the builtin per pair.
 */
function sortCands(c: ThemeCand[], weight: Float64Array): void {
  for (let i = 1; i < c.length; i++) {
    const x = c[i]!;
    const len = spanLen(x.m);
    const w = weight[x.q]!;
    let j = i - 1;
    for (; j >= 0; j--) {
      const y = c[j]!;
      const d = len - spanLen(y.m);
      // x goes before y only when strictly greater (longer, or as long and heavier).
      if (d < 0 || (d === 0 && w <= weight[y.q]!)) break;
      c[j + 1] = y;
    }
    c[j + 1] = x;
  }
}

function isVetoed(spans: Match[] | undefined, m: Match): boolean {
  return spans !== undefined && spans.some((x) => overlaps(x, m));
}

function inMetonymContext(
  context: TermIndex,
  ft: FieldText,
  m: Match,
  after: Set<number>,
  before: Set<number>,
  maxBefore: number,
): boolean {
  const near: Match[] = [];
  context.matchRange(ft, m.field, m.tokEnd, m.tokEnd + 1, near);
  if (near.some((c) => after.has(c.term) && c.tokStart === m.tokEnd)) return true;
  near.length = 0;
  context.matchRange(ft, m.field, m.tokStart - maxBefore, m.tokStart, near);
  return near.some((c) => before.has(c.term) && c.tokEnd === m.tokStart);
}

export const DEFAULT_THEMES_PATH = 'feeds/themes.yaml';

export interface LoadOptions {
  /** Use the learned layer (feeds/tag-model.*) when it is there; false = rules only. */
  model?: boolean;
}

/**
 * Loads feeds/themes.yaml, the regions file beside it (regions.yaml), the gazetteer
 * (gazetteer.yaml and gazetteer-places.yaml, when present) and the learned model
 * (tag-model.json/.bin, when present).
 */
export function loadTagger(
  path = DEFAULT_THEMES_PATH,
  regionsPath = join(dirname(path), 'regions.yaml'),
  opts: LoadOptions = {},
): Tagger {
  return createTagger(loadRules(path, regionsPath), opts.model === false ? null : loadModel(dirname(path)));
}

/** The rules of the themes file, its regions file and the gazetteer beside it. */
export function loadRules(
  path = DEFAULT_THEMES_PATH,
  regionsPath = join(dirname(path), 'regions.yaml'),
): TaggerRules {
  const rules = parseRules(readFileSync(path, 'utf8'), readFileSync(regionsPath, 'utf8'), {
    themes: path,
    regions: regionsPath,
  });
  // gazetteer.yaml and gazetteer-places.yaml (hand-written) and countries.yaml (generated
  // from ICU by scripts/gen-countries.mjs) share one format and merge the same way.
  let merged = rules;
  for (const file of [...GAZETTEER_FILES, 'countries.yaml']) {
    const gazPath = join(dirname(path), file);
    if (existsSync(gazPath))
      merged = mergeGazetteer(merged, parseGazetteerYaml(readFileSync(gazPath, 'utf8'), gazPath));
  }
  return merged;
}
