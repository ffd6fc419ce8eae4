// One vitest run over every package. Tests start real servers on loopback; sandbox tests spawn worker
// processes, so files run in forks and timeouts are generous (measured in the benchmark, not asserted here).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{sdk,registry,core,test}/**/*.test.ts', 'plugins/*/test/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    fileParallelism: true,
  },
});
