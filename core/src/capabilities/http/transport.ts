// The connections of one http capability instance: a keep-alive Agent (a pool per origin) whose sockets
// resolve names through the egress policy, and a small cache of ProxyAgents, one per proxy URL.
import { isIP } from 'node:net';
import { Agent, ProxyAgent, buildConnector, type Dispatcher } from 'undici';
import type { EgressPolicy } from './egress.ts';
import { stripBrackets } from './egress.ts';

// A plugin can name any proxy URL: cap how many proxy pools stay open so it cannot pile up sockets.
const MAX_PROXIES = 16;

export class Transport {
  readonly #policy: EgressPolicy;
  readonly #direct: Agent;
  readonly #proxies = new Map<string, ProxyAgent>();
  #closed = false;

  constructor(policy: EgressPolicy) {
    this.#policy = policy;
    const connectThroughPolicy = buildConnector({ lookup: policy.lookup });
    // Names are filtered inside `lookup`; IP literals never reach a lookup, so they are checked here.
    const connect: buildConnector.connector = (options, callback) => {
      const host = stripBrackets(options.hostname);
      if (isIP(host)) {
        try {
          policy.assertLiteral(host);
        } catch (error) {
          callback(error as Error, null);
          return;
        }
      }
      connectThroughPolicy(options, callback);
    };
    this.#direct = new Agent({ connect });
  }

  direct(): Dispatcher {
    return this.#direct;
  }

  /** The ProxyAgent for `proxy`; its own address passes the egress policy (literal now, names at lookup). */
  viaProxy(proxy: URL): Dispatcher {
    this.#policy.assertLiteral(proxy.hostname);
    const key = proxy.href;
    let agent = this.#proxies.get(key);
    if (agent) {
      this.#proxies.delete(key); // re-insert: the Map's order is the eviction order (least recently used first)
      this.#proxies.set(key, agent);
      return agent;
    }
    agent = new ProxyAgent({ uri: key, proxyTls: { lookup: this.#policy.lookup } });
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
