// Shared esbuild plumbing for both build steps: an abortable one-shot build and esbuild messages turned
// into AH_BUILD_FAILED details.
import type * as esbuild from 'esbuild';
import { BuildErrors, type BundlerMessage } from './errors.ts';

let loaded: Promise<typeof esbuild> | undefined;

// Loaded on first build, not when @actionhost/sdk is imported: the host imports the SDK for its contract only.
export function loadEsbuild(): Promise<typeof esbuild> {
  return (loaded ??= import('esbuild'));
}

/**
 * Stops esbuild's service process, if a build started one (it stays resident otherwise, ~25 MB, for the life of the
 * process); a later build starts it again. A long-running process that built something once calls this after.
 */
export async function stopBundler(): Promise<void> {
  if (loaded) await (await loaded).stop();
}

export function toBundlerMessages(messages: readonly esbuild.Message[]): BundlerMessage[] {
  return messages.map((m) => ({
    text: m.text,
    ...(m.location
      ? {
          file: m.location.file,
          line: m.location.line,
          column: m.location.column,
          lineText: m.location.lineText,
        }
      : {}),
  }));
}

function describe(messages: readonly BundlerMessage[]): string {
  return messages
    .slice(0, 5)
    .map((m) => (m.file ? `${m.file}${m.line === undefined ? '' : `:${m.line}:${m.column}`}: ` : '') + m.text)
    .join('; ');
}

/** Runs one esbuild build (write: false); an abort cancels it. esbuild's own errors become AH_BUILD_FAILED. */
export async function bundle(
  dir: string,
  what: string,
  options: esbuild.BuildOptions & { metafile: true; write: false },
  signal?: AbortSignal,
): Promise<esbuild.BuildResult<typeof options>> {
  signal?.throwIfAborted();
  const { context: createContext } = await loadEsbuild();
  const context = await createContext({ ...options, logLevel: 'silent' });
  const cancel = () => {
    void context.cancel();
  };
  signal?.addEventListener('abort', cancel, { once: true });
  try {
    const result = await context.rebuild();
    signal?.throwIfAborted();
    return result;
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    const failure = error as { errors?: esbuild.Message[]; message?: string };
    const messages = failure.errors ? toBundlerMessages(failure.errors) : [{ text: String(failure.message ?? error) }];
    throw BuildErrors.buildFailed(dir, what, describe(messages), messages);
  } finally {
    signal?.removeEventListener('abort', cancel);
    await context.dispose();
  }
}

export { describe as describeMessages };
