// The connections of one http capability instance: a keep-alive Agent (a pool per origin) that connects only to
// IP addresses the capability resolved and checked itself, and a small cache of ProxyAgents, one per proxy and
// address. No name ever reaches getaddrinfo here: a name arriving at the connector is refused.
import { isIP } from 'node:net';
import { Agent, ProxyAgent, buildConnector, type Dispatcher } from 'undici';
import type { EgressPolicy } from './egress.ts';
import { stripBrackets } from './egress.ts';
import { HttpErrors } from './errors.ts';

// A plugin can name any proxy URL: cap how many proxy pools stay open so it cannot pile up sockets.
const MAX_PROXIES = 16;

export class Transport {
  readonly #direct: Agent;
  readonly #proxies = new Map<string, ProxyAgent>();
  readonly #connect: buildConnector.connector;
  #closed = false;

  constructor(policy: EgressPolicy) {
    const connectTo = buildConnector({});
    // Defence in depth: the capability resolved and checked the address before dispatching to it; here a name
    // (which would go to the OS resolver on libuv's shared threads) or an always-denied address is refused.
    this.#connect = (options, callback) => {
      const host = stripBrackets(options.hostname);
      if (!isIP(host) || policy.alwaysDenied(host)) {
        callback(HttpErrors.egressDenied({ host, reason: 'reserved' }, { host, reason: 'reserved' }), null);
        return;
      }
      connectTo(options, callback);
    };
    this.#direct = new Agent({ connect: this.#connect });
  }

  direct(): Dispatcher {
    return this.#direct;
  }

  /** The ProxyAgent that connects to `proxy` at `address` (checked by the caller); TLS to an https proxy keeps its name. */
  viaProxy(proxy: URL, address: string): Dispatcher {
    const via = new URL(proxy.href);
    via.hostname = isIP(address) === 6 ? `[${address}]` : address;
    const key = `${via.href} ${proxy.hostname}`;
    let agent = this.#proxies.get(key);
    if (agent) {
      this.#proxies.delete(key); // re-insert: the Map's order is the eviction order (least recently used first)
      this.#proxies.set(key, agent);
      return agent;
    }
    agent = new ProxyAgent({
      uri: via.href,
      ...(proxy.protocol === 'https:' ? { proxyTls: { servername: proxy.hostname } } : {}),
    });
    this.#proxies.set(key, agent);
    if (this.#proxies.size > MAX_PROXIES) {
      const [oldestKey, oldest] = this.#proxies.entries().next().value!;
      this.#proxies.delete(oldestKey);
      void oldest.close().catch(() => undefined); // graceful: lets in-flight requests on it finish
    }
    return agent;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const agents: Dispatcher[] = [this.#direct, ...this.#proxies.values()];
    this.#proxies.clear();
    await Promise.allSettled(agents.map((agent) => agent.close()));
  }
}
