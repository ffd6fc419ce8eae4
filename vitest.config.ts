// One vitest run over every package. Tests start real servers on loopback; sandbox tests spawn worker
// processes, so files run in forks and timeouts are generous (measured in the benchmark, not asserted here).
// The global setup makes sure a real Samba AD DC answers on 127.0.0.1 (test/ad/start-ad.sh; root + apt the
// first time) and fails the run if it cannot: an Active Directory test never passes by skipping. Likewise a real
// PostgreSQL on 127.0.0.1:54329 (test/postgres/start-postgres.sh) for the multi-host tests, provided as
// inject('postgres').
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{sdk,registry,core}/src/**/*.test.ts', 'test/**/*.test.ts', 'plugins/*/src/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    globalSetup: ['test/ad/global-setup.ts', 'test/postgres/global-setup.ts', 'test/browser/global-setup.ts'],
    pool: 'forks',
    // The JSON report lets .ci/run print one plain "N passed, N failed" line at the end.
    reporters: ['default', ['json', { outputFile: '.vitest/results.json' }]],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    fileParallelism: true,
  },
});
