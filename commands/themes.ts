import type { CommandDef } from '../src/chat/types.ts';
import { THEME_IDS } from '../src/model.ts';
import { THEME_DESCRIPTIONS } from '../src/theme-descriptions.ts';

export const themes: CommandDef = {
  name: 'themes',
  description: 'The theme ids govwatch tags items with',
  help: 'Lists every theme id with a one-line description; use the ids in /subscribe and /search.',
  permission: 'anyone',
  options: [],
  async run() {
    return {
      ephemeral: true,
      blocks: [
        { type: 'heading', text: 'Themes' },
        { type: 'list', items: THEME_IDS.map((id) => `${id}: ${THEME_DESCRIPTIONS[id]}`) },
        { type: 'context', text: 'Regions are two-letter country codes (CN, RU, US, …) and EU.' },
      ],
    };
  },
};
