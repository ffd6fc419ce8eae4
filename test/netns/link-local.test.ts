// A link-local address that is not the metadata one (169.254.10.1) is put on an interface of its own inside a
// network namespace this test creates, with a listener that records every connection. A sandboxed plugin reaches
// for it by IP, mapped IPv6, a name in the namespace's /etc/hosts, a redirect and an approved proxy: each attempt
// fails with AH_EGRESS_DENIED and the listener sees no connection until the test connects itself (issue 9 item 17).
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNetns, jsonLines, type Netns } from '../support/netns.ts';

let ns: Netns;

beforeAll(async () => {
  ns = await createNetns({ hosts: '127.0.0.1 localhost\n169.254.10.1 linklocal.test\n' });
  await ns.addInterfaceAddress('169.254.10.1/16');
}, 60_000);

afterAll(async () => {
  await ns?.close();
});

describe('a link-local address that is not cloud metadata', () => {
  it('is never reached by a sandboxed plugin, whatever the operator allows', async () => {
    const child = ns.spawn(process.execPath, [join(import.meta.dirname, 'link-local.scenario.ts')]);
    const lines = jsonLines<{ event: string; name?: string; path?: string; output?: unknown; connections?: string[] }>(
      child,
    );
    const done = await lines.next((line) => line.event === 'done', 120_000);
    const attempts = lines.lines.filter((line) => line.event === 'attempt');
    expect(attempts.map((line) => line.name)).toEqual([
      'literal',
      'mapped IPv6',
      'name in /etc/hosts',
      'redirect',
      'approved proxy',
    ]);
    for (const attempt of attempts) {
      expect(attempt, attempt.name).toMatchObject({ path: 'failure', output: { code: 'AH_EGRESS_DENIED' } });
    }
    expect(lines.lines.find((line) => line.event === 'before-control')?.connections).toEqual([]);
    // The listener does answer: the scenario's own connection, made last, is the only one it saw.
    expect(done.connections).toHaveLength(1);
  }, 150_000);
});
