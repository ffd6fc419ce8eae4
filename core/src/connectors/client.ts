// `actionhost connector`, the process next to the directory: it connects OUT to the host over HTTPS (certificate
// verified, against --ca or the system's CAs), long-polls for ldap operations with its connector token, runs each
// with the ldap capability's executor — the same checks and code as on the host — and posts the result back. The
// host never needs a route to the directory. A revoked token ends it; a network or TLS failure is retried.
import { Agent, request } from 'undici';
import { isActionhostError, type Json } from '@actionhost/sdk';
import { LdapExecutor, type LdapApplication } from '../capabilities/index.ts';
import { ConnectorErrors } from './errors.ts';
import { PollAnswer, type ConnectorOperation, type OperationResult } from './schemas.ts';

export interface ConnectorClientOptions {
  /** https://host:port of the host's API. */
  hostUrl: string;
  token: string;
  /** PEM of the CA the host's certificate is verified against; the system's CAs when absent. */
  ca?: string;
  version: string;
  /** Stops the connector: the poll in flight is abandoned and the host told goodbye. */
  signal: AbortSignal;
  log: (message: string) => void;
  /** How long a poll may be held open by the host. Default 25 s. */
  waitMs?: number;
  /** The first wait after a failure to reach the host; doubles up to 30 s. Default 500 ms. */
  retryMs?: number;
}

const MAX_RETRY_MS = 30_000;

/** Runs until `signal` aborts (resolves) or the host refuses the token (rejects with AH_CONNECTOR_UNAUTHENTICATED). */
export async function runConnector(options: ConnectorClientOptions): Promise<void> {
  const waitMs = options.waitMs ?? 25_000;
  const base = options.hostUrl.replace(/\/+$/, '');
  const agent = new Agent({
    connect: { ...(options.ca ? { ca: options.ca } : {}), rejectUnauthorized: true, minVersion: 'TLSv1.2' },
    headersTimeout: waitMs + 15_000,
    bodyTimeout: waitMs + 15_000,
  });
  const executor = new LdapExecutor();
  const running = new Set<Promise<void>>();
  const post = async (path: string, body: unknown, signal?: AbortSignal): Promise<unknown> => {
    const response = await request(`${base}${path}`, {
      method: 'POST',
      dispatcher: agent,
      headers: { authorization: `Bearer ${options.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      ...(signal ? { signal } : {}),
    });
    const text = await response.body.text();
    if (response.statusCode === 401) {
      throw ConnectorErrors.unauthenticated({ reason: 'the host refused it (unknown or revoked)' });
    }
    if (response.statusCode >= 300) {
      throw ConnectorErrors.hostUnreachable({ url: base, reason: `it answered ${response.statusCode}` }, { url: base });
    }
    return text === '' ? null : (JSON.parse(text) as unknown);
  };

  const run = async (operation: ConnectorOperation): Promise<void> => {
    let result: OperationResult;
    try {
      const value = await executor.run(
        operation.application as unknown as LdapApplication,
        operation.method,
        operation.args,
        {
          signal: AbortSignal.any([options.signal, AbortSignal.timeout(operation.timeoutMs)]),
          log: (_level, message) => options.log(message),
        },
      );
      result = { id: operation.id, ok: true, value: value ?? null };
    } catch (error) {
      const failure = isActionhostError(error)
        ? error
        : ConnectorErrors.hostUnreachable({ url: base, reason: 'the operation failed unexpectedly' });
      result = {
        id: operation.id,
        ok: false,
        error: {
          code: failure.code,
          message: failure.message,
          status: failure.status,
          details: failure.details as Record<string, Json>,
        },
      };
    }
    // A result the host cannot take now is lost; the host times the operation out (writes are never replayed).
    await post('/api/connector/results', { results: [result] }).catch((error: unknown) =>
      options.log(`could not send the result of ${operation.method}: ${describe(error)}`),
    );
  };

  let retryMs = options.retryMs ?? 500;
  let connected = false;
  try {
    while (!options.signal.aborted) {
      let answer: PollAnswer;
      try {
        answer = PollAnswer.parse(
          // Until connected, a poll the host answers at once: "connected" is said when it is true, not a long
          // poll later (the host shows the connector online from the poll's arrival either way).
          await post(
            '/api/connector/poll',
            { version: options.version, waitMs: connected ? waitMs : 0 },
            options.signal,
          ),
        );
      } catch (error) {
        if (options.signal.aborted) break;
        if (isActionhostError(error) && error.code === 'AH_CONNECTOR_UNAUTHENTICATED') throw error;
        options.log(`cannot reach the host ${base}: ${describe(error)}; trying again in ${retryMs} ms`);
        connected = false;
        await sleep(retryMs, options.signal);
        retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
        continue;
      }
      retryMs = options.retryMs ?? 500;
      if (!connected) options.log(`connector "${answer.connector}" connected to ${base}`);
      connected = true;
      for (const operation of answer.operations) {
        const work = run(operation).finally(() => running.delete(work));
        running.add(work);
      }
    }
  } finally {
    await Promise.allSettled(running);
    // Goodbye: the host marks it offline at once instead of after its grace period.
    await post('/api/connector/disconnect', {}, AbortSignal.timeout(2_000)).catch(() => undefined);
    await executor.close();
    await agent.close();
  }
}

function describe(error: unknown): string {
  if (isActionhostError(error)) return `${error.code}: ${error.message}`;
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const code = (error as { code?: string }).code ?? cause?.code;
  return [code, cause?.message ?? (error as Error).message].filter(Boolean).join(' ');
}

async function sleep(ms: number, signal: AbortSignal): Promise<void> {
  await new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
