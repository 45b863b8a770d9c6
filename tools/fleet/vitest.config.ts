import { defineProject } from 'vitest/config';

export default defineProject({
  ssr: { resolve: { conditions: ['@cluster-task/source'] } },
  resolve: { conditions: ['@cluster-task/source'] },
  test: {
    name: 'fleet',
    include: ['test/**/*.test.ts'],
    benchmark: { include: ['bench/**/*.bench.ts'] },
    // Real sshd processes and hundreds of ssh clients: generous per-test limits on 2 cores.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
