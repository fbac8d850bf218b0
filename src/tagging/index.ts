export { createTagger, loadTagger, PRIOR_NOTE, DEFAULT_THEMES_PATH } from './tagger.ts';
export type { Tagger, TagInput } from './tagger.ts';
export { parseRules, parseThemesYaml, parseRegionsYaml } from './rules.ts';
export type { TaggerRules, ThemeRules, RegionRules, TermRule } from './rules.ts';
export { evaluate, formatReport, prf } from './evaluate.ts';
export type { EvalReport, LabelledItem, Prf } from './evaluate.ts';
export { loadSourceThemes } from './sources.ts';
export { normalizeText, stripDateline } from './normalize.ts';
