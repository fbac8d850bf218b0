// npm run eval:tags -- <file.jsonl> [--errors] [--rules-only] [--rules feeds/themes.yaml] [--sources feeds/sources.yaml] [--no-prior]
// npm run eval:tags -- --cv [--folds 5] [--only <file prefix>] [--except <file prefix>]
// npm run eval:tags -- --by-file <file prefix>
//
// With a file: tags every labelled item with the rules alone and with rules + the learned
// model (feeds/tag-model.*), and prints per-theme P/R/F1, macro-F1, micro-F1 and region P/R/F1
// side by side. With --cv: nested k-fold cross-validation over all training files
// (test/fixtures/tagging/*.jsonl except blind-*): thresholds chosen inside each training fold,
// per-theme mean ± spread (standard deviation over folds) for the rules alone and rules+model
// on the same folds, regions F1 and the share of off-topic items left untagged. With --by-file:
// each training file with that prefix held out in turn (leave one file out), trained on the rest.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { THEME_IDS } from '../src/model.ts';
import type { Tags } from '../src/model.ts';
import { evaluate } from '../src/tagging/evaluate.ts';
import type { EvalReport, LabelledItem } from '../src/tagging/evaluate.ts';
import { loadSourceThemes } from '../src/tagging/sources.ts';
import { loadTagger } from '../src/tagging/tagger.ts';
import { DEFAULT_SETTINGS } from '../src/tagging/learned.ts';
import { buildDataset, leaveOneFileOut, nestedCv, trainingFiles } from '../src/tagging/training.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

interface Row extends LabelledItem {
  source?: string;
  lang?: string;
  title: string;
  summary: string;
}

const f3 = (x: number): string => x.toFixed(3);

function sideBySide(a: EvalReport, b: EvalReport, offA: number, offB: number, offN: number): string {
  const lines = [
    `items: ${a.items}`,
    `${'theme'.padEnd(22)} ${'rules F1'.padStart(9)} ${'+model F1'.padStart(10)}   (P/R rules → model)`,
  ];
  for (const t of Object.keys(a.perTheme)) {
    const x = a.perTheme[t]!;
    const y = b.perTheme[t]!;
    lines.push(
      `${t.padEnd(22)} ${f3(x.f1).padStart(9)} ${f3(y.f1).padStart(10)}   ${f3(x.precision)}/${f3(x.recall)} → ${f3(y.precision)}/${f3(y.recall)}`,
    );
  }
  lines.push(`${'macro-F1 (themes)'.padEnd(22)} ${f3(a.macroF1).padStart(9)} ${f3(b.macroF1).padStart(10)}`);
  lines.push(
    `${'micro-F1 (themes)'.padEnd(22)} ${f3(a.themesMicro.f1).padStart(9)} ${f3(b.themesMicro.f1).padStart(10)}`,
  );
  lines.push(
    `${'regions F1'.padEnd(22)} ${f3(a.regions.f1).padStart(9)} ${f3(b.regions.f1).padStart(10)}   P ${f3(b.regions.precision)} R ${f3(b.regions.recall)}`,
  );
  lines.push(
    `${'off-topic untagged'.padEnd(22)} ${f3(offA).padStart(9)} ${f3(offB).padStart(10)}   (${offN} items without themes)`,
  );
  return lines.join('\n');
}

