// Runs the real `govwatch` command line as a child process (node bin/govwatch.js …) from the
// repository root, with an environment that points the archive into a test directory and
// carries no chat tokens or database URL from the developer's shell.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

const DROP = /^(DISCORD_|SLACK_|DATABASE_URL$|GOVWATCH_)/;

export function cliEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!DROP.test(k)) env[k] = v;
  return { ...env, NO_COLOR: '1', GOVWATCH_TRACKERS: 'off', ...extra };
}

export function runCli(
  args: string[],
  opts: { env: Record<string, string>; input?: string; timeoutMs?: number },
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      ['bin/govwatch.js', ...args],
      {
        cwd: REPO_ROOT,
        env: cliEnv(opts.env),
        timeout: opts.timeoutMs ?? 60_000,
        maxBuffer: 32 * 1024 * 1024,
        encoding: 'utf8',
      },
      (err, stdout, stderr) => {
        if (err && (err as { killed?: boolean }).killed) {
          reject(new Error(`govwatch ${args.join(' ')} timed out\n${stderr}`));
          return;
        }
        const code = err ? Number((err as { code?: unknown }).code ?? 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
    child.stdin?.end(opts.input ?? '');
  });
}

/** Non-empty stderr lines that are not pino JSON logs. */
export function messageLines(stderr: string): string[] {
  // Not the launcher's notice that it rebuilt a stale dist/ (sources edited since the build).
  return stderr
    .split('\n')
    .filter(
      (l) => l.trim() !== '' && !l.startsWith('{') && !/; rebuilding dist\/ \(npm run build\)$/.test(l),
    );
}

/**
 * The same command line run inside the test process (src/cli.ts `main`), for the many
 * checks where a child process (the compiled dist/, ~0.2 s) buys nothing: stdout/stderr writes and the
 * exit code are captured, and the environment is swapped for the run. Not re-entrant.
 * Usage errors make commander call process.exit: test those through runCli.
 */
export async function runInProcess(args: string[], env: Record<string, string>): Promise<CliResult> {
  const { main } = await import('../../src/cli.ts');
  const saved = { ...process.env };
  const out: string[] = [];
  const err: string[] = [];
  const writeOut = process.stdout.write.bind(process.stdout);
  const writeErr = process.stderr.write.bind(process.stderr);
  const capture =
    (sink: string[]) =>
    (chunk: string | Uint8Array): boolean => {
      sink.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return true;
    };
  for (const key of Object.keys(process.env)) if (DROP.test(key)) delete process.env[key];
  Object.assign(process.env, { GOVWATCH_LOG_LEVEL: 'silent' }, env);
  process.exitCode = undefined;
  process.stdout.write = capture(out) as typeof process.stdout.write;
  process.stderr.write = capture(err) as typeof process.stderr.write;
  try {
    await main(['node', 'govwatch', ...args]);
  } finally {
    process.stdout.write = writeOut;
    process.stderr.write = writeErr;
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = undefined;
  return { code, stdout: out.join(''), stderr: err.join('') };
}
