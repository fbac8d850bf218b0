import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/require-postgres.ts', 'test/support/build-once.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Vitest's default (cores − 1) runs the files one at a time on a 2-core machine, while
    // most of the slow files spend their time waiting on child processes and real clocks:
    // two at a time took the suite from 10 to 5.6 minutes under load (every file passing).
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
});
