// The executables as a user meets them: the plain-JavaScript launcher of each bin under an old Node (it must say
// which Node is needed and how to get it, not fail on TypeScript), and `npx actionhost start` stopped with SIGTERM
// (the host must stop with its launcher, not stay behind listening).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { eventually } from '@actionhost/test/support';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const LAUNCHERS = {
  actionhost: join(ROOT, 'core/src/cli/actionhost.js'),
  registry: join(ROOT, 'registry/src/cli/registry.js'),
  'actionhost-sdk': join(ROOT, 'sdk/src/cli/actionhost-sdk.js'),
};

function nodeMajor(node: string): number {
  return Number(execFileSync(node, ['-p', 'process.versions.node'], { encoding: 'utf8' }).split('.')[0]);
}

/**
 * A Node older than 24 as a user would have it on PATH (here the system's Node 20, outside node_modules/.bin).
 * Where the machine has none, the pinned Node with its version reported as 20 stands in for it.
 */
function oldNode(): { command: string; args: string[] } {
  const candidates = (process.env.PATH ?? '')
    .split(delimiter)
    .filter((dir) => dir && !dir.includes('node_modules'))
    .map((dir) => join(dir, 'node'))
    .concat('/usr/bin/node', '/usr/local/bin/node');
  const found = candidates.find((node) => existsSync(node) && nodeMajor(node) < 24);
  if (found) return { command: found, args: [] };
  const pretend = 'Object.defineProperty(process.versions, "node", { value: "20.0.0" })';
  return { command: process.execPath, args: ['--import', `data:text/javascript,${encodeURIComponent(pretend)}`] };
}

/** Every process below `pid` (Linux /proc). */
function descendants(pid: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // the process ended while we looked
    }
  }
  const found: number[] = [];
  const walk = (parent: number) => {
    for (const [child, ppid] of parents) {
      if (ppid === parent) {
        found.push(child);
        walk(child);
      }
    }
  };
  walk(pid);
  return found;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
  } catch {
    return false;
  }
};

const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

describe('the bin launchers', () => {
  it('say under an old Node that Node 24 is needed and how to get it, exit 1', () => {
    const node = oldNode();
    for (const [program, launcher] of Object.entries(LAUNCHERS)) {
      const result = spawnSync(node.command, [...node.args, launcher, '--version'], { encoding: 'utf8' });
      expect(result.status, program).toBe(1);
      expect(result.stderr).toMatch(/^error AH_NODE_TOO_OLD: /);
      expect(result.stderr).toContain(`npx ${program}`);
      expect(result.stderr).not.toContain('ERR_UNKNOWN_FILE_EXTENSION');
    }
  });

  it('run the command under Node 24', () => {
    for (const launcher of Object.values(LAUNCHERS)) {
      const packageJson = join(launcher, '../../../package.json');
      const { version } = JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string };
      const result = spawnSync(process.execPath, [launcher, '--version'], { encoding: 'utf8' });
      expect([result.status, result.stdout.trim()]).toEqual([0, version]);
    }
  });
});

describe('npx actionhost start', () => {
  it('stops the host, its port and its workers when npx gets SIGTERM', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ah-npx-'));
    const npx = spawn('npx', ['actionhost', 'start', '--data', dataDir, '--port', '0', '--workers', '1', '--no-seed'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ACTIONHOST_ADMIN_TOKEN: 'npx-test-admin-token-0123456789' },
    });
    let output = '';
    npx.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    npx.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    let below: number[] = [];
    try {
      const url = await eventually(
        async () => /listening on (http:\/\/\S+)/.exec(output)?.[1],
        (found) => found !== undefined || npx.exitCode !== null,
        90_000,
      );
      expect(url, output).toBeDefined();
      const port = Number(new URL(url!).port);
      below = descendants(npx.pid!);
      expect(below.length).toBeGreaterThan(0);
      npx.kill('SIGTERM');
      await eventually(
        async () => ({ listening: await accepts(port), left: below.filter(alive) }),
        (state) => !state.listening && state.left.length === 0,
        60_000,
      );
    } finally {
      for (const pid of [npx.pid!, ...below].filter(alive)) process.kill(pid, 'SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 180_000);
});
