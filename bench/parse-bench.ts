// Parse speed of the ingest parser (safe XML reader + normalize: URLs, dates, summaries,
// ids) against baselines on the same documents in the same run: fast-xml-parser (XML to
// objects only, no normalizing) and rss-parser (xml2js/sax, what the project could have
// used). Runnable alone: `npx tsx bench/parse-bench.ts [--quick]`.
import { XMLParser } from 'fast-xml-parser';
import Parser from 'rss-parser';
import { parseFeed } from '../src/ingest/parse.ts';
import type { BenchReport } from './lib.ts';
import { runWhenMain } from './lib.ts';

function makeRss(items: number): string {
  const parts: string[] = [];
  for (let i = 0; i < items; i++) {
    const day = String((i % 28) + 1).padStart(2, '0');
    parts.push(`<item>
  <title>Item ${i}: Standards body publishes draft on encryption &amp; privacy</title>
  <link>https://example.org/news/${i}?utm_source=rss&amp;id=${i}</link>
  <guid isPermaLink="false">urn:example:${i}</guid>
  <dc:creator>Author ${i % 17}</dc:creator>
  <pubDate>Tue, ${day} Mar 2024 10:${String(i % 60).padStart(2, '0')}:00 +0300</pubDate>
  <description>&lt;p&gt;The working group &lt;a href="/wg/${i}"&gt;published&lt;/a&gt; a draft. ${'Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(8)}&lt;/p&gt;&lt;script&gt;x()&lt;/script&gt;</description>
</item>`);
  }
  return `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Bench</title><link>https://example.org/</link>
${parts.join('\n')}
</channel></rss>`;
}

async function timeIt(runs: number, fn: () => unknown | Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  await fn(); // warm-up
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  return times.sort((a, b) => a - b);
}

const median = (xs: number[]): number => xs[Math.floor(xs.length / 2)] ?? NaN;

export async function run(opts: { quick: boolean }): Promise<BenchReport> {
  const items = opts.quick ? 500 : 3000;
  const runs = opts.quick ? 5 : 9;
  const doc = makeRss(items);
  const mb = Buffer.byteLength(doc) / 1e6;
  const now = new Date('2024-04-01T00:00:00Z');

  const ours = median(await timeIt(runs, () => parseFeed(doc, { baseUrl: 'https://example.org/feed', now })));
  const fxp = new XMLParser({ ignoreAttributes: false, processEntities: true });
  const fast = median(await timeIt(runs, () => fxp.parse(doc)));
  const rss = new Parser();
  const rssParser = median(await timeIt(runs, () => rss.parseString(doc)));

  const check = parseFeed(doc, { baseUrl: 'https://example.org/feed', now });
  const fmt = (ms: number): string => `${ms.toFixed(1)} ms (${(mb / (ms / 1000)).toFixed(1)} MB/s)`;
  return {
    name: 'parse: RSS 2.0 document to normalized items',
    lines: [
      `document: ${items} items, ${mb.toFixed(2)} MB; median of ${runs} runs`,
      `govwatch parseFeed (parse + normalize): ${fmt(ours)}, ${check.items.length} items`,
      `baseline fast-xml-parser (XML to objects only): ${fmt(fast)} → ours takes ${(ours / fast).toFixed(2)}×`,
      `baseline rss-parser (xml2js): ${fmt(rssParser)} → ours takes ${(ours / rssParser).toFixed(2)}×`,
    ],
  };
}

await runWhenMain(import.meta.url, run);
