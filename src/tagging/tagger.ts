// The tagger: rules compiled once into a TermIndex; each item is matched in one pass over
// its title and summary, then themes are scored and regions resolved with explanations.

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { RegionCode, Tags, ThemeId } from '../model.ts';
import { TermIndex, prepareField } from './matcher.ts';
import type { Match } from './matcher.ts';
import { stripDateline } from './normalize.ts';
import { parseRules } from './rules.ts';
import type { TaggerRules } from './rules.ts';

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

/** Explanation entry added when a source prior helped a theme over the threshold. */
export const PRIOR_NOTE = '(source prior)';

interface CompiledRule {
  theme: number;
  termKey: string;
  weight: number;
  titleOnly: boolean;
  withIds: number[];
  near: number | null;
  unlessIds: number[];
}

interface RegionUse {
  region: number;
  metonym: boolean;
}

function overlaps(a: Match, b: Match): boolean {
  return a.field === b.field && a.charStart < b.charEnd && b.charStart < a.charEnd;
}

function contains(outer: Match, inner: Match): boolean {
  return outer.field === inner.field && outer.charStart <= inner.charStart && inner.charEnd <= outer.charEnd;
}

function spanLen(m: Match): number {
  return m.charEnd - m.charStart;
}

export function createTagger(rules: TaggerRules): Tagger {
  const index = new TermIndex();
  const themeIds = rules.themes.map((t) => t.id);
  const uses = new Map<number, CompiledRule[]>();
  const themeVetoUses = new Map<number, number[]>();
  const addUse = <T>(m: Map<number, T[]>, id: number, v: T): void => {
    const l = m.get(id);
    if (l) l.push(v);
    else m.set(id, [v]);
  };
  rules.themes.forEach((theme, ti) => {
    for (const r of theme.terms) {
      const id = index.add(r.term);
      addUse(uses, id, {
        theme: ti,
        termKey: r.key,
        weight: r.weight,
        titleOnly: r.titleOnly,
        withIds: r.with.map((w) => index.add(w)),
        near: r.near,
        unlessIds: r.unless.map((u) => index.add(u)),
      });
    }
    for (const v of theme.veto) addUse(themeVetoUses, index.add(v), ti);
  });

  const regionCodes = rules.regions.map((r) => r.code);
  const regionUses = new Map<number, RegionUse[]>();
  const regionVetoUses = new Map<number, number[]>();
  rules.regions.forEach((region, ri) => {
    for (const n of region.names) addUse(regionUses, index.add(n), { region: ri, metonym: false });
    for (const n of region.metonyms) addUse(regionUses, index.add(n), { region: ri, metonym: true });
    for (const v of region.veto) addUse(regionVetoUses, index.add(v), ri);
  });
  const afterIds = new Set(rules.metonymAfter.map((t) => index.add(t)));
  const beforeIds = new Set(rules.metonymBefore.map((t) => index.add(t)));

  function tag(input: TagInput): Tags {
    const matches: Match[] = [];
    index.match(prepareField(input.title ?? ''), 0, matches);
    index.match(prepareField(stripDateline(input.summary ?? '')), 1, matches);

    const byTerm = new Map<number, Match[]>();
    // Veto spans by theme / region index, collected in the same pass.
    const themeVetoSpans = new Map<number, Match[]>();
    const regionVetoSpans = new Map<number, Match[]>();
    for (const m of matches) {
      addUse(byTerm, m.term, m);
      const tv = themeVetoUses.get(m.term);
      if (tv) for (const t of tv) addUse(themeVetoSpans, t, m);
      const rv = regionVetoUses.get(m.term);
      if (rv) for (const r of rv) addUse(regionVetoSpans, r, m);
    }

    const why: Record<string, string[]> = {};
    const note = (key: string, text: string): void => {
      const list = (why[key] ??= []);
      if (!list.includes(text)) list.push(text);
    };

    // Themes: collect candidate matches per theme, longest first, so a phrase and a word
    // inside it ("internet shutdown" / "shutdown") do not both count.
    const cands: { m: Match; r: CompiledRule; partner: Match | null }[] = [];
    for (const m of matches) {
      const rs = uses.get(m.term);
      if (!rs) continue;
      for (const r of rs) {
        if (r.titleOnly && m.field !== 0) continue;
        if (r.unlessIds.some((u) => byTerm.has(u))) continue;
        let partner: Match | null = null;
        if (r.withIds.length > 0) {
          partner = findPartner(byTerm, r, m);
          if (!partner) continue;
        }
        cands.push({ m, r, partner });
      }
    }
    cands.sort((a, b) => spanLen(b.m) - spanLen(a.m));
    // Per-theme state is created only for themes that have a candidate match.
    const state = new Map<number, { score: number; counted: Map<string, number>; accepted: Match[] }>();
    for (const { m, r, partner } of cands) {
      const t = r.theme;
      if (isVetoed(themeVetoSpans.get(t), m)) continue;
      let st = state.get(t);
      if (!st) {
        st = { score: 0, counted: new Map(), accepted: [] };
        state.set(t, st);
      }
      if (st.accepted.some((a) => a !== m && contains(a, m) && spanLen(a) > spanLen(m))) continue;
      st.accepted.push(m);
      const prev = st.counted.get(r.termKey) ?? 0;
      if (r.weight > prev) {
        st.score += r.weight - prev;
        st.counted.set(r.termKey, r.weight);
      }
      note(themeIds[t]!, partner ? `${m.text} [+${partner.text}]` : m.text);
    }
    const prior = input.sourceThemes ?? [];
    const themes: ThemeId[] = [];
    for (let t = 0; t < themeIds.length; t++) {
      const st = state.get(t);
      if (!st) continue;
      const id = themeIds[t]!;
      let s = st.score;
      const hasPrior = s > 0 && prior.includes(id);
      const boosted = hasPrior && s < rules.threshold && s + rules.prior >= rules.threshold;
      if (hasPrior) s += rules.prior;
      if (s >= rules.threshold) {
        themes.push(id);
        if (boosted) note(id, PRIOR_NOTE);
      } else delete why[id];
    }

    // Regions: names count alone, capitals only in a metonym context; a match inside a
    // longer place name of another region ("korea" in "north korea") gives way.
    const regionHits: { m: Match; u: RegionUse }[] = [];
    for (const m of matches) {
      const us = regionUses.get(m.term);
      if (!us) continue;
      for (const u of us) {
        if (isVetoed(regionVetoSpans.get(u.region), m)) continue;
        if (u.metonym && !inMetonymContext(matches, m, afterIds, beforeIds)) continue;
        regionHits.push({ m, u });
      }
    }
    const regionSet = new Set<number>();
    for (const h of regionHits) {
      const shadowed = regionHits.some(
        (o) => o.u.region !== h.u.region && contains(o.m, h.m) && spanLen(o.m) > spanLen(h.m),
      );
      if (shadowed) continue;
      regionSet.add(h.u.region);
      note(regionCodes[h.u.region]!, h.m.text);
    }
    const regions: RegionCode[] = [...regionSet].sort((a, b) => a - b).map((r) => regionCodes[r]!);
    for (const key of Object.keys(why)) {
      if (!themes.includes(key as ThemeId) && !regions.includes(key)) delete why[key];
    }
    return { themes, regions, why };
  }

  return { tag };
}

