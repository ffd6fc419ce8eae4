// Test builders: copy a fixture plugin into a fresh temp folder so builds never write into the repository.
// Outside the workspace, zod and @actionhost/sdk resolve through the SDK's own fallback.
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import vm from 'node:vm';

export const fixturesDir = join(import.meta.dirname, 'fixtures');

export interface TempPlugin {
  dir: string;
  [Symbol.asyncDispose](): Promise<void>;
}

/** A copy of sdk/test/fixtures/<name> in its own temp folder, removed on dispose. */
export async function copyFixture(name: string, folderName = name): Promise<TempPlugin> {
  const root = await mkdtemp(join(tmpdir(), 'actionhost-sdk-test-'));
  const dir = join(root, folderName);
  await cp(join(fixturesDir, name), dir, { recursive: true });
  return { dir, [Symbol.asyncDispose]: () => rm(root, { recursive: true, force: true }) };
}

export async function tempDir(): Promise<{ dir: string; [Symbol.asyncDispose](): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'actionhost-sdk-test-'));
  return { dir, [Symbol.asyncDispose]: () => rm(dir, { recursive: true, force: true }) };
}

interface GuestPlugin {
  run(input: unknown, ctx: unknown): unknown;
  testConnection?(input: unknown, ctx: unknown): unknown;
}

/** Evaluates a guest script in a bare V8 context (ECMAScript globals only), as the sandbox does. */
export function evaluateGuest(code: string): { plugin: GuestPlugin; context: vm.Context } {
  const context = vm.createContext({});
  vm.runInContext(code, context, { filename: 'dist/plugin.js' });
  return { plugin: (context as { plugin: GuestPlugin }).plugin, context };
}

/** A ctx that records log lines, standing in for the sandbox prelude's. */
export function recordingContext(): { ctx: unknown; logs: { level: string; message: string; data?: unknown }[] } {
  const logs: { level: string; message: string; data?: unknown }[] = [];
  const log = Object.fromEntries(
    ['debug', 'info', 'warn', 'error'].map((level) => [
      level,
      (message: string, data?: unknown) => {
        logs.push({ level, message, data });
      },
    ]),
  );
  return { ctx: { log, invocation: { id: 'inv-1', idempotencyKey: 'key-1', plugin: 'test@1.0.0' } }, logs };
}
