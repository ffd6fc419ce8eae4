// Starts the real host as users do — `actionhost start` in its own process — on a free loopback port, with a
// temporary data folder, and stops it. Captures everything it prints so tests can grep logs for secrets.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent, fetch as undiciFetch } from 'undici';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const ACTIONHOST_CLI = join(ROOT, 'core/src/cli/main.ts');
/** What `npm start` and the installed `actionhost` command run: the bundle prepare built while it is fresh. */
export const ACTIONHOST_BIN = join(ROOT, 'core/src/cli/actionhost.js');
export const REGISTRY_CLI = join(ROOT, 'registry/src/cli/main.ts');
export const PLUGINS_DIR = join(ROOT, 'plugins');

export interface HostProcess {
  url: string;
  token: string;
  dataDir: string;
  child: ChildProcess;
  /** Everything the host printed so far (stdout and stderr). */
  output(): string;
  api<T = unknown>(method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: T }>;
  stop(): Promise<void>;
}

// A restart on the same data folder must present the same ACTIONHOST_ADMIN_TOKEN: the host honours the variable
// only while the folder has no token, or when it already is one of its tokens (it never silently adds an admin).
const TOKEN_SALT = randomBytes(16).toString('hex');
function adminTokenFor(dataDir: string): string {
  return `test-admin-${createHash('sha256').update(`${TOKEN_SALT}:${dataDir}`).digest('hex').slice(0, 32)}`;
}

export function makeDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'actionhost-e2e-'));
}

/** Runs a CLI (registry or actionhost) to completion with the pinned Node. */
export function runCli(
  cli: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [cli, ...args],
      { env: { ...process.env, ...env }, timeout: 120_000, maxBuffer: 16 << 20 },
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

export interface HostProcessOptions {
  dataDir?: string;
  allowPrivate?: string;
  env?: NodeJS.ProcessEnv;
  seed?: boolean;
  /** The address to listen on (default 127.0.0.1). */
  listen?: string;
  /** The port (default 0: any free one); a fixed one lets a restarted host keep its URL. */
  port?: number;
  /** Serve HTTPS with this certificate and key; `api()` verifies it against `ca`. */
  tls?: { certFile: string; keyFile: string; ca: string };
  /** A command the host is started under, e.g. ['ip', 'netns', 'exec', '<name>'] (it must exec the host). */
  prefix?: string[];
  /** 'bin': start it as `npm start` does (ACTIONHOST_BIN: after npm ci, the host's and the workers' bundles);
   * default: the sources (main.ts). */
  launcher?: 'bin';
}

export async function startHostProcess(options: HostProcessOptions = {}): Promise<HostProcess> {
  const dataDir = options.dataDir ?? makeDataDir();
  const token = adminTokenFor(dataDir);
  const args = [
    options.launcher === 'bin' ? ACTIONHOST_BIN : ACTIONHOST_CLI,
    'start',
    '--data',
    dataDir,
    '--port',
    String(options.port ?? 0),
    '--workers',
    '1',
    '--log-level',
    'info',
  ];
  if (options.allowPrivate) args.push('--allow-private', options.allowPrivate);
  if (options.seed === false) args.push('--no-seed');
  if (options.listen) args.push('--host', options.listen);
  if (options.tls) args.push('--tls-cert', options.tls.certFile, '--tls-key', options.tls.keyFile);
  const [command, ...commandArgs] = [...(options.prefix ?? []), process.execPath, ...args];
  const child = spawn(command, commandArgs, {
    env: { ...process.env, ACTIONHOST_ADMIN_TOKEN: token, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the host did not start within 60 s:\n${output}`)), 60_000);
    const check = () => {
      const match = /listening on (https?:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the host exited with ${code}:\n${output}`));
    });
  });
  const dispatcher = options.tls ? new Agent({ connect: { ca: options.tls.ca } }) : undefined;
  const api = async <T>(method: string, path: string, body?: unknown, asToken = token) => {
    const response = await undiciFetch(`${url}${path}`, {
      ...(dispatcher ? { dispatcher } : {}),
      method,
      headers: {
        ...(asToken ? { authorization: `Bearer ${asToken}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
  };
  return {
    url,
    token,
    dataDir,
    child,
    api,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }
      await dispatcher?.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Polls `read` until `done` holds (or throws after timeoutMs): workflows run asynchronously after the API answers. */
export async function eventually<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(value).slice(0, 2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
