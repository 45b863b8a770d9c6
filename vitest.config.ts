import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: ['packages/*/vitest.config.ts'],
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
