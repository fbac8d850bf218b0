// Small helpers for command output: stdout carries results, stderr carries messages.
import type { Snippet } from '../store/types.ts';
import type { StoredItem } from '../model.ts';

export function out(line = ''): void {
  process.stdout.write(`${line}\n`);
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Highlight hits with ANSI bold on a terminal, «…» elsewhere. */
export function snippetText(snippet: Snippet, tty = process.stdout.isTTY): string {
  return snippet.map((s) => (s.hit ? (tty ? `\x1b[1m${s.text}\x1b[22m` : `«${s.text}»`) : s.text)).join('');
}

export function itemLine(item: StoredItem): string {
  const date = item.published.slice(0, 10);
  const tags = [...item.themes, ...item.regions].join(', ');
  return `#${item.id}  ${date}  [${item.sourceName}]  ${item.title}${tags ? `  (${tags})` : ''}`;
}
