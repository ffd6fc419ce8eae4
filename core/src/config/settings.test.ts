// The settings table is the only place a setting is declared and read: the README's table is generated from it,
// every ACTIONHOST_ variable the sources mention is in it, and bad values are refused with the setting's name.
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HOST_SETTINGS, loadConfig, replaceSettingsSection } from './index.ts';

const ROOT = join(import.meta.dirname, '../../..');
const README = join(ROOT, 'README.md');

function sources(): string[] {
  return ['core/src', 'registry/src', 'sdk/src'].flatMap((dir) =>
    readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
      .filter((file) => /\.(ts|js)$/.test(file) && !/\.(test|fixtures)\.ts$/.test(file) && !file.includes('fixtures'))
      .map((file) => join(ROOT, dir, file)),
  );
}

describe('host settings', () => {
  it("are the README's settings table (run `npm run docs:settings` after changing one)", () => {
    const readme = readFileSync(README, 'utf8');
    expect(readme).toBe(replaceSettingsSection(readme));
  });

  it('are the only place the sources read an ACTIONHOST_ variable, and declare every one they mention', () => {
    const declared = new Set(Object.values(HOST_SETTINGS.settings).map((setting) => setting.env));
    for (const file of sources()) {
      const code = readFileSync(file, 'utf8');
      expect(code, relative(ROOT, file)).not.toMatch(/env(\.|\[\s*['"`])ACTIONHOST_/);
      for (const [name] of code.matchAll(/\bACTIONHOST_[A-Z_]+\b/g)) {
        expect(declared, `${relative(ROOT, file)} mentions ${name}`).toContain(name);
      }
    }
  });

  it('default to the embedded setup', () => {
    expect(loadConfig()).toMatchObject({
      host: '127.0.0.1',
      port: 8080,
      workers: 2,
      allowPrivate: [],
      logLevel: 'info',
      seed: true,
      maxExecutions: 8,
      maxPerPlugin: 4,
      maxBacklog: 10_000,
      stopTimeoutMs: 10_000,
    });
    expect(loadConfig().adminToken).toBeUndefined();
  });

  it('read the environment, with flags first', () => {
    const env = {
      ACTIONHOST_PORT: '9000',
      ACTIONHOST_MAX_BACKLOG: '5',
      ACTIONHOST_MAX_EXECUTIONS: '1',
      ACTIONHOST_ALLOW_PRIVATE: '127.0.0.1, 10.0.0.0/8',
      ACTIONHOST_SEED: 'false',
      ACTIONHOST_RESOLVER_SERVERS: '127.0.0.53, 127.0.0.1:5353,[::1]:53',
      ACTIONHOST_APPROVED_PROXIES: 'http://proxy.example.com:3128',
    };
    expect(loadConfig({ port: '0' }, env)).toMatchObject({
      port: 0,
      maxBacklog: 5,
      maxExecutions: 1,
      allowPrivate: ['127.0.0.1', '10.0.0.0/8'],
      seed: false,
      resolverServers: ['127.0.0.53', '127.0.0.1:5353', '[::1]:53'],
      approvedProxies: ['http://proxy.example.com:3128'],
    });
  });

  it('refuse a value that used to fall back silently, naming the setting and the variable', () => {
    for (const [variable, value, setting] of [
      ['ACTIONHOST_MAX_BACKLOG', 'lots', 'maxBacklog'],
      ['ACTIONHOST_STOP_TIMEOUT_MS', '-1', 'stopTimeoutMs'],
      ['ACTIONHOST_LOG_LEVEL', 'loud', 'logLevel'],
      ['ACTIONHOST_MASTER_KEY', 'not-a-key', 'masterKey'],
      ['ACTIONHOST_ADMIN_TOKEN', 'short', 'adminToken'],
      ['ACTIONHOST_RESOLVER_SERVERS', '127.0.0.53,dns.example.com', 'resolverServers'],
    ]) {
      expect(() => loadConfig({}, { [variable]: value }), variable).toThrow(
        expect.objectContaining({
          code: 'AH_CONFIG_INVALID',
          details: expect.objectContaining({
            path: `/${setting}`,
            problems: [expect.objectContaining({ setting, source: variable })],
          }),
        }),
      );
    }
  });
});
