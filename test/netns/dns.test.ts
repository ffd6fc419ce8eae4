// Name resolution under a DNS server that never answers, without touching the machine's DNS: everything runs in a
// network namespace this test creates, with a DNS stub named in its /etc/netns/<ns>/resolv.conf and the test's
// names in its /etc/netns/<ns>/hosts. One plugin's unanswered lookups are bounded, cancelled when its invocation
// ends, and never stall another plugin's requests (issue 9 item 8).
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import type { DnsQuery } from '../support/dns-stub.ts';
import { createNetns, jsonLines, type Netns } from '../support/netns.ts';

const HERE = import.meta.dirname;
type Line = { event: string; [key: string]: unknown };
type Stub = { child: ChildProcess; queries: () => DnsQuery[] };

let ns: Netns;
let system: Stub; // the server /etc/resolv.conf names: answers api.stub.test, never answers *.blackhole.test
let configured: Stub; // the server the resolverServers setting names

async function startStub(host: string, port: number): Promise<Stub> {
  const options = { host, port, answers: { 'api.stub.test': '127.0.0.1' }, blackholes: ['.blackhole.test'] };
  const child = ns.spawn(process.execPath, [join(HERE, 'dns-stub.main.ts'), JSON.stringify(options)]);
  const lines = jsonLines<Line>(child);
  await lines.next((line) => line.event === 'listening');
  return {
    child,
    queries: () => lines.lines.filter((line) => line.event === 'query') as unknown as DnsQuery[],
  };
}

async function runScenario(options: { servers?: string[] } = {}) {
  const child = ns.spawn(process.execPath, [join(HERE, 'dns-starvation.scenario.ts')], {
    SCENARIO: JSON.stringify(options),
  });
  const lines = jsonLines<Line>(child);
  const done = await lines.next((line) => line.event === 'done', 120_000);
  const of = (event: string) => lines.lines.find((line) => line.event === event)!;
  return { a: of('a'), b: of('b'), c: of('c'), done };
}

beforeAll(async () => {
  ns = await createNetns({
    hosts: '127.0.0.1 localhost\n127.0.0.1 target.test\n',
    // A patient system resolver: getaddrinfo would hold one of libuv's four threads ~10 s per unanswered name.
    resolvConf: 'nameserver 127.0.0.53\noptions timeout:5 attempts:2\n',
  });
  system = await startStub('127.0.0.53', 53);
  configured = await startStub('127.0.0.1', 5353);
}, 60_000);

afterAll(async () => {
  await ns?.close();
});

describe('DNS for plugin requests, in a network namespace', () => {
  it("keeps one plugin's unanswered lookups from stalling the next plugin, and cancels them when it ends", async () => {
    const { a, b, c, done } = await runScenario();
    expect(a.path).toBe('success');
    // A name of /etc/hosts and a name the DNS stub answers are both reached right after the flood.
    expect(b).toMatchObject({ path: 'success', output: { status: 200 } });
    expect(c).toMatchObject({ path: 'success', output: { status: 200 } });
    const queries = system.queries();
    expect(queries.some((query) => query.name === 'target.test')).toBe(false); // /etc/hosts, no DNS
    expect(queries.some((query) => query.name === 'api.stub.test')).toBe(true);
    const flood = queries.filter((query) => query.name.endsWith('.blackhole.test'));
    // Bounded: a few names of the hundred were asked while the invocation ran (about a second), not all of them.
    expect(new Set(flood.map((query) => query.name)).size).toBeGreaterThan(0);
    expect(new Set(flood.map((query) => query.name)).size).toBeLessThanOrEqual(4);
    // Cancelled with the invocation: no query (nor a retry of one) went out after it ended.
    const endedAt = Number(a.endedAt);
    expect(flood.filter((query) => query.at > endedAt + 500)).toEqual([]);
    expect(Number(done.at)).toBeGreaterThan(endedAt + 3_000);
  }, 150_000);

  it('asks the servers the resolverServers setting names instead of those of /etc/resolv.conf', async () => {
    const before = system.queries().length;
    const { c } = await runScenario({ servers: ['127.0.0.1:5353'] });
    expect(c).toMatchObject({ path: 'success', output: { status: 200 } });
    expect(configured.queries().some((query) => query.name === 'api.stub.test')).toBe(true);
    expect(system.queries().slice(before)).toEqual([]);
  }, 150_000);
});
