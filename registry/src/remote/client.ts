// `registry install --from URL name@range`: asks a remote `registry serve` for a plugin's versions, picks the
// highest in range, downloads its tarball (size-capped, with a deadline) and returns it with the advertised integrity.
import semver from 'semver';
import { isActionhostError } from '@actionhost/sdk';
import { RegistryErrors } from '../errors.ts';
import type { RemotePackument } from './server.ts';

export interface RemoteTarball {
  tarball: Uint8Array;
  /** The integrity the remote advertises: the install checks the bytes against it */
  integrity: string;
  name: string;
  version: string;
  /** The tarball's URL, for messages */
  source: string;
}

export interface FetchRemoteOptions {
  signal?: AbortSignal;
  /** Deadline for the whole exchange (default 60 s) */
  timeoutMs?: number;
  /** Largest tarball accepted (default 64 MiB) */
  maxBytes?: number;
}

async function get(url: string, signal: AbortSignal): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, { signal, redirect: 'error' });
  } catch (error) {
    signal.throwIfAborted();
    throw RegistryErrors.remoteUnavailable(url, (error as Error).message);
  }
  return response;
}

async function readCapped(response: Response, url: string, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) throw RegistryErrors.tooLarge(`the tarball at ${url}`, declared, maxBytes, url);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of (response.body ?? []) as AsyncIterable<Uint8Array>) {
    size += chunk.length;
    if (size > maxBytes) throw RegistryErrors.tooLarge(`the tarball at ${url}`, size, maxBytes, url);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export async function fetchRemote(
  baseUrl: string,
  name: string,
  range: string,
  options: FetchRemoteOptions = {},
): Promise<RemoteTarball> {
  if (semver.validRange(range) === null) throw RegistryErrors.rangeInvalid(name, range);
  const signal = AbortSignal.any([
    AbortSignal.timeout(options.timeoutMs ?? 60_000),
    ...(options.signal ? [options.signal] : []),
  ]);
  const base = new URL(baseUrl);
  const packumentUrl = new URL(`/${name.split('/').map(encodeURIComponent).join('/')}`, base).href;
  try {
    const answer = await get(packumentUrl, signal);
    if (answer.status === 404) throw RegistryErrors.pluginNotFound(name);
    if (!answer.ok) throw RegistryErrors.remoteUnavailable(packumentUrl, `HTTP ${answer.status}`);
    const packument = (await answer.json()) as RemotePackument;
    const versions = Object.keys(packument.versions ?? {}).filter((version) => semver.valid(version) === version);
    const version = semver.maxSatisfying(versions, range);
    if (version === null) throw RegistryErrors.versionNotFound(name, range, versions);
    const { integrity, tarball } = packument.versions[version];
    const tarballUrl = new URL(tarball, base);
    if (tarballUrl.origin !== base.origin)
      throw RegistryErrors.remoteUnavailable(packumentUrl, 'tarball URL points to another origin');
    const download = await get(tarballUrl.href, signal);
    if (!download.ok) throw RegistryErrors.remoteUnavailable(tarballUrl.href, `HTTP ${download.status}`);
    const bytes = await readCapped(download, tarballUrl.href, options.maxBytes ?? 64 * 1024 * 1024);
    return { tarball: bytes, integrity, name, version, source: tarballUrl.href };
  } catch (error) {
    if (isActionhostError(error) || options.signal?.aborted) throw error;
    if (signal.aborted) throw RegistryErrors.remoteUnavailable(base.href, 'timed out');
    throw RegistryErrors.remoteUnavailable(base.href, (error as Error).message);
  }
}
