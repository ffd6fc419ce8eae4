// One ldapts client per Application, bound with the Application's credential. It (re)connects lazily: a
// connection the server dropped is noticed before the next operation and replaced, and a read that fails
// because the connection died mid-flight is retried once on a fresh one. Writes are never replayed.
import { isIP } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { Client } from 'ldapts';
import type { InvocationScope } from '../capability.ts';
import type { ConnectionSettings } from './application.ts';
import { isConnectionFailure, LdapErrors, toLdapError, type FailureContext } from './errors.ts';

type Operation = FailureContext['operation'];
export type Log = InvocationScope['log'];

/** Settles with `work`, or rejects when `ms` pass or `signal` aborts — ldapts's StartTLS handshake has no timeout. */
async function bounded<T>(work: Promise<T>, ms: number, signal: AbortSignal | undefined, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort: (() => void) | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          Object.assign(new Error(`Connection timeout: no answer to ${what} within ${ms} ms`), { code: 'ETIMEDOUT' }),
        ),
      ms,
    );
    onAbort = () =>
      reject(
        LdapErrors.unreachable({ reason: `the invocation ended before it answered (${what})` }, { reason: 'aborted' }),
      );
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([work, limit]);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
    work.catch(() => {}); // a late failure of abandoned work must not become an unhandled rejection
  }
}

/** Unbinds (best effort, briefly): used on close and to throw away a client whose connection failed. */
async function discard(client: Client): Promise<void> {
  await bounded(client.unbind(), 1_000, undefined, 'unbind').catch(() => {});
}

export class DirectoryConnection {
  readonly settings: ConnectionSettings;
  readonly fingerprint: string;
  #client: Client | undefined;
  #connecting: Promise<Client> | undefined;
  #closed = false;

  constructor(settings: ConnectionSettings, fingerprint: string) {
    this.settings = settings;
    this.fingerprint = fingerprint;
  }

  /** Whether the connection is encrypted (ldaps:// or StartTLS): passwords travel only over such. */
  get encrypted(): boolean {
    return this.settings.transport !== 'plain';
  }

  /**
   * Runs `work` on a bound client. `retry` (reads only) replays it once on a fresh connection when the old
   * connection turns out to be dead. Failures come back as ActionhostErrors with stable codes.
   */
  async run<T>(
    context: Omit<FailureContext, 'applicationId'>,
    work: (client: Client) => Promise<T>,
    options: { signal?: AbortSignal; retry: boolean; log: Log },
  ): Promise<T> {
    const failure = { ...context, applicationId: this.settings.application.id };
    for (let attempt = 0; ; attempt++) {
      const reused = this.#client?.isBound === true;
      let client: Client;
      try {
        client = await this.#bound(options.signal, options.log);
      } catch (error) {
        throw toLdapError(error, { ...failure, operation: 'bind' }); // the connect backstop throws a plain timeout
      }
      try {
        return await bounded(work(client), this.settings.timeoutMs + 1_000, options.signal, context.operation);
      } catch (error) {
        if (isConnectionFailure(error)) this.#drop(client);
        if (options.retry && attempt === 0 && reused && isConnectionFailure(error) && !options.signal?.aborted) {
          options.log(
            'info',
            `ldap: the connection to application ${this.settings.application.id} dropped; reconnecting`,
          );
          continue;
        }
        throw toLdapError(error, failure);
      }
    }
  }

  /** Unbinds the current client. A connect still in flight is not awaited: it discards its client when it ends. */
  async close(): Promise<void> {
    this.#closed = true;
    const client = this.#client;
    this.#client = undefined;
    if (client) await discard(client);
  }

  #drop(client: Client): void {
    if (this.#client === client) this.#client = undefined;
    void discard(client);
  }

  /** The bound client; connects (single flight) when there is none or its connection is gone. */
  async #bound(signal: AbortSignal | undefined, log: Log): Promise<Client> {
    if (this.#closed)
      throw LdapErrors.unreachable(
        { reason: 'the ldap capability is closed' },
        { application: this.settings.application.id },
      );
    const current = this.#client;
    if (current?.isBound) return current;
    if (current) this.#drop(current);
    this.#connecting ??= this.#connect(log).finally(() => {
      this.#connecting = undefined;
    });
    return await bounded(this.#connecting, this.settings.timeoutMs * 2 + 1_000, signal, 'connect');
  }

  async #connect(log: Log): Promise<Client> {
    const { application, transport, host, timeoutMs } = this.settings;
    if (!application.tlsVerify && transport !== 'plain') {
      log(
        'warn',
        `ldap: TLS certificate verification is turned OFF for application ${application.id} (explicit setting)`,
      );
    }
    if (transport === 'plain') {
      log(
        'warn',
        `ldap: application ${application.id} connects WITHOUT TLS (startTls: false); passwords cannot be set over it`,
      );
    }
    const tlsOptions: ConnectionOptions = {
      rejectUnauthorized: application.tlsVerify,
      minVersion: 'TLSv1.2',
      // StartTLS upgrades an existing socket: without `host`, Node would check the certificate against "localhost"
      host,
      ...(isIP(host) ? {} : { servername: host }),
      ...(application.caCertificate ? { ca: [application.caCertificate] } : {}),
    };
    // tlsOptions go to the constructor only for ldaps://: ldapts treats any tlsOptions as "connect with TLS".
    const client = new Client({
      url: application.url,
      timeout: timeoutMs,
      connectTimeout: timeoutMs,
      ...(transport === 'ldaps' ? { tlsOptions } : {}),
    });
    let step: Operation = transport === 'starttls' ? 'starttls' : 'bind';
    try {
      if (transport === 'starttls') await bounded(client.startTLS(tlsOptions), timeoutMs, undefined, 'StartTLS');
      step = 'bind';
      await bounded(client.bind(application.bindDn, application.bindPassword), timeoutMs, undefined, 'bind');
    } catch (error) {
      await discard(client);
      throw toLdapError(error, { operation: step, applicationId: application.id });
    }
    if (this.#closed) {
      await discard(client);
      throw LdapErrors.unreachable({ reason: 'the ldap capability is closed' }, { application: application.id });
    }
    this.#client = client;
    return client;
  }
}
