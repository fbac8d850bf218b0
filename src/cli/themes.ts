// `govwatch themes`: the theme ids items are tagged with, and what each covers.
import { THEME_IDS } from '../model.ts';
import { THEME_DESCRIPTIONS } from '../theme-descriptions.ts';
import { out, printJson } from './output.ts';

export function runThemes(opts: { json?: boolean }): void {
  if (opts.json) {
    printJson(THEME_IDS.map((id) => ({ id, description: THEME_DESCRIPTIONS[id] })));
    return;
  }
  const width = Math.max(...THEME_IDS.map((id) => id.length));
  for (const id of THEME_IDS) out(`${id.padEnd(width)}  ${THEME_DESCRIPTIONS[id]}`);
}
