// The shared command-line plumbing, with a small program built for the test: exit codes, the one error style,
// did-you-mean, checked flag values, trailing arguments, and settings (precedence, errors, help, README table).
import { describe, expect, it } from 'vitest';
import { ActionhostError } from '../../contract/index.ts';
import {
  Command,
  choice,
  commaList,
  createProgram,
  defineSettings,
  onOff,
  passTrailingArguments,
  runProgram,
  text,
  UsageError,
  valueOption,
  wholeNumber,
  type CliIo,
} from './index.ts';

const SETTINGS = defineSettings({
  port: {
    env: 'DEMO_PORT',
    flag: '--port <port>',
    value: wholeNumber(0, 65_535),
    default: '8080',
    description: 'listen port',
  },
  hosts: { env: 'DEMO_HOSTS', flag: '--hosts <list>', value: commaList('a,b'), default: '', description: 'hosts' },
  seed: { env: 'DEMO_SEED', flag: '--no-seed', value: onOff(), default: 'true', description: 'seed the store' },
  token: { env: 'DEMO_TOKEN', value: text(16), secret: true, description: 'admin token' },
});

async function demo(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { stdout: (line) => out.push(line), stderr: (line) => err.push(line), env };
  const code = await runProgram(
    (context) => {
      const serve: Command = new Command('serve').option('--json', 'print JSON');
      for (const option of SETTINGS.options(['port', 'hosts', 'seed', 'token'])) serve.addOption(option);
      serve.action(
        context.action(() => {
          const settings = SETTINGS.load({ flags: SETTINGS.given(serve), env: context.io.env });
          context.io.stdout(JSON.stringify(settings));
        }),
      );
      const fail = new Command('fail')
        .option('--json', 'print JSON')
        .addOption(valueOption('--level <level>', 'level', choice(['low', 'high'])))
        .action(
          context.action(() => {
            throw new ActionhostError('AH_DEMO_FAILED', 'it failed', 400);
          }),
        );
      const usage = new Command('usage').action(
        context.action(() => {
          throw new UsageError('needs something else');
        }),
      );
      const pass = passTrailingArguments(
        new Command('pass').action(context.action(() => context.io.stdout(context.trailing.join(' ')))),
      );
      const exit = new Command('exit').action(context.action(() => 1));
      return createProgram({ name: 'demo', description: 'a demo', version: '9.8.7' })
        .addCommand(serve)
        .addCommand(fail)
        .addCommand(usage)
        .addCommand(pass)
        .addCommand(exit);
    },
    argv,
    io,
  );
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

describe('a program built with the shared plumbing', () => {
  it('prints --version and --help on stdout with exit 0, and help on stderr with exit 2 when no command is given', async () => {
    expect(await demo(['--version'])).toMatchObject({ code: 0, stdout: '9.8.7', stderr: '' });
    const help = await demo(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^ {2}serve\b/m);
    const none = await demo([]);
    expect(none).toMatchObject({ code: 2, stdout: '' });
    expect(none.stderr).toMatch(/^Usage: demo/);
  });

  it('reports a mistyped command or flag on one line with a suggestion, exit 2', async () => {
    const command = await demo(['serv']);
    expect(command.code).toBe(2);
    expect(command.stderr.split('\n')).toHaveLength(1);
    expect(command.stderr).toMatch(/\bserve\b/);
    const flag = await demo(['serve', '--prot', '1']);
    expect(flag.code).toBe(2);
    expect(flag.stderr.split('\n')).toHaveLength(1);
    expect(flag.stderr).toContain('--port');
  });

  it('checks every flag value as it parses, naming the flag, exit 2', async () => {
    for (const args of [
      ['serve', '--port', 'abc'],
      ['serve', '--port', '70000'],
      ['fail', '--level', 'medium'],
    ]) {
      const result = await demo(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toContain(args[1]);
      expect(result.stderr.split('\n')).toHaveLength(1);
    }
  });

  it('prints an ActionhostError as "error CODE: message" (and as JSON on stdout with --json), exit 1', async () => {
    const text = await demo(['fail']);
    expect(text).toMatchObject({ code: 1, stdout: '', stderr: 'error AH_DEMO_FAILED: it failed' });
    const json = await demo(['fail', '--json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ error: { code: 'AH_DEMO_FAILED' } });
  });

  it("prints a command's usage error with where to look, exit 2", async () => {
    const result = await demo(['usage']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("'demo usage --help'");
  });

  it('passes arguments after "--" only to a command that takes them', async () => {
    expect(await demo(['pass', '--', '--reporter', 'dot'])).toMatchObject({ code: 0, stdout: '--reporter dot' });
    expect((await demo(['serve', '--', 'x'])).code).toBe(2);
  });

  it('uses the exit code an action returns', async () => {
    expect((await demo(['exit'])).code).toBe(1);
  });
});

describe('settings', () => {
  it('take a flag over the environment over the default; an empty variable counts as unset', async () => {
    const defaults = await demo(['serve']);
    expect(JSON.parse(defaults.stdout)).toEqual({ port: 8080, hosts: [], seed: true });
    const fromEnv = await demo(['serve'], { DEMO_PORT: '81', DEMO_HOSTS: 'a, b', DEMO_SEED: 'false', DEMO_TOKEN: '' });
    expect(JSON.parse(fromEnv.stdout)).toEqual({ port: 81, hosts: ['a', 'b'], seed: false });
    const fromFlags = await demo(['serve', '--port', '82', '--no-seed'], { DEMO_PORT: '81', DEMO_SEED: 'true' });
    expect(JSON.parse(fromFlags.stdout)).toMatchObject({ port: 82, seed: false });
  });

  it('refuse a bad environment value with AH_CONFIG_INVALID naming the setting, its source and the fix', () => {
    let error: unknown;
    try {
      SETTINGS.load({ env: { DEMO_PORT: 'eighty', DEMO_TOKEN: 'short-secret' } });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ActionhostError);
    const { code, details, message } = error as ActionhostError;
    expect(code).toBe('AH_CONFIG_INVALID');
    expect(details.path).toBe('/port');
    expect(details.problems).toEqual([
      expect.objectContaining({ setting: 'port', source: 'DEMO_PORT', fix: expect.stringContaining('DEMO_PORT') }),
      expect.objectContaining({ setting: 'token', source: 'DEMO_TOKEN' }),
    ]);
    expect(message).not.toContain('short-secret');
  });

  it('parse to the defaults with the schema alone', () => {
    expect(SETTINGS.schema.parse({})).toEqual({ port: 8080, hosts: [], seed: true });
  });

  it('describe themselves for --help and for a README table', () => {
    expect(SETTINGS.environmentHelp(['port', 'token'])).toContain('DEMO_TOKEN');
    expect(SETTINGS.environmentHelp(['port'])).toBe('');
    const table = SETTINGS.markdown().split('\n');
    expect(table[0]).toBe('| setting | flag | env | default | description |');
    expect(table).toContain(
      '| `port` | `--port <port>` | `DEMO_PORT` | `8080` | listen port (a whole number from 0 to 65535) |',
    );
    expect(table).toHaveLength(2 + 4);
  });
});
