// node scripts/gen-countries.mjs  →  feeds/countries.yaml
//
// Writes the country names of every ISO 3166-1 alpha-2 code (plus EU) in the seven languages,
// taken from Node's ICU (Intl.DisplayNames), in the gazetteer format; loadRules merges the file
// into the region rules like feeds/gazetteer.yaml. Re-run it after a Node/ICU upgrade or after
// changing the lists below, and commit the result: the tagger reads the file, never ICU, so
// start-up stays a YAML parse and the shipped names do not drift with the runtime.
//
// Hand-written regions.yaml and gazetteer.yaml keep adjectives, demonyms, vetoes and
// institutions; this file only makes sure no country's plain name is missing in any language.

import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const LANGS = ['en', 'ru', 'zh', 'ar', 'es', 'fr', 'de'];

// Codes with no country behind them (or covered by another code), never emitted.
// Exceptional reservations (Canary Islands, Ceuta and Melilla, ...) are not ISO 3166-1 countries.
const SKIP_CODES = new Set([
  'AA',
  'QO',
  'ZZ',
  'EZ',
  'UN',
  'XA',
  'XB',
  'QU',
  'AC',
  'CP',
  'CQ',
  'DG',
  'EA',
  'IC',
  'TA',
  // Withdrawn codes (Burma, Zaire, USSR, Yugoslavia, ...) and UK, reserved for GB.
  'AN',
  'BU',
  'CS',
  'DD',
  'DY',
  'FX',
  'HV',
  'NH',
  'RH',
  'SU',
  'TP',
  'UK',
  'VD',
  'YD',
  'YU',
  'ZR',
]);

// Names that mean something else (German "Island" is Iceland) too often to tag alone (a common word, a first name, a US
// state, a city of another country, a Chinese string found inside unrelated words), or that are
// shared by two codes. Keyed "lang:name" in lower case.
const AMBIGUOUS = new Set([
  'en:jersey',
  'en:georgia',
  'en:jordan',
  'en:chad',
  'en:turkey',
  'en:guinea',
  'en:reunion',
  'en:réunion',
  'en:congo',
  'en:man',
  'en:dominica',
  'en:niger',
  'en:china',
  'es:granada',
  'es:reunión',
  'es:congo',
  'es:georgia',
  'es:guinea',
  'es:jersey',
  'es:santa lucía',
  'es:san martín',
  'fr:réunion',
  'fr:la réunion',
  'fr:congo',
  'fr:maurice',
  'fr:dominique',
  'fr:saint-martin',
  'fr:jersey',
  'fr:guinée',
  'de:réunion',
  'de:kongo',
  'de:island',
  'de:islands',
  'de:jersey',
  'de:guinea',
  'ru:того',
  'ru:конго',
  'ru:джерси',
  'ru:гвинея',
  'ru:мэн',
  'zh:马里',
  'zh:中非',
  'zh:苏丹',
  'zh:黑山',
  'zh:加纳',
  'zh:蒙古',
  'zh:刚果',
  'zh:几内亚',
  'zh:泽西岛',
  'zh:圣马丁',
  'ar:جيرسي',
  'ar:الكونغو',
  'ar:غينيا',
]);

