// The processes `npm run bench:e2e` measures (a host, the reference server): started until they say where they
// listen, stopped with SIGTERM (SIGKILL after 20 s).
import { spawn, type ChildProcess } from 'node:child_process';

/** Runs `node <args>` in `cwd` and resolves once it prints "listening on <url>"; rejects with its stderr if it exits. */
export async function spawnListening(
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = {},
): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    output = (output + chunk).slice(-8000);
  });
  const url = await new Promise<string>((resolve, reject) => {
    let seen = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      seen += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(seen);
      if (match) resolve(match[1]);
      if (seen.length > 100_000) seen = seen.slice(-1000);
    });
    child.once('exit', (code) =>
      reject(new Error(`${args.find((arg) => !arg.startsWith('-'))} exited with ${code}:\n${output}`)),
    );
  });
  child.stdout.resume();
  return { child, url };
}

export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(timer);
}
