// `govwatch tag`: JSON Lines in, JSON Lines out, streaming, so it works on large files.
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { loadTagger } from '../tagging/tagger.ts';
import { THEMES_FILE } from '../paths.ts';

interface TagLine {
  id?: unknown;
  title?: unknown;
  summary?: unknown;
  lang?: unknown;
}

export async function runTag(input: NodeJS.ReadableStream = process.stdin): Promise<void> {
  const tagger = loadTagger(THEMES_FILE);
  const lines = createInterface({ input, crlfDelay: Infinity });
  let lineNo = 0;
  let bad = 0;
  for await (const line of lines) {
    lineNo++;
    // Files saved by Windows tools often start with a byte-order mark.
    const text = lineNo === 1 ? line.replace(/^\uFEFF/, '') : line;
    if (!text.trim()) continue;
    let record: TagLine;
    try {
      record = JSON.parse(text) as TagLine;
    } catch {
      bad++;
      process.stderr.write(`govwatch tag: line ${lineNo}: not valid JSON, skipped\n`);
      continue;
    }
    if (typeof record !== 'object' || record === null || typeof record.title !== 'string') {
      bad++;
      process.stderr.write(`govwatch tag: line ${lineNo}: needs at least a "title" string, skipped\n`);
      continue;
    }
    const tags = tagger.tag({
      title: record.title,
      summary: typeof record.summary === 'string' ? record.summary : '',
      lang: typeof record.lang === 'string' ? record.lang : null,
    });
    const json = `${JSON.stringify({ id: record.id ?? null, themes: tags.themes, regions: tags.regions, why: tags.why })}\n`;
    // Wait when the pipe is full, so a large input is streamed rather than held in memory.
    if (!process.stdout.write(json)) await once(process.stdout, 'drain');
  }
  if (bad) process.exitCode = 1;
}
