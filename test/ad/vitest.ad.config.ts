// The AD tests on their own: the project's vitest config plus the DC global setup. The root config gets the
// same globalSetup line (see the report); until then run `npx vitest run -c test/ad/vitest.ad.config.ts`.
import { join } from 'node:path';
import { defineConfig, mergeConfig } from 'vitest/config';
import root from '../../vitest.config.ts';

export default mergeConfig(
  root,
  defineConfig({
    root: join(import.meta.dirname, '..', '..'),
    test: {
      globalSetup: ['test/ad/global-setup.ts'],
    },
  }),
);
