// One vitest run over every package. Tests start real servers on loopback; sandbox tests spawn worker
// processes, so files run in forks and timeouts are generous (measured in the benchmark, not asserted here).
// The global setup makes sure a real Samba AD DC answers on 127.0.0.1 (test/ad/start-ad.sh; root + apt the
// first time) and fails the run if it cannot: an Active Directory test never passes by skipping. Likewise a real
// PostgreSQL on 127.0.0.1:54329 (test/postgres/start-postgres.sh) for the multi-host tests, provided as
// inject('postgres').
// Two projects: `all` runs every test file (the services' own tests run on both stores through describe.each), and
// `postgres` runs the API suite and the engine tests again with ACTIONHOST_TEST_BACKEND=postgres, so every route
// works on the store several hosts share as well as on the embedded one (issue 14).
import { defineConfig } from 'vitest/config';

const GLOBAL_SETUP = ['test/ad/global-setup.ts', 'test/postgres/global-setup.ts', 'test/browser/global-setup.ts'];

export default defineConfig({
  test: {
    include: ['{sdk,registry,core}/src/**/*.test.ts', 'test/**/*.test.ts', 'plugins/*/src/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    globalSetup: GLOBAL_SETUP,
    pool: 'forks',
    // The JSON report lets .ci/run print one plain "N passed, N failed" line at the end.
    reporters: ['default', ['json', { outputFile: '.vitest/results.json' }]],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    fileParallelism: true,
    projects: [
      { test: { name: 'all' } },
      {
        // Its own config (not the root's, whose include list a project would add to): the API suite on PostgreSQL.
        extends: false,
        test: {
          name: 'postgres',
          include: [
            'core/src/api/**/*.test.ts',
            'core/src/workflow/definition/publish.test.ts',
            'core/src/workflow/execution/engine.test.ts',
            'core/src/workflow/execution/durable.test.ts',
          ],
          exclude: ['**/node_modules/**', '**/dist/**'],
          env: { ACTIONHOST_TEST_BACKEND: 'postgres' },
          globalSetup: ['test/postgres/global-setup.ts'],
          pool: 'forks',
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
