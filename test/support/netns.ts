// A Linux network namespace a test creates and removes (needs root, as the test suite has): its own loopback, its
// own /etc/hosts and /etc/resolv.conf (`ip netns exec` mounts /etc/netns/<name>/* over /etc), and processes run
// inside it. Nothing of the machine's real network or DNS is touched.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface NetnsOptions {
  /** Content of the namespace's /etc/hosts. */
  hosts?: string;
  /** Content of the namespace's /etc/resolv.conf. */
  resolvConf?: string;
}

export interface Netns {
  name: string;
  /** Starts `command args` inside the namespace (stdout and stderr piped). */
  spawn(command: string, args: string[], env?: NodeJS.ProcessEnv): ChildProcess;
  /** Runs `ip <args>` against the namespace (`ip -n <name> ...`). */
  ip(...args: string[]): Promise<void>;
  /**
   * Puts `cidr` (e.g. 169.254.10.1/16) on an interface of its own inside the namespace: a dummy interface where the
   * kernel has the driver, else one end of a veth pair whose both ends stay inside. Returns the interface kind.
   */
  addInterfaceAddress(cidr: string): Promise<'dummy' | 'veth'>;
  close(): Promise<void>;
}

export async function createNetns(options: NetnsOptions = {}): Promise<Netns> {
  const name = `ahtest-${randomBytes(4).toString('hex')}`;
  const etc = join('/etc/netns', name);
  await run('ip', ['netns', 'add', name]);
  const ip = async (...args: string[]) => {
    await run('ip', ['-n', name, ...args]);
  };
  try {
    await ip('link', 'set', 'lo', 'up');
    mkdirSync(etc, { recursive: true });
    writeFileSync(join(etc, 'hosts'), options.hosts ?? '127.0.0.1 localhost\n');
    writeFileSync(join(etc, 'resolv.conf'), options.resolvConf ?? 'nameserver 127.0.0.53\n');
  } catch (error) {
    await run('ip', ['netns', 'del', name]).catch(() => undefined);
    rmSync(etc, { recursive: true, force: true });
    throw error;
  }
  const children = new Set<ChildProcess>();
  return {
    name,
    ip,
    spawn(command, args, env = {}) {
      const child = spawn('ip', ['netns', 'exec', name, command, ...args], {
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      children.add(child);
      child.once('exit', () => children.delete(child));
      return child;
    },
    async addInterfaceAddress(cidr) {
      const device = `ah${randomBytes(3).toString('hex')}`;
      let kind: 'dummy' | 'veth' = 'dummy';
      try {
        await ip('link', 'add', device, 'type', 'dummy');
      } catch {
        kind = 'veth';
        await ip('link', 'add', device, 'type', 'veth', 'peer', 'name', `${device}p`);
        await ip('link', 'set', `${device}p`, 'up');
      }
      await ip('addr', 'add', cidr, 'dev', device);
      await ip('link', 'set', device, 'up');
      return kind;
    },
    async close() {
      for (const child of children) child.kill('SIGKILL');
      await run('ip', ['netns', 'del', name]).catch(() => undefined);
      rmSync(etc, { recursive: true, force: true });
    },
  };
}

/** Collects a child's stdout as JSON lines; `next(predicate)` waits for the first line that matches. */
export function jsonLines<T = Record<string, unknown>>(child: ChildProcess) {
  const lines: T[] = [];
  const waiters: Array<() => void> = [];
  let buffered = '';
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    let newline: number;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, newline).trim();
      buffered = buffered.slice(newline + 1);
      if (line.startsWith('{')) lines.push(JSON.parse(line) as T);
    }
    for (const wake of waiters.splice(0)) wake();
  });
  return {
    lines,
    stderr: () => stderr,
    async next(matches: (line: T) => boolean, timeoutMs = 60_000): Promise<T> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = lines.find(matches);
        if (found) return found;
        if (child.exitCode !== null) throw new Error(`the process exited (${child.exitCode}):\n${stderr}`);
        if (Date.now() > deadline) throw new Error(`no matching line within ${timeoutMs} ms:\n${stderr}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 200);
        });
      }
    },
  };
}
