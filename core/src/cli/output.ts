// How every actionhost command reports: results on stdout (JSON where scripts read them), progress and
// errors on stderr, exit 1 for a failed operation and 2 for a usage mistake.
import { isActionhostError } from '@actionhost/sdk';
import type { HostSettingTexts } from '../config/index.ts';

export class UsageError extends Error {}

export function progress(message: string): void {
  process.stderr.write(`${message}\n`);
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Prints an error the way users and scripts expect, and returns the exit code. */
export function reportError(error: unknown, json: boolean): number {
  if (error instanceof UsageError) {
    process.stderr.write(`usage error: ${error.message}\n`);
    return 2;
  }
  if (isActionhostError(error)) {
    if (json) printJson({ error: error.toJSON() });
    else process.stderr.write(`error ${error.code}: ${error.message}\n`);
    return 1;
  }
  const message = error instanceof Error ? error.message : String(error);
  if (json) printJson({ error: { code: 'AH_INTERNAL', message, details: {} } });
  else process.stderr.write(`error AH_INTERNAL: ${message}\n`);
  return 1;
}

/** The settings given as flags, by setting name (the settings table of core/src/config). */
export function settingFlags(flags: Record<string, string | boolean | undefined>): HostSettingTexts {
  const text = (name: string) => (typeof flags[name] === 'string' ? flags[name] : undefined);
  return {
    dataDir: text('data'),
    host: text('host'),
    port: text('port'),
    workers: text('workers'),
    allowPrivate: text('allow-private'),
    logLevel: text('log-level'),
  };
}
