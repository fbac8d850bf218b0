// npm run eval:tags -- <file.jsonl> [--errors] [--rules feeds/themes.yaml] [--sources feeds/sources.yaml] [--no-prior]
// Tags every labelled item and prints per-theme P/R/F1, macro-F1, micro-F1 and region P/R/F1.

import { readFileSync } from 'node:fs';
import { THEME_IDS } from '../src/model.ts';
import { evaluate, formatReport } from '../src/tagging/evaluate.ts';
import type { LabelledItem } from '../src/tagging/evaluate.ts';
import { loadSourceThemes } from '../src/tagging/sources.ts';
import { loadTagger } from '../src/tagging/tagger.ts';
import type { Tags } from '../src/model.ts';

interface Row extends LabelledItem {
  source?: string;
  lang?: string;
  title: string;
  summary: string;
}

function main(argv: string[]): number {
  const args = argv.slice(2);
  const flag = (name: string): boolean => args.includes(name);
  const opt = (name: string, dflt: string): string => {
    const i = args.indexOf(name);
    return i >= 0 && args[i + 1] ? args[i + 1]! : dflt;
  };
  const file = args.find(
    (a, i) => !a.startsWith('--') && !['--rules', '--sources'].includes(args[i - 1] ?? ''),
  );
  if (!file) {
    process.stderr.write(
      'usage: npm run eval:tags -- <file.jsonl> [--errors] [--rules feeds/themes.yaml] [--sources feeds/sources.yaml] [--no-prior]\n',
    );
    return 2;
  }
  const tagger = loadTagger(opt('--rules', 'feeds/themes.yaml'));
  const priors = flag('--no-prior') ? new Map() : loadSourceThemes(opt('--sources', 'feeds/sources.yaml'));
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
  const predictions = new Map<string, Tags>();
  for (const r of rows) {
    const sourceThemes = r.source ? priors.get(r.source.toLowerCase()) : undefined;
    predictions.set(
      r.id,
      tagger.tag({ title: r.title, summary: r.summary, lang: r.lang ?? null, sourceThemes }),
    );
  }
  const report = evaluate(
    rows,
    rows.map((r) => ({
      id: r.id,
      themes: predictions.get(r.id)!.themes,
      regions: predictions.get(r.id)!.regions,
    })),
    THEME_IDS,
  );
  process.stdout.write(
    `${formatReport(report)}\nsource priors: ${priors.size > 0 ? `${priors.size} names from sources file` : 'none'}\n`,
  );
  if (flag('--errors')) {
    for (const r of rows) {
      const p = predictions.get(r.id)!;
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

process.exitCode = main(process.argv);
