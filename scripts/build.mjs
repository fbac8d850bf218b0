// `npm run build` (run by `npm ci` through `prepare`): compile the command line into dist/
// with esbuild. One ESM entry (dist/cli.js) and a chunk per lazily imported command, so a
// command loads only what it needs; packages stay in node_modules except the two every run
// needs (commander, and zod for the configuration), which are bundled so that a start does
// not resolve and parse them file by file. Written next to dist/ and swapped in whole.
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILD_INPUTS, STAMP_FILE, fileMark } from './build-stamp.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BUNDLED_PACKAGES = ['commander', 'zod'];

/**
 * The configuration uses zod/mini, which bundles to a few kB; the full `zod` (the sources
 * file's schema, loaded by poll and start only) stays in node_modules, or its shared core
 * and every locale would land in the chunk each command loads for its configuration.
 */
const fullZodExternal = {
  name: 'full-zod-external',
  setup(b) {
    b.onResolve({ filter: /^zod$/ }, () => ({ path: 'zod', external: true }));
  },
};

/** Build dist/ from src/; returns the milliseconds it took. */
export async function build({ root = ROOT } = {}) {
  const started = Date.now();
  const { build: esbuild } = await import('esbuild');
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const external = Object.keys(pkg.dependencies ?? {}).filter((name) => !BUNDLED_PACKAGES.includes(name));
  const dist = join(root, 'dist');
  const staging = join(root, `dist.building-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  try {
    const result = await esbuild({
      absWorkingDir: root,
      entryPoints: { cli: 'src/cli.ts' },
      outdir: staging,
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      external,
      // The bundled CommonJS (commander) calls require(); an ES module has none of its own.
      banner: {
        js: "import { createRequire as __govwatchRequire } from 'node:module'; const require = __govwatchRequire(import.meta.url);",
      },
      plugins: [fullZodExternal],
      minifyWhitespace: true,
      minifySyntax: true,
      sourcemap: 'linked',
      metafile: true,
      logLevel: 'warning',
    });
    const files = {};
    const inputs = [
      ...Object.keys(result.metafile.inputs).filter((f) => !f.includes('node_modules/')),
      ...BUILD_INPUTS,
    ];
    for (const file of inputs) {
      const path = relative(root, resolve(root, file));
      const mark = fileMark(join(root, path));
      if (mark) files[path] = mark;
    }
    writeFileSync(
      join(staging, STAMP_FILE),
      `${JSON.stringify({ builtAt: new Date().toISOString(), files })}\n`,
    );
    // What each output imports (test/build.test.ts checks that commands load only what they need).
    // Output paths are made relative to dist/ (they name the staging folder).
    const prefix = `${relative(root, staging)}/`;
    writeFileSync(join(staging, 'meta.json'), JSON.stringify(result.metafile).replaceAll(prefix, ''));
    // Swap: a reader sees the old build or the new one, never half of one.
    const old = join(root, `dist.old-${process.pid}`);
    try {
      renameSync(dist, old);
    } catch {
      // no previous build
    }
    renameSync(staging, dist);
    rmSync(old, { recursive: true, force: true });
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    throw err;
  }
  return Date.now() - started;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const ms = await build();
  process.stdout.write(`built dist/ in ${ms} ms\n`);
}
