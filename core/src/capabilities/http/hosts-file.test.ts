// /etc/hosts as the http capability reads it (names there never go to DNS).
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HostsFile, parseHosts } from './hosts-file.ts';

describe('hosts file', () => {
  it('reads addresses per name, IPv4 first, case-insensitively, skipping comments and junk', () => {
    const entries = parseHosts(
      '# comment\n::1 localhost ip6-localhost\n127.0.0.1   localhost Target.Test. # trailing\nnot-an-ip name\n\n',
    );
    expect(entries.get('localhost')).toEqual([
      { address: '127.0.0.1', family: 4 },
      { address: '::1', family: 6 },
    ]);
    expect(entries.get('target.test')).toEqual([{ address: '127.0.0.1', family: 4 }]);
    expect(entries.has('name')).toBe(false);
  });

  it('reads the file again when it changes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ah-hosts-'));
    try {
      const file = join(dir, 'hosts');
      writeFileSync(file, '10.0.0.1 svc.test\n');
      const hosts = new HostsFile(file);
      expect(hosts.lookup('SVC.test')).toEqual([{ address: '10.0.0.1', family: 4 }]);
      writeFileSync(file, '10.0.0.2 svc.test\n');
      utimesSync(file, new Date(), new Date(Date.now() + 5_000));
      const later = new HostsFile(file);
      expect(later.lookup('svc.test')).toEqual([{ address: '10.0.0.2', family: 4 }]);
      expect(later.lookup('other.test')).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
