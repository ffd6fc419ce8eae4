// Tokens on a real host process: a later start with another ACTIONHOST_ADMIN_TOKEN does not add an admin; the way
// back in is `actionhost tokens create --role admin` on the data folder, which the running host honours at once;
// `actionhost tokens list|revoke` work on the same folder.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ACTIONHOST_CLI, makeDataDir, runCli, startHostProcess, type HostProcess } from '@actionhost/test/support';

describe('admin token recovery', () => {
  const dataDir = makeDataDir();
  let host: HostProcess | undefined;
  afterAll(async () => {
    await host?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  // Two host starts and four command-line runs: more than the default 30 s on a busy machine.
  it(
    'ignores a new ACTIONHOST_ADMIN_TOKEN on a later start and recovers with actionhost tokens create',
    { timeout: 180_000 },
    async () => {
      const first = await startHostProcess({ dataDir, seed: false });
      const original = first.token;
      expect((await first.api('GET', '/api/tokens')).status).toBe(200);
      await first.stop();

      const other = 'someone-elses-admin-token-0123456789';
      host = await startHostProcess({ dataDir, seed: false, env: { ACTIONHOST_ADMIN_TOKEN: other } });
      const refused = await host.api<{ error: { code: string } }>('GET', '/api/tokens', undefined, other);
      expect(refused.status).toBe(401);
      expect(refused.body.error.code).toBe('AH_UNAUTHENTICATED');
      expect(host.output()).toContain('ACTIONHOST_ADMIN_TOKEN');

      const created = await runCli(ACTIONHOST_CLI, [
        'tokens',
        'create',
        '--role',
        'admin',
        '--name',
        'recovered',
        '--data',
        dataDir,
      ]);
      expect(created.code).toBe(0);
      const recovered = created.stdout.trim();
      const listed = await host.api<{ name: string; role: string }[]>('GET', '/api/tokens', undefined, recovered);
      expect(listed.status).toBe(200);
      expect(
        listed.body
          .filter((token) => token.role === 'admin')
          .map((token) => token.name)
          .sort(),
      ).toEqual(['admin (ACTIONHOST_ADMIN_TOKEN)', 'recovered']);

      const list = await runCli(ACTIONHOST_CLI, ['tokens', 'list', '--json', '--data', dataDir]);
      const tokens = JSON.parse(list.stdout) as { id: string; name: string }[];
      const firstAdmin = tokens.find((token) => token.name === 'admin (ACTIONHOST_ADMIN_TOKEN)')!;
      expect((await runCli(ACTIONHOST_CLI, ['tokens', 'revoke', firstAdmin.id, '--data', dataDir])).code).toBe(0);
      expect((await host.api('GET', '/api/tokens', undefined, original)).status).toBe(401);
      expect((await host.api('GET', '/api/tokens', undefined, recovered)).status).toBe(200);
    },
  );

  it('gives an agent token from the command line that reaches requests but not tokens', async () => {
    const created = await runCli(ACTIONHOST_CLI, ['tokens', 'create', '--role', 'agent', '--json', '--data', dataDir]);
    const { token, role } = JSON.parse(created.stdout) as { token: string; role: string };
    expect(role).toBe('agent');
    expect((await host!.api('GET', '/api/requests', undefined, token)).status).toBe(200);
    expect((await host!.api('GET', '/api/tokens', undefined, token)).status).toBe(403);
  });

  it('refuses a data folder without a database, and a role that does not exist', async () => {
    const missing = await runCli(ACTIONHOST_CLI, ['tokens', 'list', '--data', join(dataDir, 'nothing-here')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^error AH_DATA_NOT_FOUND/m);
    const badRole = await runCli(ACTIONHOST_CLI, ['tokens', 'create', '--role', 'root', '--data', dataDir]);
    expect(badRole.code).toBe(2);
  });
});
