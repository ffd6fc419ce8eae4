// The published package.json: built JavaScript and .d.ts instead of TypeScript sources, nothing workspace-only.
import { describe, expect, it } from 'vitest';
import { publishedManifest } from './manifest.ts';

describe('publishedManifest', () => {
  it('points exports at dist with types, bins at the launchers copied into dist, and drops scripts and devDependencies', () => {
    const published = publishedManifest({
      name: '@acme/x',
      version: '1.0.0',
      type: 'module',
      exports: { '.': './src/index.ts', './launch': './src/cli/launch.js' },
      bin: { x: './src/cli/x.js' },
      files: ['dist', 'README.md'],
      scripts: { build: 'tsc' },
      dependencies: { zod: '^4' },
      devDependencies: { vitest: '^5' },
    });
    expect(published).toEqual({
      name: '@acme/x',
      version: '1.0.0',
      type: 'module',
      exports: {
        '.': { types: './dist/index.d.ts', default: './dist/index.js' },
        './launch': './dist/cli/launch.js',
      },
      bin: { x: './dist/cli/x.js' },
      files: ['dist', 'README.md'],
      dependencies: { zod: '^4' },
    });
  });

  it('refuses a private package, one without "files", and an export outside src', () => {
    expect(() => publishedManifest({ name: 'p', version: '1.0.0', private: true, files: ['dist'] })).toThrow(/private/);
    expect(() => publishedManifest({ name: 'p', version: '1.0.0' })).toThrow(/files/);
    expect(() =>
      publishedManifest({ name: 'p', version: '1.0.0', files: ['dist'], exports: { '.': './lib/index.js' } }),
    ).toThrow(/src/);
  });
});
