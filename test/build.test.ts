// The command users run is the compiled one (dist/, built by `npm ci` through `prepare` and
// by this suite's global setup). Each command loads only what it needs, and a stale build is
// noticed instead of running old code.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileMark, staleReason } from '../scripts/build-stamp.mjs';
import { REPO_ROOT } from './cli/run-cli.ts';

interface Metafile {
  outputs: Record<
    string,
    {
      entryPoint?: string;
      inputs: Record<string, unknown>;
      imports: Array<{ path: string; kind: string; external?: boolean }>;
    }
  >;
}

const meta = JSON.parse(readFileSync(join(REPO_ROOT, 'dist', 'meta.json'), 'utf8')) as Metafile;

/** Inputs and packages loaded by the outputs of these entry points, following static imports only. */
function loadedBy(entryPoints: string[]): { inputs: string[]; packages: string[] } {
  const outputs = Object.entries(meta.outputs)
    .filter(([, o]) => o.entryPoint && entryPoints.includes(o.entryPoint))
    .map(([path]) => path);
  expect(outputs).toHaveLength(entryPoints.length);
  const seen = new Set<string>();
  const packages = new Set<string>();
  const visit = (path: string): void => {
    if (seen.has(path)) return;
    seen.add(path);
    for (const i of meta.outputs[path]!.imports) {
      if (i.kind === 'dynamic-import') continue;
      if (i.external) {
        if (!i.path.startsWith('node:')) packages.add(i.path);
      } else visit(i.path);
    }
  };
  outputs.forEach(visit);
  return { inputs: [...seen].flatMap((o) => Object.keys(meta.outputs[o]!.inputs)), packages: [...packages] };
}

describe('the compiled command line', () => {
  it('--help loads only the command table', () => {
    const { inputs, packages } = loadedBy(['src/cli.ts']);
    expect(packages).toEqual([]);
    // model.ts: UserError, for the one-line error messages.
    expect(inputs.filter((i) => i.startsWith('src/')).sort()).toEqual(['src/cli.ts', 'src/model.ts']);
  });

  it('search loads the configuration and the SQLite archive: no chat SDK, no pg, no tagger, no YAML', () => {
    const { inputs, packages } = loadedBy(['src/cli.ts', 'src/config.ts', 'src/cli/search.ts']);
    expect(packages.sort()).toEqual(['better-sqlite3']);
    const forbidden = inputs.filter((i) =>
      /^src\/(tagging|platforms\/(discord|slack)|store\/postgres|sources|ingest)\/|node_modules\/zod\/v4\/(classic|locales)\//.test(
        i,
      ),
    );
    expect(forbidden).toEqual([]);
  });

  it('start loads the chat SDKs only when their tokens are set (lazily)', () => {
    const { packages } = loadedBy(['src/cli.ts', 'src/config.ts', 'src/cli/start.ts']);
    expect(packages).not.toContain('discord.js');
    expect(packages).not.toContain('@slack/bolt');
    expect(packages).not.toContain('pg');
  });
});

describe('staleReason', () => {
  it('names a changed, removed or unbuilt source, and is quiet for a current build', () => {
    const root = mkdtempSync(join(tmpdir(), 'govwatch-stamp-'));
    try {
      expect(staleReason(root)).toBe('dist/ has not been built');
      mkdirSync(join(root, 'src'));
      mkdirSync(join(root, 'dist'));
      for (const f of ['a.ts', 'b.ts']) writeFileSync(join(root, 'src', f), `export const ${f[0]} = 1;\n`);
      const stamp = () =>
        writeFileSync(
          join(root, 'dist', 'build-stamp.json'),
          JSON.stringify({
            files: {
              'src/a.ts': fileMark(join(root, 'src/a.ts')),
              'src/b.ts': fileMark(join(root, 'src/b.ts')),
            },
          }),
        );
      stamp();
      expect(staleReason(root)).toBeNull();
      const later = new Date(Date.now() + 5000);
      utimesSync(join(root, 'src', 'a.ts'), later, later);
      expect(staleReason(root)).toBe('src/a.ts changed');
      stamp();
      rmSync(join(root, 'src', 'b.ts'));
      expect(staleReason(root)).toBe('src/b.ts was removed');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('the build this suite runs is current', () => {
    expect(staleReason(REPO_ROOT)).toBeNull();
  });
});
