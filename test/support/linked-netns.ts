// A network namespace a test creates (root needed), joined to the root namespace by a veth pair on a random
// 10.231.x.y/30 (./netns.ts makes closed-off ones): a process started under `prefix` has its own loopback, so it cannot
// reach what listens on the root namespace's 127.0.0.1 (the Samba DC), while the root namespace reaches it at `innerAddress`.
import { execFileSync, execFile } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';

export interface TestNetns {
  name: string;
  /** The namespace's end of the veth pair: where a server inside listens, as the root namespace reaches it. */
  innerAddress: string;
  /** The root namespace's end of the veth pair. */
  outerAddress: string;
  /** Runs a command inside: ['ip', 'netns', 'exec', name] (it execs the command, so signals reach it). */
  prefix: string[];
  /** Tries TCP connections from inside; the error code of each ('connected' when it got through). */
  connectFromInside(targets: { host: string; port: number }[]): Promise<string[]>;
  close(): void;
}

function ip(args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

export function createLinkedNetns(): TestNetns {
  const id = randomBytes(4).toString('hex');
  const name = `ahtest-${id}`;
  const [outer, inner] = [`ahr${id}`, `ahn${id}`];
  const subnet = `10.231.${randomInt(256)}`;
  const base = randomInt(64) * 4;
  const outerAddress = `${subnet}.${base + 1}`;
  const innerAddress = `${subnet}.${base + 2}`;
  const close = () => {
    // deleting the namespace deletes its end of the pair, and with it the other end
    try {
      ip(['link', 'del', outer]);
    } catch {
      /* gone with the namespace */
    }
    try {
      ip(['netns', 'del', name]);
    } catch {
      /* never made */
    }
  };
  try {
    ip(['netns', 'add', name]);
    ip(['link', 'add', outer, 'type', 'veth', 'peer', 'name', inner]);
    ip(['link', 'set', inner, 'netns', name]);
    ip(['addr', 'add', `${outerAddress}/30`, 'dev', outer]);
    ip(['link', 'set', outer, 'up']);
    ip(['netns', 'exec', name, 'ip', 'addr', 'add', `${innerAddress}/30`, 'dev', inner]);
    ip(['netns', 'exec', name, 'ip', 'link', 'set', inner, 'up']);
    ip(['netns', 'exec', name, 'ip', 'link', 'set', 'lo', 'up']);
  } catch (error) {
    close();
    throw error;
  }
  const prefix = ['ip', 'netns', 'exec', name];
  return {
    name,
    innerAddress,
    outerAddress,
    prefix,
    connectFromInside: (targets) =>
      new Promise((resolve, reject) => {
        const script = `
          const net = require('node:net');
          const targets = ${JSON.stringify(targets)};
          Promise.all(targets.map(({ host, port }) => new Promise((done) => {
            const socket = net.connect({ host, port, timeout: 3000 });
            socket.once('connect', () => { socket.destroy(); done('connected'); });
            socket.once('timeout', () => { socket.destroy(); done('ETIMEDOUT'); });
            socket.once('error', (error) => done(error.code ?? 'error'));
          }))).then((codes) => process.stdout.write(JSON.stringify(codes)));`;
        execFile(prefix[0], [...prefix.slice(1), process.execPath, '-e', script], (error, stdout) => {
          if (error) reject(new Error(`could not run inside ${name}`, { cause: error }));
          else resolve(JSON.parse(stdout) as string[]);
        });
      }),
    close,
  };
}
