// One request/response exchange over undici, and turning the answer into the HttpResponse a guest receives:
// body read under a byte cap (the stream is aborted past it), JSON parsed when the server says it is JSON.
import { isIP } from 'node:net';
import type { Dispatcher } from 'undici';
import type { HttpResponse, Json } from '@actionhost/sdk';
import { HttpErrors } from './errors.ts';
import { redactJson, redactText } from './auth.ts';
import { wireHeaders, type Hop } from './outgoing.ts';

/**
 * Sends one hop. With `address`, the connection goes to that (already checked) IP while the Host header, and the
 * TLS server name undici derives from it, stay the URL's: no second resolution can pick another address.
 */
export function send(
  dispatcher: Dispatcher,
  hop: Hop,
  signal: AbortSignal,
  address?: string,
): Promise<Dispatcher.ResponseData> {
  const headers = wireHeaders(hop.headers);
  let origin = hop.url.origin;
  if (address !== undefined) {
    const port = hop.url.port || (hop.url.protocol === 'https:' ? '443' : '80');
    origin = `${hop.url.protocol}//${isIP(address) === 6 ? `[${address}]` : address}:${port}`;
    headers.host = hop.url.host;
  }
  return dispatcher.request({
    origin,
    path: hop.url.pathname + hop.url.search,
    method: hop.method,
    headers,
    body: hop.body,
    signal,
  });
}

export function flattenHeaders(headers: Dispatcher.ResponseData['headers']): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

/** Reads the whole body as text, refusing (and aborting the download) past `limit` bytes. */
export async function readCapped(response: Dispatcher.ResponseData, limit: number, method: string): Promise<string> {
  const { body } = response;
  const tooLarge = () => HttpErrors.responseTooLarge({ limit }, { limit });
  // HEAD and 304 answers describe a body they do not carry: their Content-Length says nothing about size here.
  const hasBody = method !== 'HEAD' && response.statusCode !== 304;
  const declared = Number(response.headers['content-length']);
  if (hasBody && Number.isFinite(declared) && declared > limit) {
    body.destroy();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      body.destroy();
      throw tooLarge();
    }
    chunks.push(chunk);
  }
  return decode(Buffer.concat(chunks), response.headers['content-type']);
}

function decode(bytes: Buffer, contentType: string | string[] | undefined): string {
  const charset = /charset="?([\w.:-]+)"?/i.exec(String(contentType ?? ''))?.[1];
  try {
    return new TextDecoder(charset ?? 'utf-8').decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes); // unknown charset label: UTF-8 is the web's default
  }
}

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/** The guest's view of the answer; host-held secrets echoed by the server are masked. */
export function toHttpResponse(
  status: number,
  headers: Record<string, string>,
  text: string,
  url: URL,
  durationMs: number,
  secrets: readonly string[],
): HttpResponse {
  let json: Json | undefined;
  if (JSON_TYPE.test(headers['content-type'] ?? '') && text.trim() !== '') {
    try {
      json = JSON.parse(text) as Json;
    } catch {
      json = undefined; // a server that lies about its content type still gets its text returned
    }
  }
  const response: HttpResponse = {
    status,
    headers: redactJson(headers, secrets),
    body: redactText(text, secrets),
    durationMs,
    url: redactText(url.href, secrets),
  };
  if (json !== undefined) response.json = redactJson(json, secrets);
  return response;
}
