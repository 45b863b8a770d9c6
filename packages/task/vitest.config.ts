import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

export default defineProject({
  ssr: { resolve: { conditions: ['@cluster-task/source'] } },
  resolve: {
    conditions: ['@cluster-task/source'],
    // docs/examples/ lives outside the workspace packages: let its bare import of the engine
    // resolve to the same module the task package uses (one engine, one set of classes).
    alias: {
      '@cluster-task/engine': fileURLToPath(new URL('../engine/src/index.ts', import.meta.url)),
    },
  },
  test: {
    name: 'task',
    include: ['test/**/*.test.ts'],
    benchmark: { include: ['bench/**/*.bench.ts'] },
  },
});