function fileMode(args: string[], file: string): number {
  const flag = (name: string): boolean => args.includes(name);
  const opt = (name: string, dflt: string): string => {
    const i = args.indexOf(name);
    return i >= 0 && args[i + 1] ? args[i + 1]! : dflt;
  };
  const rulesPath = opt('--rules', `${root}feeds/themes.yaml`);
  const rulesOnly = loadTagger(rulesPath, undefined, { model: false });
  const full = flag('--rules-only') ? rulesOnly : loadTagger(rulesPath);
  const priors = flag('--no-prior')
    ? new Map()
    : loadSourceThemes(opt('--sources', `${root}feeds/sources.yaml`));
  const rows: Row[] = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l, i) => {
      try {
        return JSON.parse(l) as Row;
      } catch {
        throw new Error(`${file}:${i + 1}: not valid JSON`);
      }
    });
  const tagAll = (tagger: typeof full): Map<string, Tags> => {
    const out = new Map<string, Tags>();
    for (const r of rows) {
      const sourceThemes = r.source ? priors.get(r.source.toLowerCase()) : undefined;
      out.set(r.id, tagger.tag({ title: r.title, summary: r.summary, lang: r.lang ?? null, sourceThemes }));
    }
    return out;
  };
  const pa = tagAll(rulesOnly);
  const pb = tagAll(full);
  const rep = (p: Map<string, Tags>): EvalReport =>
    evaluate(
      rows,
      rows.map((r) => ({ id: r.id, themes: p.get(r.id)!.themes, regions: p.get(r.id)!.regions })),
      THEME_IDS,
    );
  const off = rows.filter((r) => r.themes.length === 0);
  const untagged = (p: Map<string, Tags>): number =>
    off.length ? off.filter((r) => p.get(r.id)!.themes.length === 0).length / off.length : 1;
  process.stdout.write(
    `${sideBySide(rep(pa), rep(pb), untagged(pa), untagged(pb), off.length)}\nsource priors: ${priors.size > 0 ? `${priors.size} names from sources file` : 'none'}\n`,
  );
  if (flag('--errors')) {
    for (const r of rows) {
      const p = pb.get(r.id)!;
      const fpT = p.themes.filter((t) => !r.themes.includes(t));
      const fnT = r.themes.filter((t) => !(p.themes as string[]).includes(t));
      const fpR = p.regions.filter((x) => !r.regions.includes(x));
      const fnR = r.regions.filter((x) => !p.regions.includes(x));
      if (fpT.length + fnT.length + fpR.length + fnR.length === 0) continue;
      const out: string[] = [`${r.id} [${r.lang ?? '?'}] ${r.title}`];
      for (const t of fpT) out.push(`  FP theme ${t}: ${(p.why[t] ?? []).join(' | ')}`);
      for (const t of fnT) out.push(`  FN theme ${t}`);
      for (const x of fpR) out.push(`  FP region ${x}: ${(p.why[x] ?? []).join(' | ')}`);
      for (const x of fnR) out.push(`  FN region ${x}`);
      process.stdout.write(`${out.join('\n')}\n`);
    }
  }
  return 0;
}

function meanSd(xs: number[]): string {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, xs.length - 1));
  return `${f3(m)}±${f3(sd)}`;
}

