// Mutated feeds must either parse or fail with a FeedParseError: never another exception,
// never a hang. Seeded, so a failure reproduces.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FeedParseError } from '../../src/ingest/errors.ts';
import { parseFeedBytes } from '../../src/ingest/parse.ts';

const dir = new URL('../fixtures/feeds/', import.meta.url);
const fixtures = readdirSync(dir).filter((f) => /\.(xml|json|html)$/.test(f));

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const SNIPPETS = [
  '<',
  '>',
  '&',
  '&amp;',
  '"',
  "'",
  ']]>',
  '<![CDATA[',
  '<!--',
  '</item>',
  '<item>',
  '\u0000',
  '\uFFFF',
  '&#0;',
  '&#xD800;',
  '<x:y>',
  'xmlns:x=""',
];

function mutate(buf: Buffer, random: () => number): Buffer {
  const text = buf.toString('latin1');
  let out = text;
  const edits = 1 + Math.floor(random() * 4);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(random() * out.length);
    const kind = random();
    if (kind < 0.3) out = out.slice(0, at) + out.slice(at + 1 + Math.floor(random() * 20));
    else if (kind < 0.6)
      out = out.slice(0, at) + (SNIPPETS[Math.floor(random() * SNIPPETS.length)] ?? '') + out.slice(at);
    else if (kind < 0.8) out = out.slice(0, at);
    else out = out.slice(0, at) + out.slice(at, at + 40) + out.slice(at);
  }
  return Buffer.from(out, 'latin1');
}

describe('parser under mutation', () => {
  it.each(fixtures)('%s: 150 mutants parse or fail with FeedParseError', (name) => {
    const original = readFileSync(new URL(name, dir));
    const random = rng(name.length * 7919 + original.length);
    let parsed = 0;
    let rejected = 0;
    for (let i = 0; i < 150; i++) {
      const mutant = mutate(original, random);
      try {
        const feed = parseFeedBytes(mutant, {
          now: new Date('2024-03-10T00:00:00Z'),
          baseUrl: 'https://x.example/',
        });
        for (const item of feed.items) expect(item.published).toMatch(/Z$/);
        parsed++;
      } catch (err) {
        if (!(err instanceof FeedParseError)) throw new Error(`mutant ${i} of ${name} threw ${String(err)}`);
        expect(err.message).not.toContain('\n');
        rejected++;
      }
    }
    expect(parsed + rejected).toBe(150);
  });
});
