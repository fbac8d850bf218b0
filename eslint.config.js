import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['node_modules', 'data', 'coverage', 'dist'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-imports': 'off',
    },
  },
  {
    // Only src/platforms may speak to a chat SDK (design rule).
    files: ['src/**/*.ts', 'commands/**/*.ts'],
    ignores: ['src/platforms/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'discord.js', message: 'Chat SDKs are imported only under src/platforms/.' },
            { name: '@slack/bolt', message: 'Chat SDKs are imported only under src/platforms/.' },
          ],
        },
      ],
    },
  },
);