function cvMode(args: string[]): number {
  const i = args.indexOf('--folds');
  const folds = i >= 0 ? Number(args[i + 1]) : 5;
  const files = trainingFiles(root);
  const t0 = Date.now();
  const data = buildDataset(root, files);
  const j = args.indexOf('--only');
  const only = j >= 0 ? args[j + 1]! : '';
  // --except scores every held-out item but those of files with that prefix (new files still
  // train), so a change of data is compared on the same held-out items as before it.
  const x = args.indexOf('--except');
  const except = x >= 0 ? args[x + 1]! : '';
  // --set key=value overrides a training setting, for experiments (the shipped model uses the defaults).
  const settings = { ...DEFAULT_SETTINGS };
  args.forEach((a, k) => {
    if (a !== '--set') return;
    const [key, value] = (args[k + 1] ?? '').split('=');
    if (!key || !(key in settings)) throw new Error(`--set: unknown setting ${key}`);
    (settings as unknown as Record<string, number>)[key] = Number(value);
  });
  const res = nestedCv(data, settings, folds, (k) => k.startsWith(only) && !(except && k.startsWith(except)));
  const col = (s: string, w = 15): string => s.padStart(w);
  const lines = [
    `nested ${folds}-fold cross-validation over ${data.items.length} items${only ? `, scored on held-out items of files ${only}*` : ''}${except ? `, not on those of files ${except}*` : ''} (${files.map((f) => f.split('/').pop()).join(', ')}); mean ± standard deviation over folds`,
    `${'theme'.padEnd(22)}${col('rules F1')}${col('+model F1')}`,
  ];
  for (const t of data.themes) {
    lines.push(
      `${t.padEnd(22)}${col(meanSd(res.map((r) => r.rules.perTheme[t]!.f1)))}${col(meanSd(res.map((r) => r.model.perTheme[t]!.f1)))}`,
    );
  }
  lines.push(
    `${'macro-F1 (themes)'.padEnd(22)}${col(meanSd(res.map((r) => r.rules.macroF1)))}${col(meanSd(res.map((r) => r.model.macroF1)))}`,
  );
  lines.push(
    `${'micro-F1 (themes)'.padEnd(22)}${col(meanSd(res.map((r) => r.rules.themesMicro.f1)))}${col(meanSd(res.map((r) => r.model.themesMicro.f1)))}`,
  );
  lines.push(
    `${'min theme F1'.padEnd(22)}${col(meanSd(res.map((r) => Math.min(...Object.values(r.rules.perTheme).map((x) => x.f1)))))}${col(meanSd(res.map((r) => Math.min(...Object.values(r.model.perTheme).map((x) => x.f1)))))}`,
  );
  lines.push(
    `${'regions F1'.padEnd(22)}${col(meanSd(res.map((r) => r.rules.regions.f1)))}${col(meanSd(res.map((r) => r.model.regions.f1)))}`,
  );
  lines.push(
    `${'off-topic untagged'.padEnd(22)}${col(meanSd(res.map((r) => r.offTopicUntagged.rules)))}${col(meanSd(res.map((r) => r.offTopicUntagged.model)))}   (${res.map((r) => r.offTopicUntagged.items).join('/')} off-topic items per fold)`,
  );
  lines.push(
    `confident tags alone: precision ${meanSd(res.map((r) => r.confident.precision))}, recall ${meanSd(res.map((r) => r.confident.recall))}; off-topic without a confident tag ${meanSd(res.map((r) => r.offTopicUntagged.confident))}`,
  );
  lines.push(
    `note: the rules were written and tuned on these same files, so the rules-only column is optimistic; the model column is held out.`,
  );
  lines.push(`(${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

function byFileMode(args: string[]): number {
  const prefix = args[args.indexOf('--by-file') + 1] ?? '';
  const t0 = Date.now();
  const files = trainingFiles(root);
  const data = buildDataset(root, files);
  const res = leaveOneFileOut(data, prefix);
  if (res.length === 0) {
    process.stderr.write(`--by-file: no training file starts with ${prefix}\n`);
    return 2;
  }
  const col = (s: string, w = 14): string => s.padStart(w);
  const lines = [
    `leave one file out over ${data.items.length} items: each file ${prefix}* held out in turn, everything else trained on (themes, thresholds, region model)`,
    `${'file'.padEnd(24)}${col('items')}${col('macro rules')}${col('+model')}${col('regions rules')}${col('+model')}${col('off-topic')}   lowest theme (+model)`,
  ];
  for (const { file, result: r } of res) {
    const low = Object.entries(r.model.perTheme).sort((a, b) => a[1].f1 - b[1].f1)[0]!;
    lines.push(
      `${file.padEnd(24)}${col(String(r.test))}${col(f3(r.rules.macroF1))}${col(f3(r.model.macroF1))}${col(f3(r.rules.regions.f1))}${col(f3(r.model.regions.f1))}${col(f3(r.offTopicUntagged.model))}   ${low[0]} ${f3(low[1].f1)}`,
    );
  }
  const mean = (f: (r: (typeof res)[number]['result']) => number): string =>
    f3(res.reduce((a, x) => a + f(x.result), 0) / res.length);
  lines.push(
    `${'mean'.padEnd(24)}${col('')}${col(mean((r) => r.rules.macroF1))}${col(mean((r) => r.model.macroF1))}${col(mean((r) => r.rules.regions.f1))}${col(mean((r) => r.model.regions.f1))}${col(mean((r) => r.offTopicUntagged.model))}`,
  );
  lines.push(`(${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

function main(argv: string[]): number {
  const args = argv.slice(2);
  if (args.includes('--cv')) return cvMode(args);
  if (args.includes('--by-file')) return byFileMode(args);
  const file = args.find(
    (a, i) =>
      !a.startsWith('--') &&
      !['--rules', '--sources', '--folds', '--only', '--except', '--set', '--by-file'].includes(
        args[i - 1] ?? '',
      ),
  );
  if (!file) {
    process.stderr.write(
      'usage: npm run eval:tags -- <file.jsonl> [--errors] [--rules-only] [--rules feeds/themes.yaml] [--sources feeds/sources.yaml] [--no-prior]\n       npm run eval:tags -- --cv [--folds 5]\n       npm run eval:tags -- --by-file <file prefix>\n',
    );
    return 2;
  }
  return fileMode(args, file);
}

process.exitCode = main(process.argv);