// ICU writes some names with a qualifier ("Congo - Kinshasa", "Hong Kong SAR China") or a short
// form news never uses; these replace ICU's names for that code and language.
const OVERRIDE = {
  // Spanish "irán" is also the verb ("they will go"): the country only capitalised.
  IR: { es: ['=Irán'] },
  CD: {
    en: ['democratic republic of the congo', 'democratic republic of congo', 'dr congo', 'congo-kinshasa'],
    ru: ['демократическ* республик* конго', 'др конго', 'конго-киншаса'],
    zh: ['刚果民主共和国', '刚果金'],
    ar: ['جمهوريه الكونغو الديمقراطيه', 'الكونغو الديمقراطيه'],
    es: ['república democrática del congo', 'rd congo'],
    fr: ['république démocratique du congo', 'rd congo', 'rdc', 'congo-kinshasa'],
    de: ['demokratische republik kongo', 'dr kongo', 'kongo-kinshasa'],
  },
  CG: {
    en: ['republic of the congo', 'congo-brazzaville'],
    ru: ['республик* конго', 'конго-браззавиль'],
    zh: ['刚果共和国', '刚果布'],
    ar: ['جمهوريه الكونغو', 'الكونغو برازافيل'],
    es: ['república del congo', 'congo-brazzaville'],
    fr: ['république du congo', 'congo-brazzaville'],
    de: ['republik kongo', 'kongo-brazzaville'],
  },
  HK: {
    en: ['hong kong'],
    ru: ['гонконг*'],
    zh: ['香港'],
    ar: ['هونغ كونغ', 'هونج كونج'],
    es: ['hong kong'],
    fr: ['hong kong'],
    de: ['hongkong', 'hongkongs'],
  },
  MO: {
    en: ['macao', 'macau'],
    ru: ['макао'],
    zh: ['澳门'],
    ar: ['ماكاو', 'مكاو'],
    es: ['macao'],
    fr: ['macao'],
    de: ['macau', 'macao'],
  },
  PS: {
    en: ['palestine', 'palestinian territories'],
    ru: ['палестин*'],
    zh: ['巴勒斯坦'],
    ar: ['فلسطين', 'الاراضي الفلسطينيه'],
    es: ['palestina', 'territorios palestinos'],
    fr: ['palestine', 'territoires palestiniens'],
    de: ['palästina', 'palästinensische autonomiegebiete'],
  },
  US: {
    en: ['united states', 'united states of america'],
    ru: ['=США', 'соединенн* штат*'],
    zh: ['美国'],
    ar: ['الولايات المتحده', 'الولايات المتحده الامريكيه'],
    es: ['estados unidos', '=EEUU', '=EE =UU'],
    fr: ['états-unis'],
    de: ['vereinigte* staaten', '=USA'],
  },
  GB: {
    en: ['united kingdom'],
    ru: ['великобритани*', 'соединенн* королевств*'],
    zh: ['英国'],
    ar: ['المملكه المتحده', 'بريطانيا'],
    es: ['reino unido'],
    fr: ['royaume-uni'],
    de: ['vereinigte* königreich*', 'großbritannien*'],
  },
  TR: {
    en: ['türkiye', 'turkiye'],
    ru: ['турци*'],
    zh: ['土耳其'],
    ar: ['تركيا'],
    es: ['turquía'],
    fr: ['turquie'],
    de: ['türkei'],
  },
  CF: { zh: ['中非共和国'] },
  VA: { en: ['vatican city', 'holy see'], fr: ['cité du vatican', 'saint-siège'] },
};

// Russian case forms: a single word gets its declined forms written out (a stem would also
// catch unrelated words: "инди*" finds "индивидуальный"); in a name of several words each word
// of five letters or more becomes a stem, which the other words keep precise.
function ruForms(name) {
  const words = name.split(/[\s]+/);
  if (words.length > 1 || name.includes('-'))
    return [words.map((w, k) => (stemmable(w, k) ? `${ruStem(w)}*` : w)).join(' ')];
  const w = name;
  const base = w.slice(0, -1);
  const last = w.at(-1);
  if (w.endsWith('ия') || w.endsWith('ея')) return [w, `${base}и`, `${base}ю`, `${base}ей`];
  if (last === 'а') {
    const gen = /[гкхжшчщ]$/.test(base) ? 'и' : 'ы';
    return [w, base + gen, `${base}е`, `${base}у`, `${base}ой`];
  }
  if (last === 'я') return [w, `${base}и`, `${base}е`, `${base}ю`, `${base}ей`];
  if (last === 'ы') return [w, base, `${base}ам`, `${base}ах`, `${base}ов`]; // Филиппины
  if (last === 'й' || last === 'ь') return [w, `${base}я`, `${base}е`, `${base}ю`, `${base}ем`];
  if (/[бвгджзклмнпрстфхцчшщ]$/.test(w)) return [w, `${w}а`, `${w}е`, `${w}у`, `${w}ом`];
  return [w]; // indeclinable: Перу, Чили, Монако
}

// A short stem first in a name ("нов*" of Новая Зеландия, "южн*") would make every common
// word it starts a candidate and slow the matcher; such a word stays in its written form.
function stemmable(w, k) {
  if (w.length < 5 || w.includes('-')) return false;
  return k > 0 || ruStem(w).length >= 7;
}

function ruStem(w) {
  return w.replace(/(ая|ое|ые|ий|ый|ой|ия|ея|а|я|ы|и|е|о|ь|й)$/, '');
}

