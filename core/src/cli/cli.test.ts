// The `actionhost` command line, run in-process through runCli (stdout and stderr captured).
import type { Setting } from '@actionhost/sdk/cli';
import { describe, expect, it } from 'vitest';
import { HOST_SETTINGS } from '../config/index.ts';
import { runCli } from './program.ts';

async function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { stdout: (line) => out.push(line), stderr: (line) => err.push(line), env });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

describe('actionhost command line', () => {
  it('lists every setting in the help of start: its flag, or its variable when it has none', async () => {
    const help = await cli(['start', '--help']);
    expect(help.code).toBe(0);
    for (const setting of Object.values<Setting>(HOST_SETTINGS.settings)) {
      expect(help.stdout).toContain(setting.flag?.split(' ')[0] ?? setting.env);
      expect(help.stdout).toContain(setting.env);
    }
  });
});
