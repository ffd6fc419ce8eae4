// Name resolution for plugin requests, bounded per invocation: /etc/hosts first (read here), then DNS through
// c-ares (dns.promises.Resolver), which talks to the servers itself instead of blocking one of libuv's four shared
// threads per lookup. Each invocation gets its own resolver: at most a few lookups of it run at once, the rest
// wait; when the invocation ends, whatever it still has outstanding is cancelled. So a plugin that fires a hundred
// lookups at a DNS server that never answers delays only itself.
import { Resolver } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { InvocationScope } from '../capability.ts';
import { HostsFile, type HostsEntry } from './hosts-file.ts';
import { stripBrackets } from './egress.ts';

export interface ResolverOptions {
  /** DNS servers ('192.0.2.53', '192.0.2.53:5353', '[2001:db8::53]:53'); default: those of /etc/resolv.conf. */
  servers?: readonly string[];
  /** Lookups of one invocation in flight at once; default 4. */
  concurrency?: number;
  /** Per-try timeout (ms) and tries of one DNS query; defaults 2000 and 2. */
  timeoutMs?: number;
  tries?: number;
  /** Where the hosts file is; default /etc/hosts. */
  hostsFile?: string;
}

export type ResolvedAddress = HostsEntry;

export class NameResolver {
  readonly #options: Required<Omit<ResolverOptions, 'servers' | 'hostsFile'>> & { servers?: readonly string[] };
  readonly #hosts: HostsFile;
  readonly #invocations = new Map<string, InvocationLookups>();

  constructor(options: ResolverOptions = {}) {
    this.#options = {
      concurrency: options.concurrency ?? 4,
      timeoutMs: options.timeoutMs ?? 2_000,
      tries: options.tries ?? 2,
      ...(options.servers && options.servers.length > 0 ? { servers: options.servers } : {}),
    };
    this.#hosts = new HostsFile(options.hostsFile);
  }

  /** Every address of `host` (an IP literal is itself): /etc/hosts, else DNS within the invocation's bounds. */
  async resolve(host: string, scope: InvocationScope, signal: AbortSignal): Promise<ResolvedAddress[]> {
    const bare = stripBrackets(host);
    const family = isIP(bare);
    if (family === 4 || family === 6) return [{ address: bare, family }];
    const listed = this.#hosts.lookup(bare);
    if (listed) return listed;
    return this.#lookups(scope).resolve(bare, signal);
  }

  /** Cancels every lookup still outstanding. */
  close(): void {
    for (const lookups of this.#invocations.values()) lookups.cancel();
    this.#invocations.clear();
  }

  #lookups(scope: InvocationScope): InvocationLookups {
    let lookups = this.#invocations.get(scope.invocationId);
    if (lookups) return lookups;
    lookups = new InvocationLookups(this.#options);
    this.#invocations.set(scope.invocationId, lookups);
    const end = () => {
      lookups.cancel();
      this.#invocations.delete(scope.invocationId);
    };
    if (scope.signal.aborted) queueMicrotask(end);
    else scope.signal.addEventListener('abort', end, { once: true });
    return lookups;
  }
}

/** One invocation's lookups: its own c-ares channel, a small concurrency bound, answers kept for the invocation. */
class InvocationLookups {
  readonly #resolver: Resolver;
  readonly #concurrency: number;
  readonly #answers = new Map<string, Promise<ResolvedAddress[]>>();
  readonly #waiting: Array<() => void> = [];
  #running = 0;
  #cancelled = false;

  constructor(options: { concurrency: number; timeoutMs: number; tries: number; servers?: readonly string[] }) {
    this.#resolver = new Resolver({ timeout: options.timeoutMs, tries: options.tries });
    if (options.servers) this.#resolver.setServers([...options.servers]);
    this.#concurrency = options.concurrency;
  }

  resolve(name: string, signal: AbortSignal): Promise<ResolvedAddress[]> {
    let answer = this.#answers.get(name);
    if (!answer) {
      answer = this.#query(name);
      this.#answers.set(name, answer);
      answer.catch(() => this.#answers.delete(name)); // a failure is not kept: the next request asks again
    }
    return abortable(answer, signal);
  }

  cancel(): void {
    this.#cancelled = true;
    this.#resolver.cancel();
    for (const wake of this.#waiting.splice(0)) wake();
  }

  async #query(name: string): Promise<ResolvedAddress[]> {
    await this.#slot();
    try {
      if (this.#cancelled) throw cancelled(name);
      const [v4, v6] = await Promise.allSettled([this.#resolver.resolve4(name), this.#resolver.resolve6(name)]);
      const addresses: ResolvedAddress[] = [
        ...(v4.status === 'fulfilled' ? v4.value.map((address) => ({ address, family: 4 as const })) : []),
        ...(v6.status === 'fulfilled' ? v6.value.map((address) => ({ address, family: 6 as const })) : []),
      ];
      if (addresses.length > 0) return addresses;
      throw v4.status === 'rejected' ? (v4.reason as Error) : notFound(name);
    } finally {
      this.#running -= 1;
      this.#waiting.shift()?.();
    }
  }

  #slot(): Promise<void> {
    if (this.#running < this.#concurrency) {
      this.#running += 1;
      return Promise.resolve();
    }
    return new Promise((resolve) =>
      this.#waiting.push(() => {
        this.#running += 1;
        resolve();
      }),
    );
  }
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: Error) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

function notFound(name: string): Error {
  return Object.assign(new Error(`no address for ${name}`), { code: 'ENOTFOUND', hostname: name });
}

function cancelled(name: string): Error {
  return Object.assign(new Error(`the lookup of ${name} was cancelled`), { code: 'ECANCELLED', hostname: name });
}
