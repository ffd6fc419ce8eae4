// vitest globalSetup for the AD tests: makes sure the test Samba AD DC runs (start-ad.sh, idempotent), then
// provides its connection facts as `inject('ad')`. Fails the run loudly when no DC can be had — an AD test
// must never pass by skipping. Stops samba at teardown only if this run started it and no other run uses it.
import { execFile } from 'node:child_process';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Client } from 'ldapts';
import type { TestProject } from 'vitest/node';
import type { AdFacts } from './facts.ts';

const scripts = import.meta.dirname;
const adDir = process.env.AD_DIR ?? '/tmp/actionhost-ad';
const leases = join(adDir, 'leases');

function run(script: string, timeoutMs: number): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      'bash',
      [join(scripts, script)],
      { timeout: timeoutMs, env: { ...process.env, AD_DIR: adDir }, maxBuffer: 4 << 20 },
      (error, stdout, stderr) => {
        if (error)
          reject(
            new Error(`${script} failed (${error.code ?? error.signal}):\n${stderr.split('\n').slice(-25).join('\n')}`),
          );
        else resolve({ stdout, stderr });
      },
    );
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function runningPid(): Promise<number | undefined> {
  const pid = Number((await readFile(join(adDir, 'samba.pid'), 'utf8').catch(() => '')).trim());
  return pid > 0 && alive(pid) ? pid : undefined;
}

async function readFacts(): Promise<AdFacts & { pid: number }> {
  const raw = JSON.parse(await readFile(join(adDir, 'ad.json'), 'utf8')) as Record<string, string | number>;
  const text = (key: string) => {
    if (typeof raw[key] !== 'string' || raw[key] === '') throw new Error(`${adDir}/ad.json has no ${key}`);
    return raw[key];
  };
  return {
    url: text('url'),
    startTlsUrl: text('startTlsUrl'),
    bindDn: text('bindDN'),
    bindUpn: text('bindUPN'),
    bindPassword: text('password'),
    baseDn: text('baseDN'),
    usersDn: text('usersDN'),
    domain: text('domain'),
    netbiosDomain: text('netbiosDomain'),
    caFile: text('caFile'),
    caCertificate: await readFile(text('caFile'), 'utf8'),
    pid: Number(raw.pid),
  };
}

/** A real LDAPS bind with certificate verification: "running" is not enough, it must answer. */
async function answers(facts: AdFacts): Promise<boolean> {
  const client = new Client({
    url: facts.url,
    tlsOptions: { ca: [facts.caCertificate] },
    timeout: 3_000,
    connectTimeout: 3_000,
  });
  try {
    await client.bind(facts.bindDn, facts.bindPassword);
    return true;
  } catch {
    return false;
  } finally {
    await client.unbind().catch(() => {});
  }
}

async function otherLeases(): Promise<number[]> {
  const names = await readdir(leases).catch(() => [] as string[]);
  const pids = names.map(Number).filter((pid) => pid > 0 && pid !== process.pid);
  const living: number[] = [];
  for (const pid of pids) {
    if (alive(pid)) living.push(pid);
    else await rm(join(leases, String(pid)), { force: true });
  }
  return living;
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let facts = await readFacts().catch(() => undefined);
  const before = await runningPid();
  let startedHere = false;
  if (!(facts && before && facts.pid === before && (await answers(facts)))) {
    // start-ad.sh installs/provisions/restores as needed (first run ~1 min) and waits for a real bind
    await run('start-ad.sh', 300_000);
    facts = await readFacts();
    startedHere = facts.pid !== before;
    if (!(await answers(facts)))
      throw new Error(`the test AD DC at ${facts.url} does not answer an LDAPS bind (see ${adDir}/log)`);
  }
  await mkdir(leases, { recursive: true });
  await writeFile(join(leases, String(process.pid)), '');
  const { pid: _pid, ...provided } = facts;
  project.provide('ad', provided);

  return async () => {
    await rm(join(leases, String(process.pid)), { force: true });
    if (startedHere && (await otherLeases()).length === 0) await run('stop-ad.sh', 60_000);
  };
}
