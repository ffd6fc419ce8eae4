// The names in /etc/hosts, read by the http capability itself: getaddrinfo (dns.lookup) would run on libuv's four
// shared threads, where one plugin's unanswered lookups could stall every other network call of the host. The
// file is small; it is read again when its modification time changes (checked at most once a second).
import { readFileSync, statSync } from 'node:fs';
import { isIP } from 'node:net';

export interface HostsEntry {
  address: string;
  family: 4 | 6;
}

const RECHECK_MS = 1_000;

export class HostsFile {
  readonly #path: string;
  #entries = new Map<string, HostsEntry[]>();
  #mtimeMs = -1;
  #checkedAt = 0;

  constructor(path = '/etc/hosts') {
    this.#path = path;
  }

  /** The addresses /etc/hosts gives `name` (IPv4 first), or undefined when it does not list it. */
  lookup(name: string): HostsEntry[] | undefined {
    this.#refresh();
    return this.#entries.get(normalize(name));
  }

  #refresh(): void {
    const now = Date.now();
    if (now - this.#checkedAt < RECHECK_MS) return;
    this.#checkedAt = now;
    let mtimeMs: number;
    try {
      mtimeMs = statSync(this.#path).mtimeMs;
    } catch {
      this.#entries = new Map();
      this.#mtimeMs = -1;
      return;
    }
    if (mtimeMs === this.#mtimeMs) return;
    this.#mtimeMs = mtimeMs;
    this.#entries = parseHosts(readFileSync(this.#path, 'utf8'));
  }
}

export function parseHosts(text: string): Map<string, HostsEntry[]> {
  const entries = new Map<string, HostsEntry[]>();
  for (const line of text.split('\n')) {
    const [address, ...names] = line.replace(/#.*/, '').trim().split(/\s+/);
    const family = isIP(address ?? '');
    if (family !== 4 && family !== 6) continue;
    for (const name of names) {
      const key = normalize(name);
      const list = entries.get(key) ?? [];
      if (!list.some((entry) => entry.address === address)) list.push({ address, family });
      entries.set(key, list);
    }
  }
  for (const list of entries.values()) list.sort((a, b) => a.family - b.family);
  return entries;
}

function normalize(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}
