// The console's only door to the host: fetch against the public HTTP API with the bearer token. The token lives in
// sessionStorage (this tab only, gone when it closes), never in localStorage, a cookie or a URL.
const TOKEN_KEY = 'actionhost.token';

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: Record<string, unknown>;

  constructor(status: number, code: string, message: string, details: Record<string, unknown>) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export function currentToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function storeToken(token: string | null): void {
  if (token === null) sessionStorage.removeItem(TOKEN_KEY);
  else sessionStorage.setItem(TOKEN_KEY, token);
}

/** Fired when the API answers 401: the session is over (token revoked, or never valid). */
export const SIGNED_OUT_EVENT = 'actionhost:signed-out';

export interface CallOptions {
  /** A raw body (a .tgz upload) instead of JSON. */
  raw?: Blob;
  contentType?: string;
  token?: string;
  signal?: AbortSignal;
}

export async function api<T>(method: string, path: string, body?: unknown, options: CallOptions = {}): Promise<T> {
  const token = options.token ?? currentToken();
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  let payload: BodyInit | undefined;
  if (options.raw) {
    payload = options.raw;
    headers['content-type'] = options.contentType ?? 'application/octet-stream';
  } else if (body !== undefined) {
    payload = JSON.stringify(body);
    headers['content-type'] = 'application/json';
  }
  const response = await fetch(path, {
    method,
    headers,
    body: payload,
    signal: options.signal,
    credentials: 'omit',
    cache: 'no-store',
  });
  const text = await response.text();
  const parsed: unknown = text ? safeJson(text) : undefined;
  if (!response.ok) {
    const error = (parsed as { error?: { code?: string; message?: string; details?: Record<string, unknown> } })?.error;
    if (response.status === 401 && !options.token) window.dispatchEvent(new Event(SIGNED_OUT_EVENT));
    throw new ApiError(
      response.status,
      error?.code ?? `HTTP_${response.status}`,
      error?.message ?? response.statusText,
      error?.details ?? {},
    );
  }
  return parsed as T;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { error: { code: 'AH_BAD_RESPONSE', message: 'the host answered with something that is not JSON' } };
  }
}

/** Path segment for a name that may hold "/" or "@" (scoped plugin names, application names). */
export function segment(value: string | number): string {
  return encodeURIComponent(String(value));
}
