// The offline demo's sample feeds: feeds/samples/index.yaml says which file to serve with
// which Content-Type, and which source each one stands for.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { THEME_IDS, UserError } from '../model.ts';
import type { FeedFormat, FeedSource } from '../model.ts';
import { LANGUAGE_RE, SOURCE_ID_RE, SOURCE_KINDS } from './schema.ts';

const FORMATS = [
  'rss0.9x',
  'rss1.0',
  'rss2.0',
  'atom0.3',
  'atom1.0',
  'json1.1',
] as const satisfies readonly FeedFormat[];

const sampleSchema = z.strictObject({
  file: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'a plain file name inside feeds/samples'),
  id: z.string().regex(SOURCE_ID_RE),
  name: z.string().min(1),
  kind: z.enum(SOURCE_KINDS),
  language: z.string().regex(LANGUAGE_RE),
  themes: z.array(z.enum(THEME_IDS)).optional(),
  contentType: z.string().min(1),
  format: z.enum(FORMATS),
  encoding: z.string().min(1),
  items: z.number().int().nonnegative(),
});

const storySchema = z.strictObject({
  name: z.string().min(1),
  note: z.string().optional(),
  url: z.string().optional(),
  items: z.array(z.strictObject({ file: z.string(), title: z.string() })).min(2),
});

const indexSchema = z.strictObject({
  referenceDate: z.iso.datetime(),
  samples: z.array(sampleSchema).min(1),
  stories: z.array(storySchema).default([]),
});

export type SampleFeed = z.infer<typeof sampleSchema>;
export type SampleStory = z.infer<typeof storySchema>;
export interface SampleIndex {
  /** Directory the files live in. */
  dir: string;
  /** The "now" the samples were written against (ISO). */
  referenceDate: string;
  samples: SampleFeed[];
  stories: SampleStory[];
}

/** Read and check `<dir>/index.yaml`. */
export function loadSampleIndex(dir: string): SampleIndex {
  const path = join(dir, 'index.yaml');
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new UserError('invalid_samples', `cannot read ${path}: ${(err as Error).message}`);
  }
  const parsed = indexSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new UserError('invalid_samples', `${path}: ${problems.join('; ')}`);
  }
  return { dir, ...parsed.data };
}

/** The sources the demo polls, once the samples are served under `baseUrl` (e.g. `http://127.0.0.1:4321/`). */
export function sampleSources(index: SampleIndex, baseUrl: string): FeedSource[] {
  return index.samples.map((s) => {
    const source: FeedSource = {
      id: s.id,
      name: s.name,
      url: new URL(encodeURIComponent(s.file), baseUrl).toString(),
      kind: s.kind,
      language: s.language,
      origin: 'operator',
    };
    if (s.themes && s.themes.length > 0) source.themes = [...s.themes];
    return source;
  });
}
