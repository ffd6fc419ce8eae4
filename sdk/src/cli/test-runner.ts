// `actionhost-sdk test`: runs a plugin's tests with vitest in a child process (the tests themselves start the
// real sandbox through @actionhost/core/testing), and hands back vitest's exit code.
import { spawn } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { CliErrors } from './errors.ts';

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

/** node_modules/.bin/vitest nearest to `from`, walking up. */
async function findUp(from: string, relativePath: string): Promise<string | undefined> {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    const candidate = join(dir, relativePath);
    if (await exists(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/** The plugin's own vitest, else the one the SDK was installed with. */
export async function findVitest(pluginDir: string): Promise<string> {
  const bin = join('node_modules', '.bin', 'vitest');
  const found = (await findUp(pluginDir, bin)) ?? (await findUp(import.meta.dirname, bin));
  if (!found) throw CliErrors.vitestMissing(pluginDir);
  return found;
}

const configFiles = [
  'vitest.config.ts',
  'vitest.config.mts',
  'vitest.config.js',
  'vitest.config.mjs',
  'vite.config.ts',
  'vite.config.js',
];

export interface TestRunOptions {
  /** Extra arguments passed to vitest (e.g. a test name filter). */
  extraArgs?: string[];
  signal?: AbortSignal;
  /** Inherit stdio (default) or pipe it into these callbacks. */
  onOutput?: (stream: 'stdout' | 'stderr', text: string) => void;
}

// A vitest started from inside another vitest run must not think it is one of its workers.
function childEnvironment(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('VITEST') && key !== 'TINYPOOL_WORKER_ID'),
  );
}

export async function runPluginTests(dir: string, options: TestRunOptions = {}): Promise<number> {
  const root = resolve(dir);
  // Tests live next to the code (src/**/*.test.ts); an older plugin may keep them in test/.
  const testDir = (await exists(join(root, 'test'))) ? join(root, 'test') : join(root, 'src');
  if (!(await exists(testDir))) throw CliErrors.testsMissing(testDir);
  const vitest = await findVitest(root);
  const hasConfig = (await Promise.all(configFiles.map((f) => exists(join(root, f))))).some(Boolean);
  // Sandbox tests start worker processes; vitest's 5 s default is too tight on a busy machine.
  const timeouts = hasConfig ? [] : ['--testTimeout=30000', '--hookTimeout=60000'];
  const args = [vitest, 'run', '--root', root, ...timeouts, ...(options.extraArgs ?? []), testDir];
  const child = spawn(process.execPath, args, {
    cwd: root,
    stdio: options.onOutput ? ['ignore', 'pipe', 'pipe'] : 'inherit',
    signal: options.signal,
    env: childEnvironment(),
  });
  child.stdout?.on('data', (chunk: Buffer) => options.onOutput?.('stdout', chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => options.onOutput?.('stderr', chunk.toString('utf8')));
  return new Promise<number>((resolvePromise, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolvePromise(code ?? (signal ? 1 : 0)));
  });
}
