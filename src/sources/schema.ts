// What a configured source must look like, shared by the YAML loader, the OPML importer and
// `feeds add`. Messages are written for the operator who edits sources.yaml by hand.

import { z } from 'zod';
import { THEME_IDS } from '../model.ts';
import type { SourceKind } from '../model.ts';

export const SOURCE_KINDS = [
  'standards',
  'rights',
  'government',
  'media',
] as const satisfies readonly SourceKind[];

/** Lowercase slug: what `/search source:` and `feeds remove <id>` take. */
export const SOURCE_ID_RE = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;

/** BCP 47 language tag, loosely: `en`, `zh`, `zh-Hant`, `pt-BR`, `und` when unknown. */
export const LANGUAGE_RE = /^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/;

const describe = (input: unknown): string =>
  input === null
    ? 'null'
    : Array.isArray(input)
      ? 'a list'
      : typeof input === 'object'
        ? 'a mapping'
        : JSON.stringify(input);

function requiredString(field: string) {
  return z.string({
    error: (iss) =>
      iss.input === undefined
        ? `missing field "${field}"`
        : `"${field}" must be text, not ${describe(iss.input)}`,
  });
}

/**
 * Why `value` is not a usable feed URL, or null when it is. `file:` URLs are allowed only
 * where the operator wrote them (`allowFile`: the sources file), never from an imported list.
 */
export function feedUrlProblem(value: string, opts: { allowFile?: boolean } = {}): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `bad URL ${JSON.stringify(value)}: not an absolute URL`;
  }
  // A local file (file:///path) in the operator's own file: the poller reads it from disk.
  if (url.protocol === 'file:' && opts.allowFile) {
    return url.pathname.length > 1 ? null : `bad URL ${JSON.stringify(value)}: no path`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return `bad URL ${JSON.stringify(value)}: only http and https feeds are supported${opts.allowFile ? ' (and file:///path)' : ''}`;
  }
  if (url.username || url.password)
    return `bad URL ${JSON.stringify(value)}: credentials do not belong in a feed URL`;
  if (!url.hostname) return `bad URL ${JSON.stringify(value)}: no host`;
  return null;
}

const urlField = (field: string) =>
  requiredString(field).superRefine((value, ctx) => {
    const problem = feedUrlProblem(value, { allowFile: true });
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

/** One entry of sources.yaml, before `origin` is added. */
export const sourceEntrySchema = z.strictObject(
  {
    id: requiredString('id').regex(SOURCE_ID_RE, {
      error: (iss) =>
        `bad id ${JSON.stringify(iss.input)}: use a lowercase slug of letters, digits and dashes (at most 64), e.g. "eff-deeplinks"`,
    }),
    name: requiredString('name').trim().min(1, { error: '"name" is empty' }),
    url: urlField('url'),
    kind: z.enum(SOURCE_KINDS, {
      error: (iss) =>
        iss.input === undefined
          ? 'missing field "kind"'
          : `unknown kind ${describe(iss.input)} (expected one of: ${SOURCE_KINDS.join(', ')})`,
    }),
    language: requiredString('language').regex(LANGUAGE_RE, {
      error: (iss) =>
        `bad language ${JSON.stringify(iss.input)}: use a BCP 47 tag such as "en", "ru", "zh" or "und"`,
    }),
    themes: z
      .array(
        z.enum(THEME_IDS, {
          error: (iss) => `unknown theme ${describe(iss.input)} (known themes: ${THEME_IDS.join(', ')})`,
        }),
        { error: (iss) => `"themes" must be a list of theme ids, not ${describe(iss.input)}` },
      )
      .optional(),
    homepage: urlField('homepage').optional(),
  },
  {
    error: (iss) => {
      if (iss.code === 'unrecognized_keys') return undefined; // reported per key by the loader
      return iss.input === undefined || iss.input === null
        ? 'empty entry: expected a mapping with id, name, url, kind and language'
        : `expected a mapping with id, name, url, kind and language, not ${describe(iss.input)}`;
    },
  },
);

export type SourceEntry = z.infer<typeof sourceEntrySchema>;

/** Turn a title (any script) into an id candidate; empty when nothing Latin survives. */
export function slugify(text: string, maxLength = 48): string {
  const slug = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug.slice(0, maxLength).replace(/-+$/, '');
}

/** An id for a feed: from its title, else from its host name; made unique against `taken`. */
export function deriveSourceId(title: string, url: string, taken: ReadonlySet<string>): string {
  let base = slugify(title);
  if (base.length < 2) {
    try {
      base = slugify(new URL(url).hostname.replace(/^(www|feeds?|rss)\./, ''));
    } catch {
      base = '';
    }
  }
  if (!base) base = 'feed';
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base.slice(0, 44)}-${n}`;
  return id;
}

/** URL comparison key for duplicate detection: scheme and host case and a trailing slash do not matter. */
export function urlKey(value: string): string {
  try {
    const url = new URL(value);
    url.hash = '';
    const key = `${url.host.toLowerCase()}${url.pathname.replace(/\/+$/, '')}${url.search}`;
    return key;
  } catch {
    return value.trim();
  }
}
