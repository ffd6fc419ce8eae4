// buildPlugin: plugin folder → plugin.json (JSON Schemas from zod) + mapping presets + a self-contained guest script.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { PluginManifest, buildPlugin, isActionhostError } from '../index.ts';
import { copyFixture, evaluateGuest, recordingContext } from '../testing/fixtures.ts';

async function buildError(dir: string): Promise<{ code: string; details: Record<string, unknown> }> {
  try {
    await buildPlugin(dir);
  } catch (error) {
    if (isActionhostError(error)) return error;
    throw error;
  }
  throw new Error(`expected the build of ${dir} to fail`);
}

describe('buildPlugin', () => {
  it('writes a valid manifest whose input and output are JSON Schema 2020-12 generated from the zod schemas', async () => {
    await using plugin = await copyFixture('greeter');
    const { manifest, manifestFile } = await buildPlugin(plugin.dir);

    const written = JSON.parse(await readFile(manifestFile, 'utf8'));
    expect(written).toEqual(manifest);
    expect(PluginManifest.parse(written)).toEqual(manifest);
    expect(manifest).toMatchObject({
      name: '@fixtures/greeter',
      version: '1.2.3',
      title: 'Greeter',
      category: 'plugin',
      host: '^1.0.0',
      description: 'Greets someone (SDK build fixture)',
      entry: 'dist/plugin.js',
      paths: ['success', 'failure', 'skipped'],
      capabilities: { itsm: ['requests:read'] },
      limits: { timeoutMs: 2000, memoryMb: 32 },
      testConnection: true,
      mappings: { default: 'mappings/default.json', loud: 'mappings/loud.json' },
    });

    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    expect(manifest.input.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(ajv.validateSchema(manifest.input)).toBe(true);
    expect(ajv.validateSchema(manifest.output)).toBe(true);
    const validInput = ajv.compile(manifest.input);
    // io "input": a field with a zod default is optional for the caller.
    expect(validInput({ name: 'Ada' })).toBe(true);
    expect(validInput({ name: '' })).toBe(false);
    expect(validInput({ name: 'Ada', language: 'de' })).toBe(false);
    const validOutput = ajv.compile(manifest.output);
    expect(validOutput({ message: 'Hello', token: 'QWRh' })).toBe(true);
    expect(validOutput({ message: 'Hello' })).toBe(false);
  });

  it('writes each mapping preset to mappings/<name>.json', async () => {
    await using plugin = await copyFixture('greeter');
    await buildPlugin(plugin.dir);
    expect(JSON.parse(await readFile(join(plugin.dir, 'mappings', 'loud.json'), 'utf8'))).toEqual({
      name: '#requester.name#',
      shout: true,
    });
    expect(JSON.parse(await readFile(join(plugin.dir, 'mappings', 'default.json'), 'utf8'))).toEqual({
      name: '#requester.name#',
      shout: false,
    });
  });

  it('writes plugin.json with the contract key order, so rebuilding gives the same bytes', async () => {
    await using plugin = await copyFixture('greeter');
    const { manifestFile, entryFile } = await buildPlugin(plugin.dir);
    const first = [await readFile(manifestFile, 'utf8'), await readFile(entryFile, 'utf8')];
    await buildPlugin(plugin.dir);
    expect([await readFile(manifestFile, 'utf8'), await readFile(entryFile, 'utf8')]).toEqual(first);
    expect(Object.keys(JSON.parse(first[0]))).toEqual([
      'name',
      'version',
      'title',
      'description',
      'category',
      'host',
      'entry',
      'input',
      'output',
      'paths',
      'capabilities',
      'limits',
      'testConnection',
      'mappings',
    ]);
  });

  it('bundles a guest script with no import or require that runs in a bare ECMAScript context', async () => {
    await using plugin = await copyFixture('greeter');
    const { entryFile } = await buildPlugin(plugin.dir);
    const code = await readFile(entryFile, 'utf8');
    expect(code).not.toMatch(/^\s*import\s/m);
    expect(code).not.toMatch(/\bimport\s*\(/);
    expect(code).not.toMatch(/\brequire\s*\(/);
    expect(code).not.toMatch(/\bexport\s/);

    const { plugin: guest, context } = evaluateGuest(code);
    expect(Object.keys(context)).toEqual(['plugin']);
    expect(typeof guest.run).toBe('function');
    expect(typeof guest.testConnection).toBe('function');
    const { ctx, logs } = recordingContext();
    const result = await guest.run({ name: 'Ada', shout: true, language: 'fr' }, ctx);
    expect(JSON.parse(JSON.stringify(result))).toEqual({
      path: 'success',
      output: { message: 'BONJOUR, ADA!', token: 'QWRh' },
    });
    expect(logs).toEqual([{ level: 'info', message: 'greeting', data: { name: 'Ada' } }]);
    expect(JSON.parse(JSON.stringify(await guest.run({ name: 'nobody', shout: false }, ctx)))).toEqual({
      path: 'skipped',
      output: { message: '', token: '' },
    });
  });

  it('keeps the guest script of a small plugin to a few KB (zod and the SDK build tooling stay out)', async () => {
    await using plugin = await copyFixture('greeter');
    const { entryFile } = await buildPlugin(plugin.dir);
    const code = await readFile(entryFile, 'utf8');
    expect(code.length).toBeLessThan(8 * 1024);
    expect(code).not.toContain('esbuild');
    expect(code).not.toContain('ZodError');
  });

  it('builds byte-identical guest scripts for the same plugin in two different folders', async () => {
    await using first = await copyFixture('greeter', 'a');
    await using second = await copyFixture('greeter', 'nested-b');
    const one = await readFile((await buildPlugin(first.dir)).entryFile, 'utf8');
    const two = await readFile((await buildPlugin(second.dir)).entryFile, 'utf8');
    expect(two).toBe(one);
  });

  it('replaces zod in the guest with a stub that throws when plugin code parses', async () => {
    await using plugin = await copyFixture('greeter');
    await writeFile(
      join(plugin.dir, 'src', 'plugin.ts'),
      [
        "import { z } from 'zod';",
        "import { definePlugin } from '@actionhost/sdk';",
        'const Input = z.object({ name: z.string().min(1) }).describe("x");',
        'export default definePlugin({',
        "  title: 'Parses', category: 'plugin', input: Input, output: z.object({ kind: z.string() }),",
        '  run(input) {',
        '    try { Input.parse(input); return { path: "success", output: { kind: "parsed" } }; }',
        '    catch (error) { return { path: "failure", output: { kind: String((error as Error).message) } }; }',
        '  },',
        '});',
      ].join('\n'),
    );
    const { entryFile } = await buildPlugin(plugin.dir);
    const { plugin: guest } = evaluateGuest(await readFile(entryFile, 'utf8'));
    const result = (await guest.run({ name: 'x' }, recordingContext().ctx)) as {
      path: string;
      output: { kind: string };
    };
    expect(result.path).toBe('failure');
    expect(result.output.kind).toMatch(/validate/);
  });

  it('fails with AH_BUILD_FAILED when the plugin imports a Node built-in', async () => {
    await using plugin = await copyFixture('node-fs');
    const error = await buildError(plugin.dir);
    expect(error.code).toBe('AH_BUILD_FAILED');
    expect(JSON.stringify(error.details.messages)).toContain('node:fs');
  });

  it('fails with AH_BUILD_FAILED naming setTimeout, URL and console, which the sandbox does not have', async () => {
    for (const use of [
      'await new Promise((resolve) => setTimeout(resolve, 10));',
      'globalThis.setTimeout(() => undefined, 10);',
      'const host = new URL("https://a.example").host;',
      'console.log(input.name);',
    ]) {
      await using plugin = await copyFixture('greeter');
      await writeFile(
        join(plugin.dir, 'src', 'plugin.ts'),
        [
          "import { z } from 'zod';",
          "import { definePlugin } from '@actionhost/sdk';",
          'export default definePlugin({',
          "  title: 'Globals', category: 'plugin', input: z.object({ name: z.string() }), output: z.object({}),",
          `  async run(input) { ${use} return { path: "success", output: {} }; },`,
          '});',
        ].join('\n'),
      );
      const error = await buildError(plugin.dir);
      expect(error.code).toBe('AH_BUILD_FAILED');
      const messages = error.details.messages as { text: string; file?: string }[];
      const name = /setTimeout|URL|console/.exec(use)![0];
      expect(messages.map((m) => m.text).join('\n')).toContain(`the sandbox has no ${name}`);
      expect(messages[0]).toMatchObject({ file: 'src/plugin.ts', line: 5 });
    }
  });

  it('builds a plugin whose own setTimeout shadows the global, or that only asks typeof URL', async () => {
    await using plugin = await copyFixture('greeter');
    await writeFile(
      join(plugin.dir, 'src', 'plugin.ts'),
      [
        "import { z } from 'zod';",
        "import { definePlugin } from '@actionhost/sdk';",
        'const setTimeout = (f: () => string) => f();',
        'export default definePlugin({',
        "  title: 'Shadow', category: 'plugin', input: z.object({}), output: z.object({ kind: z.string() }),",
        '  run() { return { path: "success", output: { kind: setTimeout(() => typeof URL) } }; },',
        '});',
      ].join('\n'),
    );
    const { entryFile } = await buildPlugin(plugin.dir);
    const code = await readFile(entryFile, 'utf8');
    expect(code).toContain('typeof URL');
    const { plugin: guest } = evaluateGuest(code);
    expect(JSON.parse(JSON.stringify(await guest.run({}, recordingContext().ctx)))).toEqual({
      path: 'success',
      output: { kind: 'undefined' },
    });
  });

  it('fails with AH_BUILD_FAILED when a bare Node built-in name is required', async () => {
    await using plugin = await copyFixture('node-fs');
    const source = join(plugin.dir, 'src', 'plugin.ts');
    await writeFile(source, (await readFile(source, 'utf8')).replace("from 'node:fs'", "from 'fs'"));
    expect((await buildError(plugin.dir)).code).toBe('AH_BUILD_FAILED');
  });

  it('fails with AH_SCHEMA_UNREPRESENTABLE naming the field when a schema has no JSON Schema form', async () => {
    await using plugin = await copyFixture('dated');
    const error = await buildError(plugin.dir);
    expect(error.code).toBe('AH_SCHEMA_UNREPRESENTABLE');
    expect(error.details.path).toBe('/input/properties/when');
  });

  it('fails with AH_PLUGIN_DEFINITION_INVALID when src/plugin.ts has no default export', async () => {
    await using plugin = await copyFixture('greeter');
    await writeFile(join(plugin.dir, 'src', 'plugin.ts'), 'export const nothing = 1;\n');
    expect((await buildError(plugin.dir)).code).toBe('AH_PLUGIN_DEFINITION_INVALID');
  });

  it('fails with AH_BUILD_FAILED carrying the esbuild message on a syntax error', async () => {
    await using plugin = await copyFixture('greeter');
    await writeFile(join(plugin.dir, 'src', 'plugin.ts'), 'export default {\n');
    const error = await buildError(plugin.dir);
    expect(error.code).toBe('AH_BUILD_FAILED');
    expect((error.details.messages as { file?: string }[])[0]?.file).toBe('src/plugin.ts');
  });

  it('fails with AH_MANIFEST_INVALID when package.json has an invalid version', async () => {
    await using plugin = await copyFixture('greeter');
    const file = join(plugin.dir, 'package.json');
    await writeFile(file, (await readFile(file, 'utf8')).replace('"1.2.3"', '"one"'));
    expect((await buildError(plugin.dir)).code).toBe('AH_MANIFEST_INVALID');
  });

  it('lets parallel builds of one folder finish with complete, identical outputs', async () => {
    await using plugin = await copyFixture('greeter');
    const results = await Promise.all([buildPlugin(plugin.dir), buildPlugin(plugin.dir), buildPlugin(plugin.dir)]);
    expect(results[1].manifest).toEqual(results[0].manifest);
    expect(PluginManifest.parse(JSON.parse(await readFile(results[0].manifestFile, 'utf8')))).toEqual(
      results[0].manifest,
    );
    expect((await readdir(join(plugin.dir, 'dist'))).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('stops when its signal is aborted', async () => {
    await using plugin = await copyFixture('greeter');
    await expect(buildPlugin(plugin.dir, { signal: AbortSignal.abort() })).rejects.toThrow();
  });

  it('binds named and namespace zod imports, including keyword-named ones, to the stub', async () => {
    await using plugin = await copyFixture('greeter');
    await writeFile(
      join(plugin.dir, 'src', 'plugin.ts'),
      [
        "import { z, object, string as text, enum as oneOf } from 'zod';",
        "import * as zodV4 from 'zod/v4';",
        "import { definePlugin, buildQuery } from '@actionhost/sdk';",
        "const Kind = oneOf(['a', 'b']);",
        'const Input = object({ name: text().min(1).max(5).describe("who"), kind: Kind.optional() }).strict();',
        'const Shapes = [zodV4.z.number().int(), z.array(z.string()).nonempty(), `${Input}`];',
        'export default definePlugin({',
        "  title: 'Stubbed', category: 'plugin', input: Input, output: z.object({ query: z.string(), shapes: z.number() }),",
        '  run(input) { return { path: "success", output: { query: buildQuery({ name: input.name }), shapes: Shapes.length } }; },',
        '});',
      ].join('\n'),
    );
    const { entryFile } = await buildPlugin(plugin.dir);
    const { plugin: guest } = evaluateGuest(await readFile(entryFile, 'utf8'));
    const result = await guest.run({ name: 'a b' }, recordingContext().ctx);
    expect(JSON.parse(JSON.stringify(result))).toEqual({ path: 'success', output: { query: 'name=a%20b', shapes: 3 } });
  });

  it("gives the guest the SDK's pure helpers (LDAP escaping, base64, URLs) through @actionhost/sdk", async () => {
    await using plugin = await copyFixture('greeter');
    await writeFile(
      join(plugin.dir, 'src', 'plugin.ts'),
      [
        "import { z } from 'zod';",
        "import { definePlugin, escapeFilterValue, childDn, decodeBase64, parseUrl, ActionhostError } from '@actionhost/sdk';",
        'export default definePlugin({',
        "  title: 'Helpers', category: 'plugin', input: z.object({ user: z.string() }), output: z.object({}).passthrough(),",
        '  run(input) {',
        '    return { path: "success", output: {',
        '      filter: `(sAMAccountName=${escapeFilterValue(input.user)})`,',
        '      dn: childDn("cn", input.user, "dc=example,dc=com"),',
        '      text: decodeBase64("aMOpbGxv"), host: parseUrl("https://a.example:8443/x").host,',
        '      error: new ActionhostError("AH_X", "m").code,',
        '    } };',
        '  },',
        '});',
      ].join('\n'),
    );
    const { entryFile } = await buildPlugin(plugin.dir);
    const { plugin: guest } = evaluateGuest(await readFile(entryFile, 'utf8'));
    const result = (await guest.run({ user: 'a*(b)' }, recordingContext().ctx)) as { output: Record<string, string> };
    expect(result.output).toMatchObject({
      filter: '(sAMAccountName=a\\2a\\28b\\29)',
      text: 'héllo',
      host: 'a.example:8443',
      error: 'AH_X',
    });
    expect(result.output.dn).toMatch(/^cn=a\*\(b\),dc=example,dc=com$/);
  });

  it('offers in the guest only names that @actionhost/sdk also exports in Node', async () => {
    const guestEntry = await import('../guest/index.ts');
    const sdk = await import('../index.ts');
    expect(Object.keys(guestEntry).filter((name) => !(name in sdk))).toEqual([]);
    expect(Object.keys(guestEntry)).toContain('definePlugin');
  });

  it('fails with AH_BUILD_FAILED when the plugin would import() or require() a computed name at run time', async () => {
    await using plugin = await copyFixture('greeter');
    await writeFile(
      join(plugin.dir, 'src', 'plugin.ts'),
      [
        "import { z } from 'zod';",
        "import { definePlugin } from '@actionhost/sdk';",
        'export default definePlugin({',
        "  title: 'Dynamic', category: 'plugin', input: z.object({ module: z.string() }), output: z.object({}),",
        '  async run(input) { await import(input.module); return { path: "success", output: {} }; },',
        '});',
      ].join('\n'),
    );
    expect((await buildError(plugin.dir)).code).toBe('AH_BUILD_FAILED');
  });
});
