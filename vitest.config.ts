import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: ['packages/*/vitest.config.ts', 'tools/*/vitest.config.ts'],
    // CI reads the totals from the JSON report (.ci/run prints "N passed, N failed")
    reporters: process.env.CI
      ? ['default', ['json', { outputFile: '.ci-vitest.json' }]]
      : ['default'],
    coverage: {
      provider: 'v8',
      include: ['packages/*/src/**'],
      thresholds: {
        'packages/nodeset/src/**': { statements: 90, branches: 85, functions: 90, lines: 90 },
        'packages/msgtree/src/**': { statements: 90, branches: 85, functions: 90, lines: 90 },
      },
    },
  },
});