function findPartner(byTerm: Map<number, Match[]>, r: CompiledRule, m: Match): Match | null {
  for (const w of r.withIds) {
    const ms = byTerm.get(w);
    if (!ms) continue;
    for (const p of ms) {
      if (overlaps(p, m)) continue;
      if (r.near === null) return p;
      if (p.field !== m.field) continue;
      const gap = p.tokStart >= m.tokEnd ? p.tokStart - m.tokEnd : m.tokStart - p.tokEnd;
      if (gap <= r.near) return p;
    }
  }
  return null;
}

function isVetoed(spans: Match[] | undefined, m: Match): boolean {
  return spans !== undefined && spans.some((x) => overlaps(x, m));
}

function inMetonymContext(matches: Match[], m: Match, after: Set<number>, before: Set<number>): boolean {
  for (const c of matches) {
    if (c.field !== m.field) continue;
    if (after.has(c.term) && c.tokStart === m.tokEnd) return true;
    if (before.has(c.term) && c.tokEnd === m.tokStart) return true;
  }
  return false;
}

export const DEFAULT_THEMES_PATH = 'feeds/themes.yaml';

/** Loads feeds/themes.yaml and the regions file beside it (regions.yaml) and compiles them. */
export function loadTagger(
  path = DEFAULT_THEMES_PATH,
  regionsPath = join(dirname(path), 'regions.yaml'),
): Tagger {
  const rules = parseRules(readFileSync(path, 'utf8'), readFileSync(regionsPath, 'utf8'), {
    themes: path,
    regions: regionsPath,
  });
  return createTagger(rules);
}