// German genitive -s (Deutschlands, Kasachstans); feminine names in -ei/-e/-z take none.
function deForms(name) {
  if (name.includes(' ')) return [name];
  return /[sxzß]$|e$|ei$/.test(name) ? [name] : [name, `${name}s`];
}

function clean(lang, raw) {
  let s = raw.replace(/[’‘]/g, "'");
  const out = [];
  const paren = s.match(/^(.*?)\s*[(（](.*)[)）]$/);
  if (paren) {
    s = paren[1];
    // Only an alternative name (Myanmar (Burma)); other qualifiers name the owner ("(США)").
    if (/^(burma|бирма|birmania|birmanie|بورما)$/i.test(paren[2])) out.push(paren[2]);
  }
  out.unshift(s);
  return out
    .map((x) =>
      x
        .replace(/\s+-\s+/g, '-')
        .replace(/\bSt\.\s*/g, 'Saint ')
        .replace(/\s*&\s*/g, lang === 'en' ? ' and ' : ' & '),
    )
    .map((x) => (lang === 'zh' ? x.replace(/\s+/g, '') : x.replace(/\s*&\s*/g, ' ')))
    .map((x) => x.trim())
    .filter((x) => x.length > 1);
}

function regionCodes() {
  const codes = [];
  const names = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
  for (let a = 65; a <= 90; a++)
    for (let b = 65; b <= 90; b++) {
      const c = String.fromCharCode(a, b);
      if (SKIP_CODES.has(c)) continue;
      if (names.of(c) !== undefined) codes.push(c);
    }
  return codes;
}

export function countryNames() {
  const out = {};
  for (const code of regionCodes()) {
    const byLang = {};
    for (const lang of LANGS) {
      let list = OVERRIDE[code]?.[lang];
      if (!list) {
        const seen = new Set();
        list = [];
        for (const style of ['long', 'short']) {
          const n = new Intl.DisplayNames([lang], { type: 'region', style }).of(code);
          for (const x of clean(lang, n))
            if (!seen.has(x.toLowerCase())) {
              seen.add(x.toLowerCase());
              list.push(x);
            }
        }
        list = list.filter((x) => !AMBIGUOUS.has(`${lang}:${x.toLowerCase()}`));
        if (lang === 'ru') list = list.flatMap(ruForms);
        if (lang === 'de') list = list.flatMap(deForms);
        // Short forms written with dots ("EE. UU.", "É.-U.") are abbreviations, not names.
        list = list.filter((x) => !/\.|^[A-Z]{2,3}$/.test(x));
        list = list.map((x) => (/[\p{sc=Han}]/u.test(x) ? x : x.toLowerCase()));
      }
      list = [...new Set(list)].filter((x) => !AMBIGUOUS.has(`${lang}:${x.toLowerCase()}`));
      if (list.length) byLang[lang] = list;
    }
    if (Object.keys(byLang).length) out[code] = byLang;
  }
  return out;
}

function yamlList(list) {
  return `[${list.map((x) => (/^[\p{L}\p{N}][\p{L}\p{N} *'-]*$/u.test(x) && !/^(yes|no|on|off|true|false|null)$/.test(x) ? x : JSON.stringify(x))).join(', ')}]`;
}

function render(names) {
  const lines = [
    '# GENERATED by scripts/gen-countries.mjs from Node ICU (Intl.DisplayNames): do not edit by hand;',
    '# change the lists in the script and re-run it. Country names of every ISO 3166-1 alpha-2 code',
    '# in the seven languages, in the gazetteer format (feeds/gazetteer.yaml); merged into the region',
    '# rules at load. Adjectives, demonyms, vetoes and institutions live in regions.yaml/gazetteer.yaml.',
    '',
    'entries:',
  ];
  for (const [code, byLang] of Object.entries(names)) {
    lines.push(`  country-${code.toLowerCase()}:`, `    region: ${code}`, '    kind: place', '    aliases:');
    for (const [lang, list] of Object.entries(byLang)) lines.push(`      ${lang}: ${yamlList(list)}`);
  }
  return `${lines.join('\n')}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const file = fileURLToPath(new URL('../feeds/countries.yaml', import.meta.url));
  const names = countryNames();
  writeFileSync(file, render(names));
  const n = Object.values(names).reduce((s, b) => s + Object.values(b).flat().length, 0);
  console.log(`wrote ${file}: ${Object.keys(names).length} regions, ${n} names`);
}
