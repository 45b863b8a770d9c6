import { defineProject } from 'vitest/config';

export default defineProject({
  ssr: { resolve: { conditions: ['@cluster-task/source'] } },
  resolve: { conditions: ['@cluster-task/source'] },
  test: {
    name: 'msgtree',
    include: ['test/**/*.test.ts'],
    benchmark: { include: ['bench/**/*.bench.ts'] },
  },
});
