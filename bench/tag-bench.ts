// Tagging throughput: items per second on one core for the compiled tagger, against a
// naive baseline measured in the same run (every rule term searched with String.includes
// over the normalized text, which is what a first implementation would do and which
// still ignores word boundaries, stems and vetoes). Target: 20,000 items/s.
//
//   npx tsx bench/tag-bench.ts [--quick]

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { loadTagger } from '../src/tagging/tagger.ts';
import { normalizeText } from '../src/tagging/normalize.ts';

interface BenchReport {
  name: string;
  lines: string[];
}

interface Item {
  title: string;
  summary: string;
  lang: string;
}

const root = fileURLToPath(new URL('..', import.meta.url));

function loadItems(): Item[] {
  const text = readFileSync(`${root}test/fixtures/tagging/labelled.jsonl`, 'utf8');
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Item);
}

/** Makes `n` distinct items from the fixtures by shuffling sentences and numbers, so caches do not flatter the result. */
function corpus(base: Item[], n: number): Item[] {
  const out: Item[] = [];
  for (let i = 0; i < n; i++) {
    const a = base[i % base.length]!;
    const b = base[(i * 7 + 3) % base.length]!;
    // Feed summaries run to ~500 characters: join two fixture summaries.
    out.push({ title: `${a.title} (${i})`, summary: `${a.summary} ${b.summary}`, lang: a.lang });
  }
  return out;
}

function allTerms(): string[] {
  const terms: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') terms.push(normalizeText(v.replace(/[*=#@]/g, '').trim()));
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk((parseYaml(readFileSync(`${root}feeds/themes.yaml`, 'utf8')) as { themes: unknown }).themes);
  walk((parseYaml(readFileSync(`${root}feeds/regions.yaml`, 'utf8')) as { regions: unknown }).regions);
  return [...new Set(terms.filter((t) => t.length > 0))];
}

/** Items per second by wall clock and by this process's CPU time (the machine may be shared). */
function timeIt(items: Item[], fn: (it: Item) => unknown, minMs: number): { wall: number; cpu: number } {
  let done = 0;
  const start = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  let elapsed = 0;
  while (elapsed < minMs) {
    for (const it of items) fn(it);
    done += items.length;
    elapsed = Number(process.hrtime.bigint() - start) / 1e6;
  }
  const cpu = process.cpuUsage(cpu0);
  return { wall: (done / elapsed) * 1000, cpu: (done / ((cpu.user + cpu.system) / 1000)) * 1000 };
}

export async function run(opts: { quick: boolean }): Promise<BenchReport> {
  const compileStart = process.hrtime.bigint();
  const tagger = loadTagger(`${root}feeds/themes.yaml`);
  const compileMs = Number(process.hrtime.bigint() - compileStart) / 1e6;
  const items = corpus(loadItems(), opts.quick ? 2_000 : 10_000);
  const terms = allTerms();
  const avgChars = Math.round(
    items.reduce((s, it) => s + it.title.length + it.summary.length, 0) / items.length,
  );

  const minMs = opts.quick ? 400 : 2_000;
  let sink = 0;
  timeIt(items.slice(0, 500), (it) => (sink += tagger.tag(it).themes.length), 100); // warm-up
  const taggerRate = timeIt(items, (it) => (sink += tagger.tag(it).themes.length), minMs);
  const naiveRate = timeIt(
    items.slice(0, opts.quick ? 300 : 1_000),
    (it) => {
      const text = normalizeText(`${it.title}\n${it.summary}`);
      for (const t of terms) if (text.includes(t)) sink++;
    },
    minMs / 2,
  );
  const fmt = (x: number): string => Math.round(x).toLocaleString('en-US');
  return {
    name: 'tagging throughput',
    lines: [
      `rules: ${terms.length} distinct terms, compiled in ${compileMs.toFixed(0)} ms; ${items.length} items of ~${avgChars} chars (title + summary)`,
      `tagger: ${fmt(taggerRate.cpu)} items per CPU-second on one core (${fmt(taggerRate.wall)}/s wall clock); target 20,000: ${(taggerRate.cpu / 20_000).toFixed(2)}×`,
      `baseline (String.includes of every term): ${fmt(naiveRate.cpu)} items per CPU-second; tagger = ${(taggerRate.cpu / naiveRate.cpu).toFixed(1)}× baseline`,
      `(checksum ${sink % 1000})`,
    ],
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const report = await run({ quick: process.argv.includes('--quick') });
  process.stdout.write(`${report.name}\n${report.lines.map((l) => `  ${l}`).join('\n')}\n`);
}
